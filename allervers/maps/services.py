"""Maps, their entries and links: the only code of this domain that commits."""

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from allervers.auth.models import User
from allervers.core.actor import current_actor_id, current_screen
from allervers.core.database import write_transaction
from allervers.core.models import check_version
from allervers.core.plural import plural
from allervers.core.timeutil import utcnow
from allervers.directory import services as directory
from allervers.directory.models import Structure, normalise
from allervers.extensions import db
from allervers.maps.models import (
    LINK_FIELDS,
    CooperationLink,
    CooperationMap,
    MapActivity,
    MapEntry,
)
from allervers.training.models import Group


def touch(
    map_id: int,
    action: str = "update",
    kind: str = "map",
    label: str = "",
    pair: tuple[int | None, int | None] = (None, None),
) -> int:
    """Mark the map's content as changed (cached analyses of it are now stale) and tell the
    live feed what changed; returns the new content_version.

    The UPDATE locks the map's row until commit, so concurrent changes of one map get
    distinct versions in the order they commit: the feed never skips one."""
    version = db.session.scalar(
        update(CooperationMap)
        .where(CooperationMap.id == map_id)
        .values(content_version=CooperationMap.content_version + 1, updated_at=utcnow())
        .returning(CooperationMap.content_version)
    )
    db.session.add(
        MapActivity(
            map_id=map_id,
            version=version,
            actor_id=current_actor_id(),
            action=action,
            kind=kind,
            label=label[:300],
            structure_id=pair[0],
            other_id=pair[1],
            screen=current_screen(),
        )
    )
    return version


class MapError(ValueError):
    """A refused change to a map; the message is shown to the person as it is."""


# ----- maps -----------------------------------------------------------------------------------


def personal_maps(user: User) -> list[CooperationMap]:
    query = (
        select(CooperationMap)
        .where(CooperationMap.owner_id == user.id, CooperationMap.deleted_at.is_(None))
        .order_by(CooperationMap.updated_at.desc(), CooperationMap.id.desc())
    )
    return list(db.session.scalars(query))


def member_maps(viewer: User, group: Group) -> list[CooperationMap]:
    """The personal maps of the group's trainees that `viewer` may open (trainers: all)."""
    from allervers.maps.access import visible_maps

    trainee_ids = [user.id for user in group.trainees]
    query = visible_maps(viewer).where(CooperationMap.owner_id.in_(trainee_ids))
    return list(db.session.scalars(query.order_by(CooperationMap.title)))


def create_map(
    owner: User, title: str, territory: str | None, focal_structure_id: int | None
) -> CooperationMap:
    """A personal map; its focal structure is placed on it straight away."""
    cooperation_map = CooperationMap(
        title=title, territory=territory, owner_id=owner.id, focal_structure_id=focal_structure_id
    )
    db.session.add(cooperation_map)
    _place_focal(cooperation_map)
    db.session.commit()
    return cooperation_map


def group_map(group: Group) -> CooperationMap:
    """The group's map, created on first use."""
    existing = _group_map(group)
    if existing:
        return existing
    with write_transaction():  # a write during a GET (see core/database.py)
        cooperation_map = _group_map(group) or CooperationMap(
            title=f"Carte du groupe – {group.name}", territory=group.city, group_id=group.id
        )
        db.session.add(cooperation_map)
        db.session.commit()
    return cooperation_map


def _group_map(group: Group) -> CooperationMap | None:
    query = select(CooperationMap).where(
        CooperationMap.group_id == group.id, CooperationMap.deleted_at.is_(None)
    )
    return db.session.scalar(query)


def update_map(cooperation_map: CooperationMap, fields: dict, expected_version: int | None) -> None:
    check_version(cooperation_map, expected_version)
    for name, value in fields.items():
        setattr(cooperation_map, name, value)
    _place_focal(cooperation_map)
    touch(cooperation_map.id, "update", "map", cooperation_map.title)
    db.session.commit()


def remove_map(cooperation_map: CooperationMap) -> None:
    cooperation_map.deleted_at = utcnow()
    db.session.commit()


def restore_map(cooperation_map: CooperationMap) -> None:
    cooperation_map.deleted_at = None
    db.session.commit()


def _place_focal(cooperation_map: CooperationMap) -> None:
    structure = directory.get_live(cooperation_map.focal_structure_id)
    db.session.flush()  # a new map needs its id
    if structure and not entry_of(cooperation_map, structure.id):
        db.session.add(MapEntry(map_id=cooperation_map.id, structure=structure))


# ----- entries --------------------------------------------------------------------------------


def entry_of(cooperation_map: CooperationMap, structure_id: int) -> MapEntry | None:
    """The entry of `structure_id` on the map, deleted or not."""
    return db.session.scalar(
        select(MapEntry).where(
            MapEntry.map_id == cooperation_map.id, MapEntry.structure_id == structure_id
        )
    )


def live_entry(cooperation_map: CooperationMap, entry_id: int) -> MapEntry | None:
    entry = db.session.get(MapEntry, entry_id)
    return entry if entry and entry.map_id == cooperation_map.id else None


