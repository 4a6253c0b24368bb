"""Records every create, update, delete and restore of the tracked records, in one place.

A session listener (after_flush: ids are known, attribute history is still there) turns the
flushed changes into history rows, written with one INSERT in the same transaction, so a
rolled-back change leaves no trace. Views and services do nothing for it.
"""

from datetime import date, datetime

from flask import Flask, g, has_request_context
from sqlalchemy import event, insert
from sqlalchemy import inspect as inspect_state
from sqlalchemy.orm import Session

from allervers.core.actor import current_actor_id
from allervers.core.timeutil import utcnow
from allervers.directory.models import Structure, StructureMerge
from allervers.extensions import db
from allervers.history.kinds import by_model
from allervers.history.models import HistoryEvent

# Bookkeeping and caches (derived or bumped by the app), and what the action itself says.
IGNORED = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "version",
        "content_version",
        "positions",
        "search_text",
        "departement",
        "has_custom_sector",
        "effects_count",
        "draft",
        "draft_saved_at",
        "pair_low_id",
        "pair_high_id",
        "map_id",
        "initiative_id",
        "session_id",
        "deleted_at",
        "merged_into_id",
    }
)
# Child rows that are only a code: recorded as the parent's list of codes.
CODE_LISTS = {
    "structure": {"publics": "public_code"},
    "initiative": {"techniques": "technique_code", "publics": "public_code"},
}
TEXT_MAX = 300


def init_recorder(_app: Flask) -> None:
    """The session factory is shared by every app: listen once."""
    from allervers.history import visibility

    if not event.contains(db.session, "after_flush", record_flush):
        event.listen(db.session, "after_flush", record_flush)
    visibility.load_old_values()


def record_flush(session: Session, _context) -> None:
    tracked = by_model()
    rows = []
    for obj in session.new:
        if type(obj) in tracked:
            rows.append(_created(tracked[type(obj)], obj))
        elif isinstance(obj, StructureMerge):
            rows.extend(_merge_events(session, obj, undone=False))
    for obj in session.dirty:
        if type(obj) in tracked:
            rows.append(_updated(tracked[type(obj)], obj))
        elif isinstance(obj, StructureMerge):
            rows.extend(_merge_events(session, obj, undone=True))
    for obj in session.deleted:
        if type(obj) in tracked:
            rows.append(_event(tracked[type(obj)], obj, "delete", {}))
    rows = [row for row in rows if row]
    if rows:
        actor, now = current_actor_id(), utcnow()
        for row in rows:
            row.update(actor_id=actor, created_at=now)
        session.connection().execute(insert(HistoryEvent.__table__), rows)
        _remember_updates(rows)


def _remember_updates(rows: list[dict]) -> None:
    """The request's updates, for the offer to erase personal data a save took out (views)."""
    if has_request_context() and rows[0]["actor_id"] is not None:
        updates = g.setdefault("history_updates", [])
        updates.extend(
            (row["kind"], row["record_id"], row["actor_id"], row["created_at"])
            for row in rows
            if row["action"] == "update"
        )


def _event(kind: str, obj, action: str, changes: dict) -> dict:
    return {"kind": kind, "record_id": obj.id, "action": action, "changes": changes}


def _created(kind: str, obj) -> dict:
    state = inspect_state(obj)
    changes = {}
    for key in _columns(state):
        value = state.dict.get(key)
        if value not in (None, "", [], {}, False):
            changes[key] = [None, plain(value)]
    for key, code in CODE_LISTS.get(kind, {}).items():
        codes = sorted(inspect_state(item).dict.get(code) for item in state.dict.get(key) or [])
        if codes:
            changes[key] = [None, codes]
    return _event(kind, obj, "create", changes)


def _updated(kind: str, obj) -> dict | None:
    state = inspect_state(obj)
    if _changed(state, "merged_into_id"):
        return None  # a merge or its undo: recorded from the StructureMerge row
    changes = {}
    for key in _columns(state):
        change = _changed(state, key)
        if change:
            changes[key] = [plain(change[0]), plain(change[1])]
    for key, code in CODE_LISTS.get(kind, {}).items():
        change = _codes_changed(state, key, code)
        if change:
            changes[key] = change
    deletion = _changed(state, "deleted_at")
    if deletion:
        action = "delete" if deletion[1] is not None else "restore"
    elif changes:
        action = "update"
    else:
        return None
    return _event(kind, obj, action, changes)


def _columns(state) -> list[str]:
    return [attr.key for attr in state.mapper.column_attrs if attr.key not in IGNORED]


def _changed(state, key: str) -> tuple | None:
    """(old, new) when the flush changed the column; the old value is None if never loaded."""
    if key not in state.mapper.column_attrs:
        return None
    history = state.attrs[key].history
    if not history.added:
        return None
    old = history.deleted[0] if history.deleted else None
    new = history.added[0]
    return None if old == new else (old, new)


def _codes_changed(state, key: str, code: str) -> list | None:
    history = state.attrs[key].history
    if not (history.added or history.deleted):
        return None
    kept = [inspect_state(item).dict.get(code) for item in history.unchanged or ()]
    old = sorted(kept + [inspect_state(item).dict.get(code) for item in history.deleted or ()])
    new = sorted(kept + [inspect_state(item).dict.get(code) for item in history.added or ()])
    return [old, new] if old != new else None


def _merge_events(session: Session, merge, undone: bool) -> list[dict]:
    """A merge is recorded on both structures; its undo (undone_at set) as "unmerge"."""
    if undone and not _changed(inspect_state(merge), "undone_at"):
        return []
    kept = session.get(Structure, merge.kept_id)
    merged = session.get(Structure, merge.merged_id)
    action = "unmerge" if undone else "merge"

    def change(other) -> list:
        name = f"{other.name} (n° {other.id})"
        return [name, None] if undone else [None, name]

    return [
        _event("structure", kept, action, {"absorbed": change(merged)}),
        _event("structure", merged, action, {"merged_into": change(kept)}),
    ]


def plain(value):
    """A JSON value; long texts cut (the record keeps them whole)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str) and len(value) > TEXT_MAX:
        return value[:TEXT_MAX] + "…"
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value
