"""What a formateur follows: attendance, each trainee's progress, the module's objectives."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select

from allervers.auth.models import User
from allervers.core.database import write_transaction
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.followup.models import HALF_DAYS, Action, Attendance, DashboardVisit
from allervers.followup.plans import visible_actions
from allervers.initiatives.access import visibility_clause
from allervers.initiatives.models import (
    Effect,
    Initiative,
    InitiativeTechnique,
    Presentation,
    PresentationItem,
)
from allervers.initiatives.presentations import visible_presentations
from allervers.maps.access import visible_maps
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry, MapSnapshot
from allervers.training.models import Group, Membership


def shared_initiatives_clause(viewer: User):
    """The live initiatives shared with someone (never a private draft, not even the viewer's
    own) that `viewer` may open: what the formateurs' pages count and list."""
    return and_(
        Initiative.deleted_at.is_(None),
        Initiative.visibility != "privee",
        visibility_clause(viewer),
    )


# ----- attendance (émargement) ------------------------------------------------------------------


def half_days(group: Group) -> list[tuple[int, str]]:
    """(day number, half) of the session: at most 3 days, morning and afternoon."""
    days = max(1, min(group.session.duration_days or 1, 3))
    return [(day, half) for day in range(1, days + 1) for half in HALF_DAYS]


def hours_per_half_day(group: Group) -> float:
    training = group.session
    return (training.duration_hours or 0) / (2 * max(1, training.duration_days or 1))


def attendance_of(group: Group) -> dict[tuple[int, int, str], bool]:
    """{(user id, day, half): present} for what has been recorded."""
    query = select(Attendance).where(Attendance.group_id == group.id)
    return {(a.user_id, a.day, a.half): a.present for a in db.session.scalars(query)}


def record_attendance(group: Group, present: set[tuple[int, int, str]], by: User) -> None:
    """Every trainee × half-day: present when in `present`, absent otherwise."""
    existing = {
        (a.user_id, a.day, a.half): a
        for a in db.session.scalars(select(Attendance).where(Attendance.group_id == group.id))
    }
    for trainee in group.trainees:
        for day, half in half_days(group):
            key = (trainee.id, day, half)
            row = existing.get(key)
            if row is None:
                row = Attendance(group_id=group.id, user_id=trainee.id, day=day, half=half)
                db.session.add(row)
            row.present = key in present
            row.recorded_by_id = by.id
    db.session.commit()


def hours_attended(group: Group) -> dict[int, float]:
    """{trainee id: hours present}, half-days × the session's hours per half-day."""
    per_half = hours_per_half_day(group)
    counted: Counter[int] = Counter()
    for (user_id, _day, _half), present in attendance_of(group).items():
        if present:
            counted[user_id] += 1
    return {trainee.id: counted[trainee.id] * per_half for trainee in group.trainees}


# ----- the trainer's dashboard ------------------------------------------------------------------


@dataclass
class TraineeProgress:
    user: User
    joined_at: datetime | None
    maps: list[CooperationMap] = field(default_factory=list)
    structures: int = 0
    links: int = 0
    wished_links: int = 0
    snapshots: int = 0
    shared_initiatives: int = 0
    effects: int = 0
    assessments: set[str] = field(default_factory=set)
    actions: int = 0


def _count_by(query) -> dict:
    return {key: number for key, number in db.session.execute(query)}


