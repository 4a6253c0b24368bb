"""What the home page shows each person: their initiatives, maps and next actions."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from allervers.auth.models import User
from allervers.core.timeutil import to_paris, utcnow
from allervers.directory import access as directory_access
from allervers.directory.referents import pending_for
from allervers.extensions import db
from allervers.followup.models import Action
from allervers.followup.plans import my_actions
from allervers.initiatives.access import visible_initiatives
from allervers.initiatives.models import Initiative
from allervers.maps import services as maps
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry

SHOWN = 6
OPEN_STATUSES = ("prevue", "en_cours")
SOON = timedelta(days=14)  # an action due within two weeks is « à faire bientôt »


def my_initiatives(user: User, limit: int = SHOWN) -> list[Initiative]:
    """Those `user` wrote, and (a référent) the shared ones of the structures they answer for."""
    theirs = Initiative.author_id == user.id
    of_my_structures = and_(
        Initiative.structure_id.in_(directory_access.referent_structure_ids(user)),
        Initiative.visibility != "privee",
    )
    query = visible_initiatives(user).where(or_(theirs, of_my_structures))
    query = query.order_by(Initiative.updated_at.desc(), Initiative.id.desc()).limit(limit)
    return list(db.session.scalars(query))


@dataclass
class MapFigures:
    cooperation_map: CooperationMap
    structures: int
    links: int


def my_maps(user: User) -> list[MapFigures]:
    """`user`'s own maps with how many structures and links each holds (two queries)."""
    own = maps.personal_maps(user)
    ids = [item.id for item in own]
    entries = _counts(MapEntry, ids)
    links = _counts(CooperationLink, ids)
    return [MapFigures(item, entries.get(item.id, 0), links.get(item.id, 0)) for item in own]


def _counts(model, map_ids: list[int]) -> dict[int, int]:
    if not map_ids:
        return {}
    query = (
        select(model.map_id, func.count())
        .where(model.map_id.in_(map_ids), model.deleted_at.is_(None))
        .group_by(model.map_id)
    )
    return dict(db.session.execute(query).all())


def today() -> date:
    return to_paris(utcnow()).date()


def due_actions(user: User, limit: int = 5) -> list[Action]:
    """Actions of the plan not done yet, the next due first (late ones included)."""
    query = my_actions(user).where(Action.status.in_(OPEN_STATUSES)).limit(limit)
    return list(db.session.scalars(query))


def is_soon(due_on: date | None) -> bool:
    return due_on is not None and due_on <= today() + SOON


def pending_referent_requests(user: User) -> int:
    """How many référent requests `user` may decide (admins: all; référents: theirs)."""
    if not (user.is_admin or user.role == "referent"):
        return 0
    return db.session.scalar(select(func.count()).select_from(pending_for(user).subquery())) or 0
