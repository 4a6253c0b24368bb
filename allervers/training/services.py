"""Sessions, groups, invitation codes and joining: the only code of this domain that commits."""

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from allervers.auth import security_log, throttle
from allervers.auth.models import User
from allervers.auth.passwords import hash_password, verify_password
from allervers.auth.services import (
    DISABLED_ACCOUNT,
    AccountError,
    find_user_by_email,
    normalise_email,
)
from allervers.core.models import check_version
from allervers.core.timeutil import utcnow
from allervers.directory import services as directory
from allervers.directory.models import normalise
from allervers.extensions import db
from allervers.training.models import Group, InvitationCode, Membership, TrainingSession

# No 0/O, 1/I/L: codes are read aloud and copied from a projector.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class JoinError(ValueError):
    """A refused invitation code; the message is shown as it is."""


# ----- sessions -------------------------------------------------------------------------------


def sessions_query(user: User):
    """The sessions `user` may see, newest first."""
    query = select(TrainingSession).where(TrainingSession.deleted_at.is_(None))
    if not user.is_staff:
        mine = (
            select(Group.session_id)
            .join(Membership)
            .where(Membership.user_id == user.id, Group.deleted_at.is_(None))
        )
        query = query.where(TrainingSession.id.in_(mine))
    return query.order_by(TrainingSession.created_at.desc(), TrainingSession.id.desc())


def save_session(
    training: TrainingSession | None, fields: dict, by: User, expected_version: int | None = None
) -> TrainingSession:
    if training is None:
        training = TrainingSession(created_by_id=by.id)
        db.session.add(training)
    else:
        check_version(training, expected_version)
    for name, value in fields.items():
        setattr(training, name, value)
    db.session.commit()
    return training


def delete_session(training: TrainingSession) -> None:
    """Soft: the session and its groups disappear from the pages until it is restored."""
    training.deleted_at = utcnow()
    db.session.commit()


def restore_session(training: TrainingSession) -> None:
    training.deleted_at = None
    db.session.commit()


# ----- groups ---------------------------------------------------------------------------------


def new_code(city: str | None) -> str:
    prefix = (normalise(city).replace(" ", "").upper() + "GRP")[:3]
    while True:
        code = prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not db.session.scalar(select(InvitationCode.id).where(InvitationCode.code == code)):
            return code


def canonical_code(typed: str) -> str:
    """What a person typed ("orl-7k3 pq9") in the stored form ("ORL7K3PQ9")."""
    return re.sub(r"[^0-9A-Z]", "", typed.upper())


def _set_trainers(group: Group, trainer_ids: list[int]) -> None:
    wanted = set(trainer_ids)
    for member in list(group.memberships):
        if member.role == "formateur" and member.user_id not in wanted:
            group.memberships.remove(member)
    present = {m.user_id for m in group.memberships}
    for user_id in wanted - present:
        group.memberships.append(Membership(user_id=user_id, role="formateur", joined_at=utcnow()))


def save_group(
    group: Group | None,
    training: TrainingSession | None,
    fields: dict,
    trainer_ids: list[int],
    expected_version: int | None = None,
) -> Group:
    if group is None:
        code = new_code(fields.get("city"))  # before the new group exists: no early autoflush
        group = Group(session=training)
        group.invitation_codes.append(InvitationCode(code=code, created_at=utcnow()))
        db.session.add(group)
    else:
        check_version(group, expected_version)
    for name, value in fields.items():
        setattr(group, name, value)
    _set_trainers(group, trainer_ids)
    db.session.commit()
    return group


def delete_group(group: Group) -> None:
    """Soft: its members, maps and shared initiatives are kept for a restore."""
    group.deleted_at = utcnow()
    db.session.commit()


def restore_group(group: Group) -> None:
    group.deleted_at = None
    db.session.commit()


def regenerate_code(group: Group) -> InvitationCode:
    close_code(group, commit=False)
    code = InvitationCode(code=new_code(group.city), created_at=utcnow())
    group.invitation_codes.append(code)
    db.session.commit()
    return code


def close_code(group: Group, commit: bool = True) -> None:
    """Revoke the current code: nobody can join until a new one is generated."""
    current = group.current_code
    if current:
        current.revoked_at = utcnow()
    if commit:
        db.session.commit()


def remove_member(group: Group, user_id: int) -> None:
    for member in list(group.memberships):
        if member.user_id == user_id:
            group.memberships.remove(member)
    db.session.commit()


def trainer_choices() -> list[tuple[int, str]]:
    people = db.session.scalars(
        select(User).where(User.role == "formateur", User.is_enabled).order_by(User.name)
    )
    return [(user.id, user.name) for user in people]


