"""What of a record's history a person may read: each entry as the record was when it was made.

A record's visibility changes over time (an initiative goes from `privee` to `base`, a map
changes hands). The history page shows each entry's "before" values only to those who could
see the record in its before-state, and its "after" values only to those who could see it in
its after-state; an entry of which nothing may be shown is not listed.

Each kind declares the recorded fields its visibility reads and "could this person see a
record in this state"; a part (a map's link, an initiative's effect) is seen as its parent is.
The states are rebuilt from the current record, walking its recorded changes back in time.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import and_, select
from sqlalchemy import event as orm_event

from allervers.auth.models import User
from allervers.extensions import db
from allervers.history.kinds import Kind, kinds
from allervers.history.models import HistoryEvent
from allervers.initiatives import access as initiatives_access
from allervers.training.access import group_ids_of, trainees_of
from allervers.training.models import Membership


def _map_seen(user: User, state) -> bool:
    """maps.access.visible_maps, for a map in `state`: its owner, the members of its group,
    the formateurs of its owner's groups, administrators."""
    if user.is_admin or (state.owner_id is not None and state.owner_id == user.id):
        return True
    if state.group_id is not None:
        query = group_ids_of(user).where(Membership.group_id == state.group_id)
        if db.session.scalar(query) is not None:
            return True
    if state.owner_id is None:
        return False
    trainee = trainees_of(user).where(Membership.user_id == state.owner_id)
    return db.session.scalar(trainee) is not None


@dataclass(frozen=True)
class Rule:
    fields: tuple[str, ...]  # the recorded fields the visibility reads
    sees: Callable[[User, SimpleNamespace], bool]  # could `user` see a record in this state


# Kinds whose visibility depends on what they record.
RULES: dict[str, Rule] = {
    "initiative": Rule(("author_id", "visibility", "group_id"), initiatives_access.can_view),
    "map": Rule(("owner_id", "group_id"), _map_seen),
}
# Parts seen as their parent is: kind → (parent kind, attribute holding the parent).
PARENTS: dict[str, tuple[str, str]] = {
    "entry": ("map", "map"),
    "link": ("map", "map"),
    "effect": ("initiative", "initiative"),
}
# Kinds whose visibility reads nothing they record (the record-level check is all there is).
STATELESS: dict[str, str] = {
    "structure": "l'annuaire est lu par tout compte ; une fiche supprimée, par l'équipe",
    "session": "lue par l'équipe et les membres de ses groupes (adhésions non historisées)",
    "group": "lu par l'équipe et ses membres (adhésions non historisées)",
}


@dataclass(frozen=True)
class Seen:
    before: bool
    after: bool

    @property
    def anything(self) -> bool:
        return self.before or self.after


ALL = Seen(True, True)


def _owner(kind: Kind, record) -> tuple[str, object]:
    """The record whose state decides who sees `record`: itself or its parent."""
    if kind.name in PARENTS:
        parent, attribute = PARENTS[kind.name]
        return parent, getattr(record, attribute)
    return kind.name, record


def seen(user: User, kind: Kind, record, events: list[HistoryEvent]) -> dict[int, Seen]:
    """For each of `events` (the record's timeline), what of it `user` may read."""
    owner_kind, owner = _owner(kind, record)
    rule = RULES.get(owner_kind)
    if rule is None:
        return {event.id: ALL for event in events}
    states = _states(owner_kind, owner, rule.fields, events)
    answers: dict[tuple, bool] = {}

    def sees(state: tuple | None) -> bool:
        if state is None:
            return False
        if state not in answers:
            answers[state] = bool(rule.sees(user, SimpleNamespace(**dict(state))))
        return answers[state]

    return {key: Seen(sees(before), sees(after)) for key, (before, after) in states.items()}


def _states(owner_kind: str, owner, fields: tuple[str, ...], events: list[HistoryEvent]) -> dict:
    """{event id: (state before, state after)}, walking from now back to the oldest event.

    A state is a sorted tuple of (field, value); None before a creation.
    """
    own = list(
        db.session.scalars(
            select(HistoryEvent).where(
                and_(HistoryEvent.kind == owner_kind, HistoryEvent.record_id == owner.id)
            )
        )
    )
    merged = {event.id: event for event in [*own, *events]}
    ordered = sorted(merged.values(), key=lambda e: (e.created_at, e.id), reverse=True)
    wanted = {event.id for event in events}
    state = {field: getattr(owner, field) for field in fields}
    found = {}
    for event in ordered:
        after = tuple(sorted(state.items()))
        is_owner = event.kind == owner_kind and event.record_id == owner.id
        if is_owner:
            for field in fields:
                if field in event.changes:
                    state[field] = event.changes[field][0]
        before = None if event.action == "create" else tuple(sorted(state.items()))
        if event.id in wanted:
            found[event.id] = (before, after)
    return found


def visible(user: User, kind: Kind, record, events: list[HistoryEvent]) -> list:
    """[(event, Seen)] of the entries `user` may read something of, in the given order."""
    answers = seen(user, kind, record, events)
    return [(event, answers[event.id]) for event in events if answers[event.id].anything]


def _keep_old_value(_target, _value, _old, _initiator) -> None:
    """Nothing to do: listening with active_history is what loads the old value."""


def load_old_values() -> None:
    """The walk back needs the true old value of these fields: load it before a change even
    when the record was expired (the recorder would otherwise read None: "never loaded")."""
    for name, rule in RULES.items():
        for field in rule.fields:
            attribute = getattr(kinds()[name].model, field)
            if not orm_event.contains(attribute, "set", _keep_old_value):
                orm_event.listen(attribute, "set", _keep_old_value, active_history=True)


def state_fields(kind_name: str) -> tuple[str, ...]:
    """The fields a kind's visibility is rebuilt from (never erased from its history)."""
    rule = RULES.get(kind_name)
    return rule.fields if rule else ()


def declared() -> set[str]:
    return set(RULES) | set(PARENTS) | set(STATELESS)


def undeclared() -> set[str]:
    """Recorded kinds with no visibility declaration: a test requires none."""
    return set(kinds()) - declared()
