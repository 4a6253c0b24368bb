"""Writing initiatives, their partners and effects (the only code of this package that writes)."""

from sqlalchemy import func, select, update

from allervers.auth.models import User
from allervers.core.models import check_version
from allervers.core.timeutil import utcnow
from allervers.directory.models import Structure, normalise
from allervers.extensions import db
from allervers.initiatives.models import (
    SECTIONS,
    Effect,
    Initiative,
    InitiativePartner,
    InitiativePublic,
    InitiativeTechnique,
)
from allervers.training.models import Group, Membership

TEXT_FIELDS = ("title", "summary", "communes", "rhythm", *SECTIONS)


def search_text(initiative: Initiative) -> str:
    """Accents and case removed, the title first: what the full-text index reads."""
    parts = [getattr(initiative, name) for name in TEXT_FIELDS]
    return normalise(" ".join(part for part in parts if part))


def groups_of(user: User) -> list[Group]:
    """The groups an initiative of `user` may be shared with."""
    query = (
        select(Group)
        .join(Membership)
        .where(Membership.user_id == user.id, Group.deleted_at.is_(None))
        .order_by(Group.name)
    )
    return list(db.session.scalars(query))


def _apply(initiative: Initiative, fields: dict, by: User) -> None:
    techniques = fields.pop("techniques", None)
    publics = fields.pop("publics", None)
    consent = fields.pop("consent", False)
    for name, value in fields.items():
        setattr(initiative, name, value)
    if techniques is not None:
        initiative.techniques = [InitiativeTechnique(technique_code=c) for c in sorted(techniques)]
    if publics is not None:
        initiative.publics = [InitiativePublic(public_code=c) for c in sorted(publics)]
    if initiative.visibility != "groupe":
        initiative.group_id = None
    if initiative.visibility == "base" and consent and initiative.consent_at is None:
        initiative.consent_at, initiative.consent_by_id = utcnow(), by.id
    if initiative.visibility != "base":
        initiative.consent_at = initiative.consent_by_id = None
        initiative.is_reference = False
    initiative.search_text = search_text(initiative)


def create_initiative(author: User, fields: dict) -> Initiative:
    initiative = Initiative(author_id=author.id)
    _apply(initiative, dict(fields), author)
    db.session.add(initiative)
    db.session.commit()
    return initiative


def update_initiative(
    initiative: Initiative, fields: dict, by: User, expected_version: int | None
) -> None:
    check_version(initiative, expected_version)
    _apply(initiative, dict(fields), by)
    db.session.commit()


# What the autosave keeps: the texts (the choices are few clicks and are saved with the form).
DRAFT_FIELDS = (*TEXT_FIELDS, "staff", "vehicle", "budget")
DRAFT_MAX = 20_000


def save_draft(initiative: Initiative, form) -> None:
    """Autosave while typing: kept aside in `draft`, never shown to readers and never
    published unchecked; the edit form restores it and a real save clears it.

    Written beside the record, not as an edit of it: the version stays, or the form being
    typed would be refused as a conflict with its own autosave.
    """
    draft = {name: str(form.get(name, ""))[:DRAFT_MAX] for name in DRAFT_FIELDS if name in form}
    db.session.execute(
        update(Initiative)
        .where(Initiative.id == initiative.id)
        .values(draft=draft, draft_saved_at=utcnow())
    )
    db.session.commit()


def clear_draft(initiative: Initiative) -> None:
    initiative.draft = None
    initiative.draft_saved_at = None
    db.session.commit()


def remove_initiative(initiative: Initiative) -> None:
    initiative.deleted_at = utcnow()
    db.session.commit()


def restore_initiative(initiative: Initiative) -> None:
    initiative.deleted_at = None
    db.session.commit()


def set_reference(initiative: Initiative, value: bool) -> None:
    initiative.is_reference = value
    db.session.commit()


# ----- partners -------------------------------------------------------------------------------


def add_partner(initiative: Initiative, structure: Structure, role: str | None) -> bool:
    """False when the structure already is a partner (its role is then updated)."""
    existing = next((p for p in initiative.partners if p.structure_id == structure.id), None)
    if existing is not None:
        was_live = not existing.is_deleted
        existing.deleted_at, existing.role = None, role
        db.session.commit()
        return not was_live
    initiative.partners.append(InitiativePartner(structure_id=structure.id, role=role))
    db.session.commit()
    return True


def remove_partner(partner: InitiativePartner) -> None:
    partner.deleted_at = utcnow()
    db.session.commit()


# ----- effects --------------------------------------------------------------------------------


def _recount(initiative_id: int) -> None:
    live = (
        select(func.count())
        .where(Effect.initiative_id == initiative_id, Effect.deleted_at.is_(None))
        .scalar_subquery()
    )
    db.session.execute(
        update(Initiative)
        .where(Initiative.id == initiative_id)
        .values(effects_count=live)
        .execution_options(synchronize_session=False)
    )


def add_effect(initiative: Initiative, fields: dict, by: User) -> Effect:
    effect = Effect(initiative_id=initiative.id, author_id=by.id, **fields)
    db.session.add(effect)
    db.session.flush()
    _recount(initiative.id)
    db.session.commit()
    return effect


def update_effect(effect: Effect, fields: dict, expected_version: int | None) -> None:
    check_version(effect, expected_version)
    for name, value in fields.items():
        setattr(effect, name, value)
    db.session.commit()


def remove_effect(effect: Effect) -> None:
    effect.deleted_at = utcnow()
    db.session.flush()
    _recount(effect.initiative_id)
    db.session.commit()


def restore_effect(effect: Effect) -> None:
    effect.deleted_at = None
    db.session.flush()
    _recount(effect.initiative_id)
    db.session.commit()


def structure_choices(user: User, initiative: Initiative | None = None) -> list[tuple[int, str]]:
    """Structures an initiative of `user` may name: their own, those on their maps and on the
    maps of their groups, and those the initiative already names."""
    from allervers.maps.models import CooperationMap, MapEntry

    group_ids = select(Membership.group_id).where(Membership.user_id == user.id)
    on_my_maps = (
        select(MapEntry.structure_id)
        .join(CooperationMap)
        .where(
            MapEntry.deleted_at.is_(None),
            CooperationMap.deleted_at.is_(None),
            (CooperationMap.owner_id == user.id) | CooperationMap.group_id.in_(group_ids),
        )
    )
    wanted = Structure.id.in_(on_my_maps)
    known = {user.structure_id}
    if initiative is not None:
        known |= {initiative.structure_id, *(p.structure_id for p in initiative.partners)}
    known.discard(None)
    if known:
        wanted = wanted | Structure.id.in_(known)
    query = select(Structure).where(Structure.deleted_at.is_(None), wanted)
    rows = sorted(db.session.scalars(query), key=lambda s: (normalise(s.name), s.id))
    return [(s.id, f"{s.name} ({s.commune})" if s.commune else s.name) for s in rows]
