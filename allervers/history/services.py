"""A record's timeline, the trash of deleted records, and restoring them."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from allervers.auth.models import User
from allervers.core.privacy import find_personal_data
from allervers.core.timeutil import utcnow
from allervers.directory import services as directory
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.history import access, display, visibility
from allervers.history.kinds import Kind, kinds
from allervers.history.models import PURGED, HistoryEvent, is_purged
from allervers.history.visibility import Seen
from allervers.initiatives import services as initiatives
from allervers.initiatives.models import Effect
from allervers.maps import services as maps
from allervers.maps.models import CooperationLink, MapEntry
from allervers.training import services as training
from allervers.training.models import Group

# A map's timeline shows its structures and links too; an initiative's, its effects.
CHILDREN = {
    "map": (("entry", MapEntry, "map_id"), ("link", CooperationLink, "map_id")),
    "initiative": (("effect", Effect, "initiative_id"),),
}


class RestoreError(ValueError):
    """A restore the domain refuses; the message says why."""


# ----- a record's timeline ----------------------------------------------------------------------


def timeline(kind: Kind, record) -> Select:
    """The events of the record (and of its parts), most recent first."""
    condition = and_(HistoryEvent.kind == kind.name, HistoryEvent.record_id == record.id)
    for child, model, column in CHILDREN.get(kind.name, ()):
        ids = select(model.id).where(getattr(model, column) == record.id)
        condition = or_(
            condition, and_(HistoryEvent.kind == child, HistoryEvent.record_id.in_(ids))
        )
    return (
        select(HistoryEvent)
        .where(condition)
        .options(selectinload(HistoryEvent.actor))
        .order_by(HistoryEvent.created_at.desc(), HistoryEvent.id.desc())
    )


def readable_timeline(user: User, kind: Kind, record) -> list[tuple[HistoryEvent, Seen]]:
    """The timeline's entries `user` may read something of (visibility.py), with what."""
    return visibility.visible(user, kind, record, list(db.session.scalars(timeline(kind, record))))


@dataclass
class EventView:
    event: HistoryEvent
    subject: str | None  # the part of the record it is about ("Lien A – B"), if not the record
    changes: list[display.Change]
    flagged: list[str]  # what the personal-data guard finds in the old values shown
    can_purge: bool


def describe(
    user: User, kind: Kind, record, items: list[tuple[HistoryEvent, Seen]]
) -> list[EventView]:
    """The page's events made readable, with one query per kind of name they need."""
    events = [event for event, _seen in items]
    names = _names(display.referenced_ids(events))
    parts = _parts([event for event in events if event.kind != kind.name])
    views = []
    for event, seen in items:
        part = parts.get((event.kind, event.record_id))
        subject = (
            f"{kinds()[event.kind].label} : {kinds()[event.kind].title(part)}" if part else None
        )
        before = seen.before or event.action == "create"  # nothing came before a creation
        changes = display.changes(event.kind, event.changes, names, before, seen.after)
        flagged = flagged_kinds(event) if seen.before else []
        own = kinds()[event.kind], part or record
        purge = bool(purgeable_fields(event)) and access.can_purge(user, *own, event)
        views.append(EventView(event, subject, changes, flagged, purge))
    return views


