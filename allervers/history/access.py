"""Who may read a record's history and who may restore it once deleted; others get 404.

Reading follows each domain's own rule for the record. Restoring a deleted record: its owner,
the formateurs of the group it belongs to, and administrators (DESIGN.md: nothing is lost).
The rules of restoring are SQL conditions, so that the trash lists exactly what its button
may restore.
"""

from flask import abort
from sqlalchemy import Select, and_, false, or_, select, true

from allervers.auth.models import User
from allervers.directory import access as directory_access
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.history import visibility
from allervers.history.kinds import Kind, by_slug, kinds
from allervers.history.models import HistoryEvent
from allervers.initiatives import access as initiatives_access
from allervers.initiatives.models import Effect, Initiative
from allervers.maps import access as maps_access
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry
from allervers.training import access as training_access
from allervers.training.models import Group, Membership, TrainingSession

# ----- reading a record's history ---------------------------------------------------------------


def _live_map_visible(user: User, cooperation_map: CooperationMap) -> bool:
    return not cooperation_map.is_deleted and maps_access.can_view(user, cooperation_map)


def _initiative_visible(user: User, initiative: Initiative) -> bool:
    return not initiative.is_deleted and initiatives_access.can_view(user, initiative)


def _group_visible(user: User, group: Group) -> bool:
    live = not (group.is_deleted or group.session.is_deleted)
    return live and training_access.can_view_group(user, group)


VIEW_RULES = {
    "structure": lambda user, s: not s.is_deleted or directory_access.can_see_deleted(user),
    "map": _live_map_visible,
    "entry": lambda user, e: not e.is_deleted and _live_map_visible(user, e.map),
    "link": lambda user, lk: not lk.is_deleted and _live_map_visible(user, lk.map),
    "initiative": _initiative_visible,
    "effect": lambda user, e: not e.is_deleted and _initiative_visible(user, e.initiative),
    "session": lambda user, s: not s.is_deleted and training_access.can_view_session(user, s),
    "group": _group_visible,
}


def can_view(user: User, kind: Kind, record) -> bool:
    """Whoever sees the record sees its history; whoever may restore it, too."""
    return VIEW_RULES[kind.name](user, record) or can_restore(user, kind, record.id)


def record_or_404(user: User, slug: str, record_id: int) -> tuple[Kind, object]:
    kind = by_slug().get(slug)
    record = db.session.get(kind.model, record_id) if kind else None
    if record is None or not can_view(user, kind, record):
        abort(404)
    return kind, record


# ----- erasing old values ----------------------------------------------------------------------

# The field naming a record's author or owner; parts answer with their parent's.
AUTHORS = {
    "structure": "created_by_id",
    "map": "owner_id",
    "initiative": "author_id",
    "effect": "author_id",
    "session": "created_by_id",
}
PARENT_OF = {"entry": "map", "link": "map"}


def record_author_id(kind: Kind, record) -> int | None:
    if kind.name in PARENT_OF:
        return getattr(record, PARENT_OF[kind.name]).owner_id
    field = AUTHORS.get(kind.name)
    return getattr(record, field) if field else None


def can_purge(user: User, kind: Kind, record, event: HistoryEvent) -> bool:
    """Who made the change, the record's author or owner, administrators (of an entry they
    may read: the view checks that first)."""
    if user.is_admin or (event.actor_id is not None and event.actor_id == user.id):
        return True
    author = record_author_id(kind, record)
    return author is not None and author == user.id


def purgeable_event_or_404(user: User, event_id: int) -> tuple[Kind, object, HistoryEvent]:
    """An entry `user` may read something of and may erase the old values of."""
    event = db.session.get(HistoryEvent, event_id)
    kind = kinds().get(event.kind) if event else None
    record = db.session.get(kind.model, event.record_id) if kind else None
    if record is None or not can_view(user, kind, record):
        abort(404)
    if not visibility.seen(user, kind, record, [event])[event.id].anything:
        abort(404)
    if not can_purge(user, kind, record, event):
        abort(404)
    return kind, record, event


# ----- restoring --------------------------------------------------------------------------------


def _trained_group_ids(user: User, live: bool = False) -> Select:
    query = select(Membership.group_id).where(
        Membership.user_id == user.id, Membership.role == "formateur"
    )
    if live:
        query = query.join(Group).where(Group.deleted_at.is_(None))
    return query


