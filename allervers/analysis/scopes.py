"""The aggregates the analysis covers beyond one map: a group, a session, a territory.

A scope names the maps it merges (and, for a territory, the area kept). Its `key` names the
cached result; `version()` says which state of those maps and of the directory a result
describes: any change to a map or a structure gives a new version.
"""

import hashlib
import json
from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from allervers.auth.models import User
from allervers.directory.models import Structure, normalise
from allervers.extensions import db
from allervers.initiatives.access import visible_initiatives
from allervers.initiatives.models import Initiative, InitiativePartner
from allervers.maps.access import visible_maps
from allervers.maps.models import CooperationMap
from allervers.training.models import Group, Membership, TrainingSession


@dataclass(frozen=True)
class Scope:
    key: str
    title: str
    map_ids: tuple[int, ...]
    departement: str | None = None
    commune: str | None = None
    initiative_ids: tuple[int, ...] = ()  # their partnerships are links too (territory)
    # Built from the maps its viewer may open (territory): it can reveal none they may not.
    only_visible_maps: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Scope":
        return cls(
            **{
                **data,
                "map_ids": tuple(data["map_ids"]),
                "initiative_ids": tuple(data.get("initiative_ids", ())),
            }
        )


def _live_map_ids(query) -> tuple[int, ...]:
    query = query.where(CooperationMap.deleted_at.is_(None)).order_by(CooperationMap.id)
    return tuple(db.session.scalars(query))


def _trainee_ids(group_ids):
    return select(Membership.user_id).where(
        Membership.group_id.in_(group_ids), Membership.role == "stagiaire"
    )


def group_scope(group: Group) -> Scope:
    """The group map and the personal maps of the group's trainees."""
    query = select(CooperationMap.id).where(
        (CooperationMap.group_id == group.id)
        | CooperationMap.owner_id.in_(_trainee_ids([group.id]))
    )
    return Scope(key=f"groupe-{group.id}", title=group.name, map_ids=_live_map_ids(query))


def session_scope(training: TrainingSession) -> Scope:
    """Every group of the session: their group maps and their trainees' maps."""
    group_ids = [group.id for group in training.live_groups]
    trainees = _trainee_ids(group_ids)
    query = select(CooperationMap.id).where(
        CooperationMap.group_id.in_(group_ids) | CooperationMap.owner_id.in_(trainees)
    )
    return Scope(key=f"session-{training.id}", title=training.title, map_ids=_live_map_ids(query))


def territory_scope(viewer: User, departement: str | None, commune: str | None) -> Scope:
    """Every map and initiative partnership `viewer` may see, kept to the structures of an
    area and their partners.

    Viewers who see the same maps share the same result (the key digests what it covers).
    """
    ids = _live_map_ids(visible_maps(viewer).with_only_columns(CooperationMap.id))
    initiatives = visible_initiatives(viewer).with_only_columns(Initiative.id)
    initiative_ids = tuple(sorted(db.session.scalars(initiatives)))
    digest = version_digest([ids, initiative_ids, departement, normalise(commune)])[:24]
    return Scope(
        key=f"territoire-{digest}",
        title="Territoire",
        map_ids=ids,
        departement=departement or None,
        commune=commune or None,
        initiative_ids=initiative_ids,
        only_visible_maps=True,
    )


def unseen_personal_maps(scope: Scope, viewer: User) -> int:
    """How many of the scope's personal maps `viewer` may not open (the group map is the
    group's shared work, not one person's)."""
    if scope.only_visible_maps or not scope.map_ids or viewer.is_admin:
        return 0
    seen = visible_maps(viewer).with_only_columns(CooperationMap.id)
    query = select(func.count(CooperationMap.id)).where(
        CooperationMap.id.in_(scope.map_ids),
        CooperationMap.owner_id.is_not(None),
        CooperationMap.id.not_in(seen),
    )
    return db.session.scalar(query)


# Part of every version: changing what a result holds (its shape or its rules) makes every
# stored result stale, so each is computed again (2: counts below 3 maps withheld; 3: graph
# nodes carry their community; 4: PARTNER scores, declared influence, named communities,
# E-I by sector, suggestions with their reasons).
PAYLOAD_FORMAT = 4


def version(scope: Scope) -> str:
    """The state of the scope's maps and of the directory, as a short digest."""
    rows = []
    if scope.map_ids:
        query = select(CooperationMap.id, CooperationMap.content_version).where(
            CooperationMap.id.in_(scope.map_ids)
        )
        rows = sorted(tuple(row) for row in db.session.execute(query))
    stamps = [partnership_stamp(scope), directory_stamp()]
    return version_digest([PAYLOAD_FORMAT, scope.as_dict(), rows, *stamps])


def partnership_stamp(scope: Scope) -> list:
    """Changes whenever a partner of one of the scope's initiatives is added or removed."""
    if not scope.initiative_ids:
        return []
    from allervers.initiatives.models import Initiative

    query = (
        select(
            func.count(InitiativePartner.id),
            func.max(InitiativePartner.updated_at),
            func.max(Initiative.updated_at),
        )
        .select_from(Initiative)
        .outerjoin(InitiativePartner)
        .where(Initiative.id.in_(scope.initiative_ids))
    )
    count, partners, initiatives = db.session.execute(query).one()
    return [count, str(partners), str(initiatives)]


def directory_stamp() -> list:
    """Changes whenever a structure is added, edited, merged or deleted."""
    count, latest = db.session.execute(
        select(func.count(Structure.id), func.max(Structure.updated_at))
    ).one()
    return [count, latest.isoformat() if latest else None]


def version_digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:40]