def _names(ids: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    columns = {"structure": Structure.name, "user": User.name, "group": Group.name}
    names: dict[str, dict[int, str]] = {target: {} for target in ids}
    for target, wanted in ids.items():
        if wanted:
            model = columns[target].class_
            query = select(model.id, columns[target]).where(model.id.in_(wanted))
            names[target] = {row[0]: row[1] for row in db.session.execute(query)}
    return names


def _parts(events: list[HistoryEvent]) -> dict[tuple[str, int], object]:
    wanted: dict[str, set[int]] = {}
    for event in events:
        wanted.setdefault(event.kind, set()).add(event.record_id)
    found = {}
    for name, ids in wanted.items():
        model = kinds()[name].model
        for record in db.session.scalars(select(model).where(model.id.in_(ids))).unique():
            found[(name, record.id)] = record
    return found


# ----- erasing old values (personal data typed by mistake) -------------------------------------


def purgeable_fields(event: HistoryEvent) -> list[str]:
    """The fields whose old value may be erased; those visibility is rebuilt from stay."""
    kept = visibility.state_fields(event.kind)
    return [
        field
        for field, (old, _new) in event.changes.items()
        if field not in kept and old not in (None, "", []) and not is_purged(old)
    ]


# A structure's own contact details: the guard does not check them, nor do we here.
CONTACT_FIELDS = frozenset({"phone", "email", "website", "siret"})


def _old_and_new_texts(event: HistoryEvent):
    for field, (old, new) in event.changes.items():
        if field not in CONTACT_FIELDS:
            yield _texts(old), _texts(new)


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def flagged_kinds(event: HistoryEvent) -> list[str]:
    """What the personal-data guard finds in the entry's old values, e.g. "un numéro de …"."""
    found = {
        finding.kind
        for olds, _news in _old_and_new_texts(event)
        for text in olds
        for finding in find_personal_data(text)
    }
    return sorted(found)


def removed_personal_data(event: HistoryEvent) -> bool:
    """Did this change take out of the record a text the guard flags (kept in its old value)?"""
    for olds, news in _old_and_new_texts(event):
        kept = " ".join(news)
        for text in olds:
            if any(f.excerpt not in kept for f in find_personal_data(text)):
                return True
    return False


def personal_data_taken_out(updates: list[tuple]) -> list[HistoryEvent]:
    """Of the request's updates (recorder), those that took flagged text out of a record."""
    found = []
    for kind, record_id, actor_id, created_at in updates:
        event = db.session.scalar(
            select(HistoryEvent)
            .where(
                HistoryEvent.kind == kind,
                HistoryEvent.record_id == record_id,
                HistoryEvent.actor_id == actor_id,
                HistoryEvent.created_at == created_at,
                HistoryEvent.action == "update",
            )
            .order_by(HistoryEvent.id.desc())
            .limit(1)
        )  # none when the save was rolled back
        if event is not None and purgeable_fields(event) and removed_personal_data(event):
            found.append(event)
    return found


def purge(event: HistoryEvent, user: User) -> list[str]:
    """Erase the entry's old values and, where an earlier entry set the same value, that one
    too: the value leaves the history. Who erased and when is kept, not what."""
    fields = purgeable_fields(event)
    now = utcnow()
    for field in fields:
        old = event.changes[field][0]
        earlier = _last_change_before(event, field)
        if earlier is not None and earlier.changes[field][1] == old:
            _erase(earlier, field, 1, user, now)
        _erase(event, field, 0, user, now)
    db.session.commit()
    return fields


def _last_change_before(event: HistoryEvent, field: str) -> HistoryEvent | None:
    query = (
        select(HistoryEvent)
        .where(
            HistoryEvent.kind == event.kind,
            HistoryEvent.record_id == event.record_id,
            or_(
                HistoryEvent.created_at < event.created_at,
                and_(HistoryEvent.created_at == event.created_at, HistoryEvent.id < event.id),
            ),
        )
        .order_by(HistoryEvent.created_at.desc(), HistoryEvent.id.desc())
    )
    return next((e for e in db.session.scalars(query) if field in e.changes), None)


def _erase(event: HistoryEvent, field: str, side: int, user: User, now) -> None:
    values = list(event.changes[field])
    values[side] = PURGED
    event.changes = {**event.changes, field: values}  # a new dict: the JSON column is rewritten
    event.purged_at, event.purged_by_id = now, user.id


# ----- the trash --------------------------------------------------------------------------------


@dataclass
class TrashItem:
    kind: Kind
    record: object
    deleted_at: datetime

    @property
    def title(self) -> str:
        return self.kind.title(self.record)

    @property
    def context(self) -> str | None:
        """Where the record was: the map of a link, the initiative of an effect…"""
        record = self.record
        if self.kind.name in ("entry", "link"):
            return f"Carte « {record.map.title} »"
        if self.kind.name == "effect":
            return f"Initiative « {record.initiative.title} »"
        if self.kind.name == "group":
            return f"Session « {record.session.title} »"
        return None


def trash(user: User) -> list[TrashItem]:
    """Every deleted record `user` may restore, the most recently deleted first."""
    items = [
        TrashItem(kind, record, record.deleted_at)
        for kind in kinds().values()
        for record in db.session.scalars(access.restorable(user, kind)).unique()
    ]
    return sorted(items, key=lambda item: (item.deleted_at, item.record.id), reverse=True)


def restore(kind: Kind, record) -> None:
    """Through the domain's own service, which knows what else comes back with the record."""
    try:
        RESTORERS[kind.name](record)
    except (directory.MergeError, maps.MapError) as error:
        db.session.rollback()
        raise RestoreError(str(error)) from None


RESTORERS = {
    "structure": directory.restore_structure,
    "map": maps.restore_map,
    "entry": maps.restore_entry,
    "link": maps.restore_link,
    "initiative": initiatives.restore_initiative,
    "effect": initiatives.restore_effect,
    "session": training.restore_session,
    "group": training.restore_group,
}