def _trainees_of(user: User) -> Select:
    return select(Membership.user_id).where(
        Membership.group_id.in_(_trained_group_ids(user, live=True)),
        Membership.role == "stagiaire",
    )


def _structures_deleted() -> Select:
    return select(Structure.id).where(Structure.deleted_at.is_not(None))


def _restorable_structures(user: User) -> Select:
    query = select(Structure).where(
        Structure.deleted_at.is_not(None), Structure.merged_into_id.is_(None)
    )
    return query if user.is_staff else query.where(Structure.created_by_id == user.id)


def _restorable_maps(user: User) -> Select:
    """Personal maps (a group map lives as long as its group)."""
    query = select(CooperationMap).where(
        CooperationMap.deleted_at.is_not(None), CooperationMap.owner_id.is_not(None)
    )
    if user.is_admin:
        return query
    return query.where(
        or_(CooperationMap.owner_id == user.id, CooperationMap.owner_id.in_(_trainees_of(user)))
    )


def _open_maps(user: User) -> Select:
    """A map's content is restored by those who may open the map: its owner (or the group),
    the formateurs of the owner's groups, administrators."""
    return maps_access.visible_maps(user).with_only_columns(CooperationMap.id)


def _restorable_entries(user: User) -> Select:
    return select(MapEntry).where(
        MapEntry.deleted_at.is_not(None),
        MapEntry.map_id.in_(_open_maps(user)),
        MapEntry.structure_id.not_in(_structures_deleted()),
    )


def _restorable_links(user: User) -> Select:
    return select(CooperationLink).where(
        CooperationLink.deleted_at.is_not(None),
        CooperationLink.map_id.in_(_open_maps(user)),
        CooperationLink.source_id.not_in(_structures_deleted()),
        CooperationLink.target_id.not_in(_structures_deleted()),
    )


def _initiative_rule(user: User):
    """Its author; for a shared one also admins, the carrying structure's référents and,
    when shared with a group, that group's formateurs. A private draft stays its author's."""
    others = [true() if user.is_admin else false()]
    if user.role == "referent":
        others.append(Initiative.structure_id.in_(directory_access.referent_structure_ids(user)))
    if user.is_trainer:
        others.append(
            and_(
                Initiative.visibility == "groupe",
                Initiative.group_id.in_(_trained_group_ids(user)),
            )
        )
    shared = and_(Initiative.visibility != "privee", or_(*others))
    return or_(Initiative.author_id == user.id, shared)


def _restorable_initiatives(user: User) -> Select:
    return select(Initiative).where(Initiative.deleted_at.is_not(None), _initiative_rule(user))


def _restorable_effects(user: User) -> Select:
    return (
        select(Effect)
        .join(Initiative, Effect.initiative_id == Initiative.id)
        .where(
            Effect.deleted_at.is_not(None),
            Initiative.deleted_at.is_(None),
            _initiative_rule(user),
        )
    )


def _restorable_sessions(user: User) -> Select:
    query = select(TrainingSession).where(TrainingSession.deleted_at.is_not(None))
    if user.is_admin:
        return query
    if not user.is_trainer:
        return query.where(false())
    trained = select(Group.session_id).where(Group.id.in_(_trained_group_ids(user)))
    return query.where(
        or_(TrainingSession.created_by_id == user.id, TrainingSession.id.in_(trained))
    )


def _restorable_groups(user: User) -> Select:
    query = select(Group).where(Group.deleted_at.is_not(None))
    if user.is_admin:
        return query
    if not user.is_trainer:
        return query.where(false())
    return query.where(Group.id.in_(_trained_group_ids(user)))


RESTORABLE = {
    "structure": _restorable_structures,
    "map": _restorable_maps,
    "entry": _restorable_entries,
    "link": _restorable_links,
    "initiative": _restorable_initiatives,
    "effect": _restorable_effects,
    "session": _restorable_sessions,
    "group": _restorable_groups,
}


def restorable(user: User, kind: Kind) -> Select:
    """The deleted records of this kind that `user` may restore."""
    return RESTORABLE[kind.name](user)


def can_restore(user: User, kind: Kind, record_id: int) -> bool:
    query = restorable(user, kind).where(kind.model.id == record_id)
    return db.session.scalar(query) is not None


def restorable_or_404(user: User, slug: str, record_id: int) -> tuple[Kind, object]:
    kind = by_slug().get(slug)
    if kind is None or not can_restore(user, kind, record_id):
        abort(404)
    return kind, db.session.get(kind.model, record_id)
