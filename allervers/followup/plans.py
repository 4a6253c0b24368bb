"""Action plans and the practice journal: who sees what, and the only code of them that writes."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from allervers.auth.models import User
from allervers.core.models import check_version
from allervers.core.timeutil import utcnow
from allervers.directory.models import Structure, normalise
from allervers.extensions import db
from allervers.followup.models import ACTION_STATUSES, Action, JournalNote
from allervers.maps.models import CooperationMap, MapEntry
from allervers.training.access import group_ids_of, trainees_of
from allervers.training.models import Group, Membership

# ----- who sees what (DESIGN.md §4): anything else answers 404 --------------------------------


def visible_actions(user: User) -> Select:
    """Live actions `user` may open: their own, their groups', their trainees' (admins: all)."""
    query = select(Action).where(Action.deleted_at.is_(None))
    if user.is_admin:
        return query
    return query.where(
        or_(
            Action.owner_id == user.id,
            and_(Action.owner_id.is_(None), Action.group_id.in_(group_ids_of(user))),
            Action.owner_id.in_(trainees_of(user)),
        )
    )


def my_actions(user: User, status: str | None = None) -> Select:
    """The plan page: `user`'s own actions and those of their groups, the next due first."""
    query = select(Action).where(
        Action.deleted_at.is_(None),
        or_(
            Action.owner_id == user.id,
            and_(Action.owner_id.is_(None), Action.group_id.in_(group_ids_of(user))),
        ),
    )
    if status in ACTION_STATUSES:
        query = query.where(Action.status == status)
    return query.order_by(Action.due_on.is_(None), Action.due_on, Action.id)