def trainee_progress(group: Group, viewer: User) -> list[TraineeProgress]:
    """One row per trainee: the figures of the dashboard, in a few grouped queries. Every
    count starts from what `viewer` may open (the access rules' queries), never from all rows."""
    trainees = group.trainees
    ids = [user.id for user in trainees]
    joined = {m.user_id: m.joined_at for m in group.memberships if m.role == "stagiaire"}
    maps = db.session.scalars(
        visible_maps(viewer)
        .where(CooperationMap.owner_id.in_(ids))
        .order_by(CooperationMap.updated_at.desc())
    ).all()
    map_ids = [m.id for m in maps]
    entries = _count_by(
        select(MapEntry.map_id, func.count())
        .where(MapEntry.map_id.in_(map_ids), MapEntry.deleted_at.is_(None))
        .group_by(MapEntry.map_id)
    )
    links = {
        (map_id, status): number
        for map_id, status, number in db.session.execute(
            select(CooperationLink.map_id, CooperationLink.status, func.count())
            .where(CooperationLink.map_id.in_(map_ids), CooperationLink.deleted_at.is_(None))
            .group_by(CooperationLink.map_id, CooperationLink.status)
        )
    }
    snapshots = _count_by(
        select(MapSnapshot.map_id, func.count())
        .where(MapSnapshot.map_id.in_(map_ids))
        .group_by(MapSnapshot.map_id)
    )
    rows = {user.id: TraineeProgress(user=user, joined_at=joined.get(user.id)) for user in trainees}
    for cooperation_map in maps:
        row = rows[cooperation_map.owner_id]
        row.maps.append(cooperation_map)
        row.structures += entries.get(cooperation_map.id, 0)
        for status in ("existant", "difficile"):
            row.links += links.get((cooperation_map.id, status), 0)
        row.wished_links += links.get((cooperation_map.id, "souhaite"), 0)
        row.snapshots += snapshots.get(cooperation_map.id, 0)
    _initiative_figures(rows, ids, viewer)
    _assessment_and_actions(rows, group, ids, viewer)
    return [rows[user.id] for user in trainees]


def _initiative_figures(rows: dict[int, TraineeProgress], ids: list[int], viewer: User) -> None:
    """A private draft is nobody else's business: neither it nor its effects are counted."""
    shared = and_(Initiative.author_id.in_(ids), shared_initiatives_clause(viewer))
    query = select(Initiative.author_id, func.count()).where(shared)
    for author, number in db.session.execute(query.group_by(Initiative.author_id)):
        rows[author].shared_initiatives = number
    effects = (
        select(Initiative.author_id, func.count())
        .join(Effect)
        .where(shared, Effect.deleted_at.is_(None))
    )
    for author, number in db.session.execute(effects.group_by(Initiative.author_id)):
        rows[author].effects = number


def _assessment_and_actions(
    rows: dict[int, TraineeProgress], group: Group, ids: list[int], viewer: User
) -> None:
    from allervers.followup import assessment

    for user_id, moments in assessment.assessment_status(group).items():
        if user_id in rows:
            rows[user_id].assessments = set(moments)
    actions = visible_actions(viewer).where(Action.owner_id.in_(ids)).subquery()
    query = select(actions.c.owner_id, func.count()).group_by(actions.c.owner_id)
    for owner, number in db.session.execute(query):
        rows[owner].actions = number


def mark_visit(user: User, group: Group) -> datetime | None:
    """Record this visit of the dashboard; return the previous one (None the first time)."""
    with write_transaction():  # a write during a GET (see core/database.py)
        visit = db.session.get(DashboardVisit, (user.id, group.id))
        now = utcnow()
        if visit is None:
            db.session.add(DashboardVisit(user_id=user.id, group_id=group.id, visited_at=now))
            db.session.commit()
            return None
        previous = visit.visited_at
        visit.previous_at, visit.visited_at = previous, now
        db.session.commit()
    return previous


@dataclass
class Changes:
    since: datetime
    new_members: list[User]
    maps_changed: list[CooperationMap]
    initiatives: list[Initiative]
    effects: int


def changes_since(group: Group, since: datetime | None, viewer: User) -> Changes | None:
    """What the group's trainees did since the formateur's last visit, as far as `viewer` may
    see it."""
    if since is None:
        return None
    ids = [user.id for user in group.trainees]
    new_members = [
        m.user for m in group.memberships if m.role == "stagiaire" and m.joined_at > since
    ]
    maps_changed = db.session.scalars(
        visible_maps(viewer).where(
            CooperationMap.owner_id.in_(ids), CooperationMap.updated_at > since
        )
    ).all()
    shared = and_(Initiative.author_id.in_(ids), shared_initiatives_clause(viewer))
    initiatives = db.session.scalars(
        select(Initiative).where(shared, Initiative.updated_at > since)
    ).all()
    effects = db.session.scalar(
        select(func.count())
        .select_from(Effect)
        .join(Initiative)
        .where(shared, Effect.deleted_at.is_(None), Effect.created_at > since)
    )
    return Changes(since, new_members, list(maps_changed), list(initiatives), effects or 0)