def load_member_structures(group: Group) -> None:
    """Read the members' structures in one query (the group page shows each one's)."""
    members = select(User).where(User.id.in_([m.user_id for m in group.memberships]))
    db.session.scalars(members.options(selectinload(User.structure))).all()


def groups_of(user: User) -> list[Group]:
    """The live groups `user` belongs to (as trainee or trainer)."""
    query = (
        select(Group)
        .join(Membership)
        .join(TrainingSession)
        .where(
            Membership.user_id == user.id,
            Group.deleted_at.is_(None),
            TrainingSession.deleted_at.is_(None),
        )
        .options(selectinload(Group.session))
        .order_by(Group.start_date.desc(), Group.name)
    )
    return list(db.session.scalars(query))


# ----- joining with an invitation code --------------------------------------------------------


@dataclass
class NewAccount:
    name: str
    email: str
    password: str
    job_title: str | None
    structure_id: int | None
    new_structure_name: str | None = None
    new_structure_commune: str | None = None
    new_structure_postal_code: str | None = None


def group_for_code(typed: str) -> Group:
    """The group a code opens, or a JoinError that says why not."""
    record = db.session.scalar(
        select(InvitationCode).where(InvitationCode.code == canonical_code(typed))
    )
    group = record.group if record else None
    if group is None or group.is_deleted or group.session.is_deleted:
        raise JoinError("Ce code d'invitation n'existe pas. Vérifiez-le auprès de votre formateur.")
    if record.revoked_at is not None:
        raise JoinError(
            "Ce code d'invitation n'est plus valable : demandez le nouveau code à votre formateur."
        )
    return group


def _add_trainee(group: Group, user: User) -> None:
    if group.is_full:
        raise JoinError(
            f"Ce groupe est complet ({group.capacity} places). Adressez-vous à votre formateur."
        )
    group.memberships.append(Membership(user=user, role="stagiaire", joined_at=utcnow()))


def join_group(user: User, typed_code: str) -> tuple[Group, bool]:
    """Add a signed-in user to the code's group; returns (group, was_already_member)."""
    group = group_for_code(typed_code)
    if any(m.user_id == user.id for m in group.memberships):
        return group, True
    _add_trainee(group, user)
    db.session.commit()
    return group, False


# The same words whether or not the e-mail has an account (SECURITY.md, "/rejoindre").
JOIN_REFUSED = (
    "Adresse e-mail ou mot de passe incorrect. Si vous avez déjà un compte, saisissez son mot "
    "de passe (ou connectez-vous, puis saisissez le code) ; sinon, vérifiez l'adresse e-mail."
)


def register_and_join(
    typed_code: str, account: NewAccount, address: str
) -> tuple[Group, User, bool]:
    """Join the code's group with a new account, or with the existing account of that e-mail
    when its password is typed; returns (group, user, was_created). All of it or nothing.

    Either way it costs one password hash and counts under the sign-in limits, and a wrong
    password gets the words of any refusal: the answer does not say that the e-mail has an
    account. For an existing account, the name, function and structure typed are ignored.
    """
    group = group_for_code(typed_code)
    if group.is_full:
        _add_trainee(group, None)  # raises the "group is full" message, for every e-mail
    attempt = throttle.begin(normalise_email(account.email), address)
    if attempt.refusal:
        security_log.sign_in_failed(account.email, None, security_log.REFUSED_BY_LIMITS)
        raise AccountError(attempt.refusal)
    user = find_user_by_email(account.email)
    if user is None:
        return group, _create_trainee(group, account), True
    if not verify_password(user.password_hash, account.password):
        throttle.failed(attempt)
        security_log.wrong_password(account.email, user)
        raise AccountError(JOIN_REFUSED)
    if not user.is_enabled:
        security_log.sign_in_failed(account.email, user, security_log.DISABLED)
        raise AccountError(DISABLED_ACCOUNT)
    throttle.succeeded(attempt)
    if not any(m.user_id == user.id for m in group.memberships):
        _add_trainee(group, user)
        db.session.commit()
    return group, user, False


def _create_trainee(group: Group, account: NewAccount) -> User:
    existing = directory.get_live(account.structure_id)
    structure_id = existing.id if existing else None
    user = User(
        email=normalise_email(account.email),
        name=account.name,
        role="stagiaire",
        job_title=account.job_title,
        password_hash=hash_password(account.password),
    )
    db.session.add(user)
    db.session.flush()
    if structure_id is None and account.new_structure_name:
        structure_id = directory.find_or_create(
            account.new_structure_name,
            account.new_structure_commune,
            account.new_structure_postal_code,
            created_by_id=user.id,
        ).id
    user.structure_id = structure_id
    _add_trainee(group, user)
    security_log.record("account_created", user=user, detail=f"Inscription : {group.name}")
    db.session.commit()
    return user
