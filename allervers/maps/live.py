"""What the screens of a map being drawn together learn when they ask « what changed? ».

The live feed is conditional polling: a screen asks every second with the version it shows
(`If-None-Match`); an unchanged map costs one indexed read and a 304. README, « Atelier en
direct », says why polling rather than server-sent events.
"""

from dataclasses import dataclass

from sqlalchemy import distinct, func, select, true

from allervers.auth.models import User
from allervers.extensions import db
from allervers.maps.models import CooperationLink, CooperationMap, MapActivity, MapEntry
from allervers.maps.services import key_figures

# Without a version to start from (a screen just opened), the feed gives the last few changes.
RECENT = 10
# A screen that fell far behind (asleep, offline) gets the latest changes, not all of them.
MAX_EVENTS = 50

VERBS = {
    ("add", "structure"): "a ajouté",
    ("add", "link"): "a ajouté le lien",
    ("update", "structure"): "a modifié",
    ("update", "link"): "a modifié le lien",
    ("update", "map"): "a modifié la carte",
    ("remove", "structure"): "a retiré",
    ("remove", "link"): "a supprimé le lien",
    ("restore", "structure"): "a remis",
    ("restore", "link"): "a rétabli le lien",
    ("move", "map"): "a déplacé des structures",
    ("import", "map"): "a importé",
    ("lock", "map"): "a clos l'atelier : la carte n'est plus modifiable",
    ("unlock", "map"): "a rouvert la carte",
    # allervers/analysis/dismissals.py: the analysis's suggested partners
    ("dismiss", "suggestion"): "a écarté la suggestion",
    ("restore", "suggestion"): "a rétabli la suggestion",
}


def current_version(map_id: int) -> int | None:
    """The map's content version, one indexed read: what a poll costs when nothing changed."""
    return db.session.scalar(
        select(CooperationMap.content_version).where(
            CooperationMap.id == map_id, CooperationMap.deleted_at.is_(None)
        )
    )


def etag(version: int) -> str:
    return f'"v{version}"'


def sentence(activity: MapActivity) -> str:
    """« a ajouté le lien CAF – CCAS »: what the contributor did, after their name."""
    verb = VERBS.get((activity.action, activity.kind), "a modifié")
    return f"{verb} {activity.label}".strip()


def actor_name(activity: MapActivity) -> str:
    return activity.actor.name if activity.actor else "Quelqu'un"


def events_since(map_id: int, version: int | None) -> list[MapActivity]:
    """The changes after `version`, oldest first (the last RECENT when no version is given)."""
    query = select(MapActivity).where(MapActivity.map_id == map_id)
    if version is not None:
        query = query.where(MapActivity.version > version)
    limit = RECENT if version is None else MAX_EVENTS
    latest = db.session.scalars(query.order_by(MapActivity.version.desc()).limit(limit)).all()
    return list(reversed(latest))


@dataclass
class Counts:
    structures: int
    links: int
    contributors: int


def counts(map_id: int) -> Counts:
    def count(model) -> int:
        query = select(func.count()).where(model.map_id == map_id, model.deleted_at.is_(None))
        return db.session.scalar(query.select_from(model))

    contributors = db.session.scalar(
        select(func.count(distinct(MapActivity.actor_id))).where(
            MapActivity.map_id == map_id,
            MapActivity.actor_id.is_not(None),
            MapActivity.kind.in_(("structure", "link")),  # who drew, not who closed the workshop
        )
    )
    return Counts(count(MapEntry), count(CooperationLink), contributors)


def event_data(activity: MapActivity, viewer: User, screen: str | None = None) -> dict:
    pair = [sid for sid in (activity.structure_id, activity.other_id) if sid is not None]
    mine = activity.actor_id is not None and activity.actor_id == viewer.id
    return {
        "version": activity.version,
        "at": activity.created_at.isoformat(timespec="seconds") + "Z",
        "who": actor_name(activity),
        "mine": mine,
        "here": mine and screen is not None and activity.screen == screen,
        "action": activity.action,
        "kind": activity.kind,
        "structures": pair,
        "text": sentence(activity),
    }


def feed(
    cooperation_map: CooperationMap, since: int | None, viewer: User, screen: str | None = None
) -> dict:
    """The feed's answer when the map changed since the version the screen shows. `gap`: more
    changed than the events tell (a screen that slept): reload everything."""
    figures = counts(cooperation_map.id)
    strip = key_figures(cooperation_map)
    events = events_since(cooperation_map.id, since)
    told = events[0].version - 1 if events else cooperation_map.content_version
    return {
        "version": cooperation_map.content_version,
        "locked": cooperation_map.is_locked,
        "counts": {
            "structures": figures.structures,
            "links": figures.links,
            "contributors": figures.contributors,
        },
        # The workspace's strip of key figures, so that no screen has to ask for it again.
        "figures": {
            "structures": strip.structures,
            "links": strip.links,
            "density": round(strip.density * 100),
            "isolates": strip.isolates,
            "wished": strip.wished,
        },
        "gap": since is not None and told > since,
        "events": [event_data(a, viewer, screen) for a in events],
    }


@dataclass
class Contribution:
    """One contributor's additions still on the map: what the « tour de table » highlights."""

    user_id: int
    name: str
    structures: list[int]
    links: list[list[int]]

    @property
    def size(self) -> int:
        return len(self.structures) + len(self.links)


def contributions(cooperation_map: CooperationMap) -> list[Contribution]:
    """Who added what, for additions still on the map, in order of first contribution."""
    placed = {entry.structure_id for entry in cooperation_map.live_entries}
    pairs = {tuple(sorted((link.source_id, link.target_id))) for link in cooperation_map.live_links}
    rows = db.session.scalars(
        select(MapActivity)
        .where(
            MapActivity.map_id == cooperation_map.id,
            MapActivity.action.in_(("add", "restore")),
            MapActivity.kind.in_(("structure", "link")),
            MapActivity.actor_id.is_not(None),
        )
        .order_by(MapActivity.version)
    ).all()
    found: dict[int, Contribution] = {}
    claimed: set = set()  # an addition belongs to whoever made it first
    for row in rows:
        person = found.setdefault(row.actor_id, Contribution(row.actor_id, actor_name(row), [], []))
        if row.kind == "structure" and row.structure_id in placed:
            key = ("s", row.structure_id)
            if key not in claimed:
                claimed.add(key)
                person.structures.append(row.structure_id)
        elif row.kind == "link" and row.other_id is not None:
            pair = tuple(sorted((row.structure_id, row.other_id)))
            if pair in pairs and ("l", pair) not in claimed:
                claimed.add(("l", pair))
                person.links.append(list(pair))
    return [person for person in found.values() if person.size]


def who_did(map_id: int, action: str, structure_id: int, other_id: int | None = None) -> str:
    """The name of whoever last did `action` on this structure or pair ('' if unknown)."""
    pair = [structure_id, other_id] if other_id is not None else [structure_id]
    query = (
        select(MapActivity)
        .where(
            MapActivity.map_id == map_id,
            MapActivity.action == action,
            MapActivity.structure_id.in_(pair),
            MapActivity.other_id.in_(pair) if other_id is not None else true(),
        )
        .order_by(MapActivity.version.desc())
        .limit(1)
    )
    activity = db.session.scalar(query)
    return activity.actor.name if activity and activity.actor else ""