# ----- the four objectives ---------------------------------------------------------------------


@dataclass
class Evidence:
    """Counts of what the app holds for each objective of the module (group or session)."""

    shared_initiatives: int = 0
    presented_initiatives: int = 0
    presentations: int = 0
    techniques: list[str] = field(default_factory=list)
    maps: int = 0
    wished_links: int = 0
    actions_done: int = 0
    actions: int = 0
    density: float | None = None
    cross_sector_share: float | None = None
    effects: int = 0
    maps_with_snapshot: int = 0


def evidence(groups: list[Group], viewer: User, aggregate_network: dict | None = None) -> Evidence:
    """What the trainees of these groups produced, counted: only what `viewer` may open (never
    another person's private work)."""
    group_ids = [group.id for group in groups]
    trainee_ids = select(Membership.user_id).where(
        Membership.group_id.in_(group_ids), Membership.role == "stagiaire"
    )
    shared = (
        select(Initiative.id)
        .where(
            shared_initiatives_clause(viewer),
            (Initiative.author_id.in_(trainee_ids)) | (Initiative.group_id.in_(group_ids)),
        )
        .subquery()
    )
    found = Evidence()
    found.shared_initiatives = db.session.scalar(select(func.count()).select_from(shared))
    found.techniques = sorted(
        db.session.scalars(
            select(InitiativeTechnique.technique_code)
            .where(InitiativeTechnique.initiative_id.in_(select(shared.c.id)))
            .distinct()
        )
    )
    _presentation_evidence(found, group_ids, viewer)
    _map_evidence(found, trainee_ids, viewer)
    actions = visible_actions(viewer).where(
        Action.owner_id.in_(trainee_ids) | Action.group_id.in_(group_ids)
    )
    actions = actions.subquery()
    statuses = select(actions.c.status, func.count()).group_by(actions.c.status)
    by_status = dict(db.session.execute(statuses).all())
    found.actions, found.actions_done = sum(by_status.values()), by_status.get("faite", 0)
    found.effects = db.session.scalar(
        select(func.count())
        .select_from(Effect)
        .where(Effect.deleted_at.is_(None), Effect.initiative_id.in_(select(shared.c.id)))
    )
    if aggregate_network:
        found.density = aggregate_network.get("density")
        found.cross_sector_share = aggregate_network.get("cross_sector_share")
    return found


def _presentation_evidence(found: Evidence, group_ids: list[int], viewer: User) -> None:
    presentations = (
        visible_presentations(viewer)
        .where(Presentation.group_id.in_(group_ids))
        .with_only_columns(Presentation.id)
        .order_by(None)
    )
    found.presentations = db.session.scalar(
        select(func.count()).select_from(presentations.subquery())
    )
    seen = select(Initiative.id).where(Initiative.deleted_at.is_(None), visibility_clause(viewer))
    found.presented_initiatives = db.session.scalar(
        select(func.count(PresentationItem.initiative_id.distinct())).where(
            PresentationItem.presentation_id.in_(presentations),
            PresentationItem.initiative_id.in_(seen),
        )
    )


def _map_evidence(found: Evidence, trainee_ids, viewer: User) -> None:
    maps = (
        visible_maps(viewer)
        .where(CooperationMap.owner_id.in_(trainee_ids))
        .with_only_columns(CooperationMap.id)
    )
    found.maps = db.session.scalar(select(func.count()).select_from(maps.subquery()))
    found.wished_links = db.session.scalar(
        select(func.count()).where(
            CooperationLink.map_id.in_(maps),
            CooperationLink.deleted_at.is_(None),
            CooperationLink.status == "souhaite",
        )
    )
    found.maps_with_snapshot = db.session.scalar(
        select(func.count(MapSnapshot.map_id.distinct())).where(MapSnapshot.map_id.in_(maps))
    )