def structure_options(cooperation_map: CooperationMap) -> list[tuple[int, str]]:
    """(id, name) of the structures on the map, for the link form."""
    rows = db.session.execute(
        select(Structure.id, Structure.name)
        .join(MapEntry, MapEntry.structure_id == Structure.id)
        .where(MapEntry.map_id == cooperation_map.id, MapEntry.deleted_at.is_(None))
        .order_by(func.lower(Structure.name))
    )
    return [(row.id, row.name) for row in rows]


def new_structure(name: str, commune: str | None, typology: str | None, by: User) -> Structure:
    """A structure typed inline: the directory's record when it already has it."""
    existing = directory.find_same(name, commune)
    if existing:
        return existing
    structure = directory.build_structure(
        name=name, commune=commune, typology=typology or "Autre", created_by_id=by.id
    )
    db.session.add(structure)
    db.session.flush()
    return structure


def add_entry(cooperation_map: CooperationMap, structure: Structure, fields: dict) -> MapEntry:
    """Place a structure on the map; placing it again updates (or revives) its entry; placed
    by two people at the same moment, it is placed once (as save_link explains)."""
    try:
        return _add_entry(cooperation_map, structure, fields)
    except IntegrityError:
        db.session.rollback()
    return _add_entry(cooperation_map, structure, fields)


def _add_entry(cooperation_map: CooperationMap, structure: Structure, fields: dict) -> MapEntry:
    entry = entry_of(cooperation_map, structure.id)
    if entry is None:
        entry = MapEntry(map_id=cooperation_map.id, structure=structure)
        db.session.add(entry)
    entry.deleted_at = None
    for name, value in fields.items():
        setattr(entry, name, value)
    db.session.flush()
    touch(cooperation_map.id, "add", "structure", structure.name, (structure.id, None))
    db.session.commit()
    return entry


def update_entry(entry: MapEntry, fields: dict, expected_version: int | None) -> None:
    check_version(entry, expected_version)
    for name, value in fields.items():
        setattr(entry, name, value)
    _touch_entry(entry, "update")
    db.session.commit()


def remove_entry(entry: MapEntry) -> None:
    """Take a structure off the map with its links, all stamped alike so undo restores them."""
    moment = utcnow()
    entry.deleted_at = moment
    for link in _links_of(entry, deleted=False):
        link.deleted_at = moment
    _touch_entry(entry, "remove")
    db.session.commit()


def restore_entry(entry: MapEntry) -> None:
    moment = entry.deleted_at
    entry.deleted_at = None
    for link in _links_of(entry, deleted=True):
        if link.deleted_at == moment:
            link.deleted_at = None
    _touch_entry(entry, "restore")
    db.session.commit()


def _touch_entry(entry: MapEntry, action: str) -> None:
    touch(entry.map_id, action, "structure", entry.structure.name, (entry.structure_id, None))


def _links_of(entry: MapEntry, deleted: bool) -> list[CooperationLink]:
    state = (
        CooperationLink.deleted_at.is_not(None) if deleted else CooperationLink.deleted_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(CooperationLink).where(
                CooperationLink.map_id == entry.map_id,
                state,
                or_(
                    CooperationLink.source_id == entry.structure_id,
                    CooperationLink.target_id == entry.structure_id,
                ),
            )
        )
    )


# ----- links ----------------------------------------------------------------------------------


def link_between(
    cooperation_map: CooperationMap, first: int, second: int
) -> CooperationLink | None:
    """The map's link of this pair, in either order, deleted or not."""
    low, high = sorted((first, second))
    return db.session.scalar(  # autoflush makes links added in this transaction visible
        select(CooperationLink).where(
            CooperationLink.map_id == cooperation_map.id,
            CooperationLink.pair_low_id == low,
            CooperationLink.pair_high_id == high,
        )
    )


def live_link(cooperation_map: CooperationMap, link_id: int) -> CooperationLink | None:
    link = db.session.get(CooperationLink, link_id)
    return link if link and link.map_id == cooperation_map.id else None


def save_link(
    cooperation_map: CooperationMap,
    source_id: int,
    target_id: int,
    fields: dict,
    expected_version: int | None = None,
) -> tuple[CooperationLink, bool]:
    """Create the link, or edit the one the pair already has: one link per pair per map.

    Two people adding the same pair at the same moment: on PostgreSQL both may find no link
    and insert; the unique constraint stops the second, which then edits the first's link,
    as it would have done a moment later (SQLite's write lock already orders them so)."""
    try:
        return _save_link(cooperation_map, source_id, target_id, fields, expected_version)
    except IntegrityError:
        db.session.rollback()
    return _save_link(cooperation_map, source_id, target_id, fields, expected_version)