def status_counts(query: Select) -> dict[str, int]:
    """How many actions of `query` (unfiltered by status) have each status."""
    inner = query.order_by(None).subquery()
    rows = db.session.execute(select(inner.c.status, func.count()).group_by(inner.c.status))
    counts = dict.fromkeys(ACTION_STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts


def can_edit_action(user: User, action: Action) -> bool:
    """A personal action is its owner's alone, not even an admin's (as a journal note: it is
    a person's own commitment); a group's action is its members' and, for moderation, admins'."""
    if action.owner_id is not None:
        return action.owner_id == user.id
    if user.is_admin:
        return True
    return (
        db.session.scalar(group_ids_of(user).where(Membership.group_id == action.group_id))
        is not None
    )


def visible_action_or_404(user: User, action_id: int) -> Action:
    action = db.session.scalar(visible_actions(user).where(Action.id == action_id))
    if action is None:
        abort(404)
    return action


def editable_action_or_404(user: User, action_id: int, deleted: bool = False) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.is_deleted != deleted or not can_edit_action(user, action):
        abort(404)
    return action


def own_note_or_404(user: User, note_id: int, deleted: bool = False) -> JournalNote:
    """A journal note is its author's alone: nobody else edits it, not even an admin."""
    note = db.session.get(JournalNote, note_id)
    if note is None or note.author_id != user.id or note.is_deleted != deleted:
        abort(404)
    return note


def can_read_group_journal(user: User, group: Group) -> bool:
    """The group's formateurs and admins, who see only what trainees chose to share."""
    if user.is_admin:
        return True
    return any(m.user_id == user.id and m.role == "formateur" for m in group.memberships)


# ----- choices for the forms ------------------------------------------------------------------


def my_groups(user: User) -> list[Group]:
    query = select(Group).where(Group.id.in_(group_ids_of(user))).order_by(Group.name)
    return list(db.session.scalars(query))


def _maps_of(user: User) -> Select:
    return select(CooperationMap.id).where(
        CooperationMap.deleted_at.is_(None),
        or_(CooperationMap.owner_id == user.id, CooperationMap.group_id.in_(group_ids_of(user))),
    )


def structure_choices(
    user: User, map_id: int | None = None, keep: int | None = None
) -> list[tuple[int, str]]:
    """The structures on `user`'s maps and their groups' maps, on `map_id`, and `keep`."""
    map_ids = _maps_of(user)
    if map_id is not None:
        map_ids = map_ids.union(select(CooperationMap.id).where(CooperationMap.id == map_id))
    placed = select(MapEntry.structure_id).where(
        MapEntry.deleted_at.is_(None), MapEntry.map_id.in_(map_ids)
    )
    wanted = Structure.id.in_(placed)
    if keep is not None:
        wanted = wanted | (Structure.id == keep)
    rows = db.session.scalars(select(Structure).where(Structure.deleted_at.is_(None), wanted))
    ordered = sorted(rows, key=lambda s: (normalise(s.name), s.id))
    return [(s.id, f"{s.name} ({s.commune})" if s.commune else s.name) for s in ordered]


def initiative_choices(user: User, keep: int | None = None) -> list[tuple[int, str]]:
    """The initiatives `user` may see (a note may point at any of them), by title."""
    from allervers.initiatives.access import visible_initiatives
    from allervers.initiatives.models import Initiative

    query = visible_initiatives(user)
    if keep is not None:
        query = select(Initiative).where(
            or_(Initiative.id.in_(query.with_only_columns(Initiative.id)), Initiative.id == keep)
        )
    rows = db.session.execute(
        query.with_only_columns(Initiative.id, Initiative.title).order_by(
            func.lower(Initiative.title), Initiative.id
        )
    )
    return [(row.id, row.title) for row in rows]


# ----- prefilling an action from a gap of a map -----------------------------------------------


@dataclass
class Prefill:
    structure_id: int
    target_level: int | None
    description: str


def prefill_from_gap(cooperation_map: CooperationMap, source_id: int, target_id: int) -> Prefill:
    """The partner is the side that is not the map's focal structure (else the target)."""
    from allervers.analysis.services import analyse_map

    gap = next(
        (
            gap
            for gap in analyse_map(cooperation_map).gaps
            if {gap.source_id, gap.target_id} == {source_id, target_id}
        ),
        None,
    )
    partner_id = source_id if target_id == cooperation_map.focal_structure_id else target_id
    partner = db.session.get(Structure, partner_id)
    name = partner.name if partner else ""
    level = gap.desired_level if gap else None
    description = (
        f"Atteindre le niveau {level} avec {name}" if level is not None else f"Coopérer avec {name}"
    )
    return Prefill(partner_id, level, description[:300])


def group_of(action: Action) -> Group | None:
    return db.session.get(Group, action.group_id) if action.group_id else None


def owner_of(action: Action) -> User | None:
    return db.session.get(User, action.owner_id) if action.owner_id else None


def live_map(map_id: int | None) -> CooperationMap | None:
    cooperation_map = db.session.get(CooperationMap, map_id) if map_id else None
    return None if cooperation_map is None or cooperation_map.is_deleted else cooperation_map


def current_level(action: Action) -> tuple[bool, int | None]:
    """(is there a live link, its level) between the map's focal structure and the partner."""
    from allervers.maps.services import link_between

    cooperation_map = live_map(action.map_id)
    if cooperation_map is None or not cooperation_map.focal_structure_id or not action.structure_id:
        return False, None
    link = link_between(cooperation_map, cooperation_map.focal_structure_id, action.structure_id)
    if link is None or link.is_deleted:
        return False, None
    return True, link.level


# ----- writing actions ------------------------------------------------------------------------


def _apply(action: Action, fields: dict, by: User) -> None:
    for name, value in fields.items():
        setattr(action, name, value)
    if action.group_id is not None:
        action.owner_id = None  # the group's action, whoever wrote it
    elif action.owner_id is None:
        action.owner_id = by.id


def create_action(by: User, fields: dict) -> Action:
    action = Action(created_by_id=by.id)
    _apply(action, fields, by)
    db.session.add(action)
    db.session.commit()
    return action


def update_action(action: Action, fields: dict, by: User, expected_version: int | None) -> None:
    check_version(action, expected_version)
    _apply(action, fields, by)
    db.session.commit()


def set_status(action: Action, status: str) -> None:
    action.status = status
    db.session.commit()


def remove_action(action: Action) -> None:
    action.deleted_at = utcnow()
    db.session.commit()


def restore_action(action: Action) -> None:
    action.deleted_at = None
    db.session.commit()


def action_counts(user_ids) -> dict[int, dict[str, int]]:
    """For the trainer's dashboard: each person's live personal actions, by status."""
    ids = list(user_ids)
    counts = {user_id: dict.fromkeys(ACTION_STATUSES, 0) for user_id in ids}
    if not ids:
        return counts
    rows = db.session.execute(
        select(Action.owner_id, Action.status, func.count())
        .where(Action.owner_id.in_(ids), Action.deleted_at.is_(None))
        .group_by(Action.owner_id, Action.status)
    )
    for owner_id, status, count in rows:
        counts[owner_id][status] = count
    return counts


# ----- the practice journal -------------------------------------------------------------------


def my_notes(user: User) -> Select:
    return (
        select(JournalNote)
        .where(JournalNote.author_id == user.id, JournalNote.deleted_at.is_(None))
        .order_by(JournalNote.created_at.desc(), JournalNote.id.desc())
    )


def shared_notes(group: Group) -> Select:
    """The notes the group's trainees shared with their formateurs; never a private one."""
    trainees = select(Membership.user_id).where(
        Membership.group_id == group.id, Membership.role == "stagiaire"
    )
    return (
        select(JournalNote)
        .where(
            JournalNote.author_id.in_(trainees),
            JournalNote.shared_with_trainers.is_(True),
            JournalNote.deleted_at.is_(None),
        )
        .options(selectinload(JournalNote.structure), selectinload(JournalNote.initiative))
        .order_by(JournalNote.created_at.desc(), JournalNote.id.desc())
    )


def create_note(author: User, fields: dict) -> JournalNote:
    note = JournalNote(author_id=author.id, **fields)
    db.session.add(note)
    db.session.commit()
    return note


def update_note(note: JournalNote, fields: dict, expected_version: int | None) -> None:
    check_version(note, expected_version)
    for name, value in fields.items():
        setattr(note, name, value)
    db.session.commit()


def remove_note(note: JournalNote) -> None:
    note.deleted_at = utcnow()
    db.session.commit()


def restore_note(note: JournalNote) -> None:
    note.deleted_at = None
    db.session.commit()


def shared_note_counts(user_ids) -> dict[int, int]:
    """For the trainer's dashboard: how many live notes each person shared."""
    ids = list(user_ids)
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    rows = db.session.execute(
        select(JournalNote.author_id, func.count())
        .where(
            JournalNote.author_id.in_(ids),
            JournalNote.shared_with_trainers.is_(True),
            JournalNote.deleted_at.is_(None),
        )
        .group_by(JournalNote.author_id)
    )
    counts.update({author_id: count for author_id, count in rows})
    return counts
