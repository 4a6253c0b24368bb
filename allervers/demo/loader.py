"""Load the demo data, idempotently: running it twice changes nothing."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from allervers.auth.models import User
from allervers.auth.passwords import hash_password
from allervers.core.timeutil import utcnow
from allervers.demo import training as demo
from allervers.demo.data import STRUCTURES
from allervers.demo.followup import load_demo_followup
from allervers.demo.initiatives import load_demo_initiatives
from allervers.demo.maps import load_demo_maps
from allervers.directory import referents
from allervers.directory import services as directory
from allervers.directory.models import ReferentAttachment, Structure
from allervers.extensions import db
from allervers.training.models import Group, InvitationCode, Membership, TrainingSession
from allervers.training.services import new_code


@dataclass
class DemoSummary:
    structures: int
    users: int
    groups: int


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User)) and not db.session.scalar(
        select(func.count()).select_from(TrainingSession)
    )


def load_demo() -> DemoSummary:
    structures = {item["name"]: _structure(item) for item in STRUCTURES}
    users = [_user(row, structures) for row in demo.ACCOUNTS]
    training = _session()
    groups = [_group(training, spec) for spec in demo.GROUPS]
    for user, row in zip(users, demo.ACCOUNTS, strict=True):
        group_index = row[5]
        if group_index is not None:
            _member(groups[group_index], user)
    db.session.commit()
    load_demo_maps()
    load_demo_initiatives()
    load_demo_followup()
    return DemoSummary(structures=len(structures), users=len(users), groups=len(groups))


def _structure(item: dict) -> Structure:
    existing = directory.find_same(item["name"], item["commune"])
    if existing:
        if not existing.insee_code:  # loaded before the official list of communes: complete it
            existing.refresh_derived()
        return existing
    structure = directory.build_structure(**item)
    db.session.add(structure)
    db.session.flush()
    return structure


def _user(row: tuple, structures: dict[str, Structure]) -> User:
    email, name, role, job_title, structure_name, _group_index = row
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        structure = structures.get(structure_name) if structure_name else None
        user = User(
            email=email,
            name=name,
            role=role,
            job_title=job_title,
            structure_id=structure.id if structure else None,
            password_hash=hash_password(demo.DEMO_PASSWORD),
        )
        db.session.add(user)
        db.session.flush()
    _attach_referent(user)
    return user


def _attach_referent(user: User) -> None:
    """The demo référent is granted her structure, as an administrator would have done."""
    if user.role != "referent" or user.structure_id is None:
        return
    mine = [a for a in referents.active_attachments(user) if a.structure_id == user.structure_id]
    if mine and mine[0].status == "approved":
        return
    now = utcnow()
    attachment = (
        mine[0]
        if mine
        else ReferentAttachment(user_id=user.id, structure_id=user.structure_id, requested_at=now)
    )
    attachment.status, attachment.decided_at = "approved", now
    db.session.add(attachment)


def _session() -> TrainingSession:
    training = db.session.scalar(
        select(TrainingSession).where(TrainingSession.title == demo.SESSION["title"])
    )
    if training is None:
        training = TrainingSession(
            **demo.SESSION, registration_deadline=date(*demo.REGISTRATION_DEADLINE)
        )
        db.session.add(training)
        db.session.flush()
    return training


def _group(training: TrainingSession, spec: dict) -> Group:
    group = next((g for g in training.groups if g.name == spec["name"]), None)
    if group is None:
        group = Group(session=training, **spec)
        db.session.add(group)
        code = new_code(spec["city"])
        group.invitation_codes.append(InvitationCode(code=code, created_at=utcnow()))
        db.session.flush()
    return group


def _member(group: Group, user: User) -> None:
    if not any(m.user_id == user.id for m in group.memberships):
        role = "formateur" if user.role == "formateur" else "stagiaire"
        group.memberships.append(Membership(user=user, role=role, joined_at=utcnow()))


def login_lines() -> list[str]:
    """What `make run` and the README print: every demo account and its role."""
    lines = [f"Comptes de démonstration (mot de passe commun : {demo.DEMO_PASSWORD})"]
    for email, _name, role, _job, _structure, group_index in demo.ACCOUNTS:
        group = f" · {demo.GROUPS[group_index]['name']}" if group_index is not None else ""
        lines.append(f"  {role:<10} {email}{group}")
    return lines