def _save_link(
    cooperation_map: CooperationMap,
    source_id: int,
    target_id: int,
    fields: dict,
    expected_version: int | None,
) -> tuple[CooperationLink, bool]:
    if source_id == target_id:
        raise MapError("Un lien relie deux structures différentes.")
    if not _both_placed(cooperation_map, source_id, target_id):
        raise MapError("Placez d'abord les deux structures sur la carte.")
    link = link_between(cooperation_map, source_id, target_id)
    created = link is None or link.is_deleted
    if link is None:
        link = CooperationLink(map_id=cooperation_map.id)
        db.session.add(link)
    elif not link.is_deleted:
        check_version(link, expected_version)
    link.deleted_at = None
    link.set_pair(source_id, target_id)
    for name, value in fields.items():
        setattr(link, name, value)
    if link.status == "souhaite":
        link.level = None
    db.session.flush()  # a pair inserted meanwhile by someone else fails here, not in touch()
    _touch_link(link, "add" if created else "update")
    db.session.commit()
    return link, created


def _both_placed(cooperation_map: CooperationMap, first: int, second: int) -> bool:
    placed = db.session.scalars(
        select(MapEntry.structure_id).where(
            MapEntry.map_id == cooperation_map.id,
            MapEntry.deleted_at.is_(None),
            MapEntry.structure_id.in_((first, second)),
        )
    ).all()
    return set(placed) == {first, second}


def _touch_link(link: CooperationLink, action: str) -> None:
    # By id: after set_pair, link.source may still be the structure the link had before.
    source, target = (db.session.get(Structure, sid) for sid in (link.source_id, link.target_id))
    label = f"{source.name} – {target.name}"
    touch(link.map_id, action, "link", label, (link.source_id, link.target_id))


def remove_link(link: CooperationLink) -> None:
    link.deleted_at = utcnow()
    _touch_link(link, "remove")
    db.session.commit()


def restore_link(link: CooperationLink) -> None:
    """Undo a deletion; refused if both structures are no longer on the map."""
    if not _both_placed(link.map, link.source_id, link.target_id):
        raise MapError("Replacez d'abord les deux structures sur la carte.")
    link.deleted_at = None
    _touch_link(link, "restore")
    db.session.commit()


@dataclass
class KeyFigures:
    """The workspace's strip: what a trainee watches grow while drawing the map."""

    structures: int
    links: int
    density: float
    isolates: int
    wished: int


def key_figures(cooperation_map: CooperationMap) -> KeyFigures:
    """Counted as the analysis counts them: existing and difficult links make the network,
    wished links are counted apart (allervers/network)."""
    # The raw collections, not live_entries/live_links: those sort by name, which loads every
    # structure of the map one query at a time.
    placed = {entry.structure_id for entry in cooperation_map.entries if not entry.is_deleted}
    links = [link for link in cooperation_map.links if not link.is_deleted]
    real = [link for link in links if link.status != "souhaite"]
    linked = {end for link in real for end in (link.source_id, link.target_id)}
    pairs = {(link.pair_low_id, link.pair_high_id) for link in real}
    possible = len(placed) * (len(placed) - 1) / 2
    return KeyFigures(
        structures=len(placed),
        links=len(pairs),
        density=len(pairs) / possible if possible else 0.0,
        isolates=len(placed - linked),
        wished=len(links) - len(real),
    )


# ----- searching the directory from the editor ------------------------------------------------


def search_structures(query: str, near: str | None = None, limit: int = 8) -> list[Structure]:
    """Directory structures whose name, acronym or commune contain every word typed,
    those of département `near` first, then the shortest names."""
    words = normalise(query).split()
    if not words:
        return []
    statement = directory.live_structures()
    for word in words:
        statement = statement.where(Structure.search_text.contains(word))
    nearby = case((Structure.departement == near, 0), else_=1)
    statement = statement.order_by(nearby, func.length(Structure.name), Structure.name)
    return list(db.session.scalars(statement.limit(limit)))


# ----- copying into the group's map -----------------------------------------------------------


@dataclass
class CopyReport:
    structures: int = 0
    links: int = 0
    skipped_links: int = 0


def copy_into(source: CooperationMap, target: CooperationMap) -> CopyReport:
    """Add the source's structures and links to the target; links it has already stay."""
    report = CopyReport()
    for entry in source.live_entries:
        existing = entry_of(target, entry.structure_id)
        if existing is None or existing.is_deleted:
            add = existing or MapEntry(map_id=target.id, structure_id=entry.structure_id)
            add.deleted_at = None
            add.influence, add.position = entry.influence, entry.position
            db.session.add(add)
            report.structures += 1
    for link in source.live_links:
        existing = link_between(target, link.source_id, link.target_id)
        if existing is not None and not existing.is_deleted:
            report.skipped_links += 1
            continue
        copy = existing or CooperationLink(map_id=target.id)
        db.session.add(copy)
        copy.deleted_at = None
        copy.set_pair(link.source_id, link.target_id)
        for name in LINK_FIELDS:
            setattr(copy, name, getattr(link, name))
        report.links += 1
    structures = plural(report.structures, "structure", "structures")
    touch(target.id, "import", "map", f"{structures}, {plural(report.links, 'lien', 'liens')}")
    db.session.commit()
    return report
