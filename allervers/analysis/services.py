"""From the database to the analysis module's plain values, and back to the pages."""

from collections import defaultdict
from dataclasses import asdict

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from allervers.analysis import cache, dismissals, places, scopes
from allervers.auth.models import User
from allervers.core import vocab
from allervers.core.timeutil import utcnow
from allervers.directory.models import Structure, StructurePublic, normalise
from allervers.extensions import db
from allervers.initiatives.models import PARTNER_LEVEL, Initiative, InitiativePartner
from allervers.maps.models import (
    POSITIONS,
    CooperationLink,
    CooperationMap,
    MapEntry,
    MapSnapshot,
)
from allervers.maps.services import touch
from allervers.network import Analysis, Comparison, LinkIn, StructureIn, analyse, compare
from allervers.training.models import Group, Membership

# Measures shown as key figures, in this order.
KEY_FIGURES = (
    "nodes",
    "links",
    "density",
    "components",
    "isolates",
    "degree_centralization",
    "modularity",
    "clustering",
    "cross_sector_share",
    "ei_index",
    "mean_level",
    "wished_links",
)
FIGURE_LABELS = {
    "nodes": "Structures",
    "links": "Liens existants",
    "density": "Densité",
    "components": "Morceaux du réseau",
    "isolates": "Structures isolées",
    "degree_centralization": "Centralisation",
    "modularity": "Modularité",
    "clustering": "Regroupement",
    "cross_sector_share": "Liens entre secteurs",
    "ei_index": "Indice E-I",
    "mean_level": "Niveau moyen",
    "wished_links": "Liens souhaités",
}
# The before/after comparison adds the PARTNER scores and how many links each rests on.
COMPARED_LABELS = {
    **FIGURE_LABELS,
    "mean_trust": "Confiance (PARTNER, 1 à 4)",
    "trust_rated": "Liens notés en confiance",
    "mean_value": "Valeur (PARTNER, 1 à 4)",
    "value_rated": "Liens notés en valeur",
}
COLUMN_LABELS = {
    "name": "Structure",
    "sector": "Secteur",
    "degree": "Liens",
    "betweenness": "Passeur",
    "closeness": "Proximité",
    "eigenvector": "Influence (réseau)",
    "constraint": "Contrainte",
}
SORTABLE = ("name", "sector", "degree", "betweenness", "closeness", "eigenvector", "constraint")


def structure_in(structure: Structure) -> StructureIn:
    return StructureIn(
        id=structure.id,
        name=structure.name,
        sector=structure.sector,
        departement=structure.departement,
        publics=frozenset(structure.public_codes),
    )


def link_in(link) -> LinkIn:
    """A link (a CooperationLink, or a row of its columns) as the analysis module takes it."""
    return LinkIn(
        source=link.source_id,
        target=link.target_id,
        status=link.status,
        level=link.level,
        direction=link.direction,
        desired_level=link.desired_level,
        feasibility=link.feasibility,
        obstacles=link.obstacles,
        trust=(link.trust_reliability, link.trust_mission, link.trust_dialogue),
        value=(link.value_influence, link.value_involvement, link.value_resources),
        publics=frozenset(link.publics or ()),
    )


LINK_COLUMNS = (
    CooperationLink.map_id,
    CooperationLink.source_id,
    CooperationLink.target_id,
    CooperationLink.status,
    CooperationLink.level,
    CooperationLink.direction,
    CooperationLink.desired_level,
    CooperationLink.feasibility,
    CooperationLink.obstacles,
    CooperationLink.trust_reliability,
    CooperationLink.trust_mission,
    CooperationLink.trust_dialogue,
    CooperationLink.value_influence,
    CooperationLink.value_involvement,
    CooperationLink.value_resources,
    CooperationLink.publics,
)


def load_maps(map_ids) -> list[tuple[list[StructureIn], list[LinkIn]]]:
    """Every live entry and link of the maps in three queries, whatever their number.

    Read as rows, not ORM objects: a territory holds ten thousand links, and even one map's
    analysis is recomputed after every change."""
    if not map_ids:
        return []
    live_entries = (MapEntry.map_id.in_(map_ids), MapEntry.deleted_at.is_(None))
    publics = defaultdict(set)
    placed = select(MapEntry.structure_id).where(*live_entries)
    query = select(StructurePublic.structure_id, StructurePublic.public_code)
    for structure_id, code in db.session.execute(
        query.where(StructurePublic.structure_id.in_(placed))
    ):
        publics[structure_id].add(code)
    query = (
        select(
            MapEntry.map_id,
            Structure.id,
            Structure.name,
            Structure.sector,
            Structure.departement,
            Structure.insee_code,
            MapEntry.influence,
            MapEntry.position,
        )
        .join(Structure, MapEntry.structure_id == Structure.id)
        .where(*live_entries)
    )
    structures = defaultdict(list)
    for map_id, sid, name, sector, departement, insee, influence, position in db.session.execute(
        query
    ):
        structures[map_id].append(
            StructureIn(
                sid,
                name,
                sector,
                departement,
                frozenset(publics[sid]),
                commune=insee,
                epci=places.epci_of(insee),
                influence=influence,
                position=position,
            )
        )
    links = defaultdict(list)
    query = select(*LINK_COLUMNS).where(
        CooperationLink.map_id.in_(map_ids), CooperationLink.deleted_at.is_(None)
    )
    for row in db.session.execute(query):
        links[row.map_id].append(link_in(row))
    return [
        (
            sorted(structures[map_id], key=lambda s: (normalise(s.name), s.id)),
            sorted(links[map_id], key=lambda link: link.pair),
        )
        for map_id in sorted(map_ids)
    ]


def load_partnerships(initiative_ids) -> list[tuple[list[StructureIn], list[LinkIn]]]:
    """The initiatives' partnerships as one more « map »: carrier – partner links of level 4
    (« intervenir ensemble »), each initiative reporting its own."""
    if not initiative_ids:
        return []
    query = (
        select(Initiative.structure_id, InitiativePartner.structure_id)
        .join(InitiativePartner)
        .where(
            Initiative.id.in_(initiative_ids),
            Initiative.structure_id.is_not(None),
            InitiativePartner.deleted_at.is_(None),
        )
    )
    pairs = [(carrier, partner) for carrier, partner in db.session.execute(query)]
    ids = {structure_id for pair in pairs for structure_id in pair}
    if not ids:
        return []
    structures = db.session.scalars(
        select(Structure).where(Structure.id.in_(ids)).options(selectinload(Structure.publics))
    )
    links = [LinkIn(carrier, partner, "existant", PARTNER_LEVEL) for carrier, partner in pairs]
    return [([structure_in(s) for s in structures], links)]


def map_input(cooperation_map: CooperationMap) -> tuple[list[StructureIn], list[LinkIn]]:
    return load_maps([cooperation_map.id])[0]


def candidates_near(
    cooperation_map: CooperationMap, placed: set[int], stamp: str
) -> list[StructureIn]:
    """Directory structures of the focal structure's département that are not `placed` on
    the map; `stamp` is the state of the directory (digest of `scopes.directory_stamp()`)."""
    focal = cooperation_map.focal_structure
    if focal is None or not focal.departement:
        return []
    # A département holds thousands of structures: read once per state of the directory (as
    # fresh as the cached analyses, which have the same key), as rows rather than objects.
    structures = cache.remembered(
        f"annuaire-{focal.departement}", stamp, lambda: departement_structures(focal.departement)
    )
    return [structure for structure in structures if structure.id not in placed]


def departement_structures(departement: str) -> list[StructureIn]:
    live = (Structure.departement == departement, Structure.deleted_at.is_(None))
    publics = defaultdict(set)
    query = select(StructurePublic.structure_id, StructurePublic.public_code).join(Structure)
    for structure_id, code in db.session.execute(query.where(*live)):
        publics[structure_id].add(code)
    query = select(Structure.id, Structure.name, Structure.sector, Structure.insee_code)
    return [
        StructureIn(
            id=sid,
            name=name,
            sector=sector,
            departement=departement,
            publics=frozenset(publics[sid]),
            commune=insee,
            epci=places.epci_of(insee),
        )
        for sid, name, sector, insee in db.session.execute(query.where(*live))
    ]


# Below this many members' maps, a wish would point at the member who drew it (see aggregates).
MIN_WISHING_MAPS = 2


def _group_ids(cooperation_map: CooperationMap):
    """A query of the ids of `groups_of_map`, to use inside another query."""
    if cooperation_map.group_id is not None:
        return select(Group.id).where(Group.id == cooperation_map.group_id)
    return (
        select(Group.id)
        .join(Membership)
        .where(
            Membership.user_id == cooperation_map.owner_id,
            Membership.role == "stagiaire",
            Group.deleted_at.is_(None),
        )
    )


def _group_maps(cooperation_map: CooperationMap, group_ids):
    """The other maps of the groups (a query of their ids): the group maps and the members'
    personal maps."""
    members = select(Membership.user_id).where(
        Membership.group_id.in_(group_ids), Membership.role == "stagiaire"
    )
    return (
        CooperationMap.deleted_at.is_(None),
        CooperationMap.id != cooperation_map.id,
        (CooperationMap.group_id.in_(group_ids))
        | (CooperationMap.owner_id.in_(members) & CooperationMap.group_id.is_(None)),
    )


def wish_stamp(cooperation_map: CooperationMap) -> list:
    """The state of the group's other maps, in one query: a wish there changes it."""
    if not cooperation_map.focal_structure_id:
        return []
    group_ids = _group_ids(cooperation_map)
    query = select(
        func.count(), func.sum(CooperationMap.content_version), func.max(CooperationMap.id)
    ).where(*_group_maps(cooperation_map, group_ids))
    return list(db.session.execute(query).one())


def group_wishes(cooperation_map: CooperationMap) -> dict[int, int]:
    """How many maps of the map's groups wish a link with each structure: the group map (shared
    with its members) and the other members' personal maps, counted only from
    `MIN_WISHING_MAPS` so that no wish points at one person."""
    maps = db.session.execute(
        select(CooperationMap.id, CooperationMap.group_id).where(
            *_group_maps(cooperation_map, _group_ids(cooperation_map))
        )
    ).all()
    if not maps:
        return {}
    shared = {map_id for map_id, group_id in maps if group_id is not None}
    wishing: dict[int, set[int]] = defaultdict(set)
    query = select(CooperationLink.map_id, CooperationLink.source_id, CooperationLink.target_id)
    for map_id, source, target in db.session.execute(
        query.where(
            CooperationLink.map_id.in_([map_id for map_id, _group in maps]),
            CooperationLink.status == "souhaite",
            CooperationLink.deleted_at.is_(None),
        )
    ):
        wishing[source].add(map_id)
        wishing[target].add(map_id)
    counts = {}
    for structure_id, map_ids in wishing.items():
        personal = len(map_ids - shared)
        count = len(map_ids & shared) + (personal if personal >= MIN_WISHING_MAPS else 0)
        if count:
            counts[structure_id] = count
    return counts


def map_cache_key(map_id: int) -> str:
    return f"carte-{map_id}"


def graph_cache_key(map_id: int) -> str:
    return f"graphe-carte-{map_id}"


def map_cache_keys(map_ids) -> list[str]:
    """Everything cached about these maps (their analysis, their graph)."""
    return [key for map_id in map_ids for key in (map_cache_key(map_id), graph_cache_key(map_id))]


def analyse_map(cooperation_map: CooperationMap) -> Analysis:
    """The map's analysis, from the cache when neither the map nor the directory has changed."""
    return Analysis.from_json(analysis_json(cooperation_map))


def analysis_json(cooperation_map: CooperationMap) -> dict:
    """The map's analysis as `analyse.json` gives it: the cached payload as it is stored."""
    key = map_cache_key(cooperation_map.id)
    directory = scopes.directory_stamp()
    version = scopes.version_digest(
        [
            scopes.PAYLOAD_FORMAT,
            cooperation_map.content_version,
            directory,
            wish_stamp(cooperation_map),
        ]
    )
    stored = cache.load(key, only_version=version)
    if stored.is_fresh(version):
        return stored.payload
    wishes = group_wishes(cooperation_map) if cooperation_map.focal_structure_id else {}
    analysis = compute_map_analysis(cooperation_map, scopes.version_digest(directory), wishes)
    payload = analysis.to_json()
    cache.save(key, version, payload)
    return payload


def compute_map_analysis(
    cooperation_map: CooperationMap, directory_version: str, wishes: dict | None = None
) -> Analysis:
    structures, links = map_input(cooperation_map)
    placed = {structure.id for structure in structures}
    directory = candidates_near(cooperation_map, placed, directory_version)
    focal = cooperation_map.focal_structure
    return analyse(
        structures,
        links,
        focal=cooperation_map.focal_structure_id,
        sectors=vocab.choices("secteurs"),
        publics=vocab.choices("publics"),
        directory=directory,
        wishes=wishes,
        proximity=places.proximity(focal.insee_code if focal else None, [*structures, *directory]),
        exclude=dismissals.dismissed_ids(cooperation_map.id),
    )


def groups_of_map(cooperation_map: CooperationMap) -> list[Group]:
    """The group of a group map; the live groups its owner is a trainee of, for a personal map."""
    if cooperation_map.group_id is not None:
        return [cooperation_map.group]
    query = (
        select(Group)
        .join(Membership)
        .where(
            Membership.user_id == cooperation_map.owner_id,
            Membership.role == "stagiaire",
            Group.deleted_at.is_(None),
        )
        .order_by(Group.name)
    )
    return list(db.session.scalars(query))


def missing_from_map(cooperation_map: CooperationMap, result, limit: int = 10) -> list:
    """The group's most connected structures that this map does not hold yet."""
    analysis = result.analysis
    if analysis is None:
        return []
    placed = {entry.structure_id for entry in cooperation_map.live_entries}
    rows = [row for row in analysis.structures if row.id not in placed and row.degree]
    rows.sort(key=lambda row: (-row.degree, normalise(row.name)))
    return rows[:limit]


def sorted_structures(analysis: Analysis, key: str) -> list:
    """The structures table sorted on a column: names ascending, measures descending."""
    key = key if key in SORTABLE else "name"
    rows = analysis.structures
    if key in ("name", "sector"):
        return sorted(rows, key=lambda row: (normalise(getattr(row, key)), normalise(row.name)))
    return sorted(rows, key=lambda row: (-(getattr(row, key) or 0), normalise(row.name)))


# ----- snapshots: before / after ----------------------------------------------------------------

NOW = "maintenant"


def _plain(item) -> dict:
    return {
        key: sorted(value) if isinstance(value, frozenset) else value
        for key, value in asdict(item).items()
    }


def take_snapshot(cooperation_map: CooperationMap, label: str, by: User) -> MapSnapshot:
    structures, links = map_input(cooperation_map)
    snapshot = MapSnapshot(
        map_id=cooperation_map.id,
        label=label,
        taken_at=utcnow(),
        taken_by_id=by.id,
        content={
            "structures": [_plain(s) for s in structures],
            "links": [_plain(link) for link in links],
        },
    )
    db.session.add(snapshot)
    db.session.commit()
    return snapshot


def snapshots_of(cooperation_map: CooperationMap) -> list[MapSnapshot]:
    query = select(MapSnapshot).where(MapSnapshot.map_id == cooperation_map.id)
    return list(db.session.scalars(query.order_by(MapSnapshot.taken_at, MapSnapshot.id)))


def snapshot_input(snapshot: MapSnapshot) -> tuple[list[StructureIn], list[LinkIn]]:
    structures = [
        StructureIn(**{**item, "publics": frozenset(item.get("publics", ()))})
        for item in snapshot.content["structures"]
    ]
    links = [
        LinkIn(
            **{
                **item,
                "trust": tuple(item["trust"]),
                "value": tuple(item["value"]),
                "publics": frozenset(item.get("publics", ())),
            }
        )
        for item in snapshot.content["links"]
    ]
    return structures, links


def side(cooperation_map: CooperationMap, choice: str | None):
    """A snapshot of this map by id, or the map as it is now; None when the choice is invalid."""
    if choice == NOW:
        return map_input(cooperation_map), "la carte aujourd'hui"
    snapshot = next((s for s in snapshots_of(cooperation_map) if str(s.id) == choice), None)
    if snapshot is None:
        return None
    return snapshot_input(snapshot), snapshot.label


def comparison(before, after) -> Comparison:
    return compare(before, after)


# ----- the interactive graph ------------------------------------------------------------------

# One colour per sector of secteurs.csv (readable on white, distinct enough side by side).
SECTOR_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#ff7f0e",
    "#393b79",
    "#637939",
)
NO_SECTOR_COLOUR = "#b0b0b0"


def sector_colours() -> list[tuple[str, str, str]]:
    """(code, label, colour) for the legend, in the order of secteurs.csv."""
    return [
        (code, label, SECTOR_COLOURS[index % len(SECTOR_COLOURS)])
        for index, (code, label) in enumerate(vocab.choices("secteurs"))
    ]


def node_data(row, focal: bool, colours: dict | None = None, community_label: str = "") -> dict:
    """A structure as a Cytoscape node: its sector colour and the measures that size it."""
    colours = colours or {code: colour for code, _label, colour in sector_colours()}
    return {
        "id": str(row.id),
        "label": row.name,
        "sector": row.sector or "",
        "colour": colours.get(row.sector, NO_SECTOR_COLOUR),
        "degree": row.degree,
        "betweenness": round(row.betweenness, 4),
        "eigenvector": round(row.eigenvector, 4),
        "community": row.community,  # Louvain group, 1 = the largest (a lone structure: its own)
        "communityLabel": community_label,  # its dominant sectors
        "focal": focal,
    }


def graph_data(cooperation_map: CooperationMap) -> dict:
    """The map's graph, from the cache while neither the map (its structures, links and their
    positions) nor the directory has changed: in a live workshop every screen of the room
    asks for it after each change."""
    key = graph_cache_key(cooperation_map.id)
    version = scopes.version_digest(
        [scopes.PAYLOAD_FORMAT, cooperation_map.content_version, scopes.directory_stamp()]
    )
    stored = cache.load(key, only_version=version)
    if stored.is_fresh(version):
        return stored.payload
    payload = compute_graph_data(cooperation_map)
    cache.save(key, version, payload)
    return payload


def compute_graph_data(cooperation_map: CooperationMap) -> dict:
    """Cytoscape elements: structures with their measures and sector colour, links by status."""
    analysis = analyse_map(cooperation_map)
    colours = {code: colour for code, _label, colour in sector_colours()}
    positions = cooperation_map.positions or {}
    labels = {community.number: community.label for community in analysis.communities}
    nodes = []
    for row in analysis.structures:
        focal = row.id == cooperation_map.focal_structure_id
        node = {"data": node_data(row, focal, colours, labels.get(row.community, ""))}
        node["data"]["influence"] = row.influence_declared  # Net-Map 0–5, None when not given
        if str(row.id) in positions:
            x, y = positions[str(row.id)]
            node["position"] = {"x": x, "y": y}
        nodes.append(node)
    edges = [
        {
            "data": {
                "id": f"l{link.id}",
                "source": str(link.source_id),
                "target": str(link.target_id),
                "status": link.status,
                "level": link.level if link.level is not None else -1,
            }
        }
        for link in cooperation_map.live_links
    ]
    placed = bool(nodes) and all("position" in node for node in nodes)
    return {"elements": {"nodes": nodes, "edges": edges}, "preset": placed}


MAX_POSITIONS = 5000


def save_positions(cooperation_map: CooperationMap, raw: object) -> bool:
    """Keep the dragged positions of the map's structures; False (nothing saved) if malformed."""
    placed = {str(entry.structure_id) for entry in cooperation_map.live_entries}
    if not isinstance(raw, dict) or len(raw) > MAX_POSITIONS:
        return False
    clean = {}
    for key, value in raw.items():
        if key not in placed or not isinstance(value, list | tuple) or len(value) != 2:
            return False
        if not all(isinstance(v, int | float) and abs(v) < 1e6 for v in value):
            return False
        clean[key] = [round(float(value[0]), 1), round(float(value[1]), 1)]
    cooperation_map.positions = {**(cooperation_map.positions or {}), **clean}
    touch(cooperation_map.id, "move", "map")  # the other screens of the map follow the move
    db.session.commit()
    return True


# ----- what the analysis page adds to the measures ---------------------------------------------


def netmap_chart(analysis: Analysis) -> dict | None:
    """The Net-Map chart's data: one point per structure whose influence was declared."""
    points = [
        {
            "x": round(row.network_influence, 3),
            "y": row.influence_declared,
            "name": row.name,
            "position": row.position or "",
        }
        for row in analysis.structures
        if row.influence_declared is not None
    ]
    if not points:
        return None
    positions = [{"code": code, "label": label} for code, label in POSITIONS.items()]
    return {"points": points, "positions": [*positions, {"code": "", "label": "Non précisée"}]}


def missing_sectors(cooperation_map: CooperationMap, analysis: Analysis) -> list[dict]:
    """Sectors with no structure on the map, with how many structures of the group's maps and of
    the directory of the focal structure's département belong to them (most present first)."""
    present = {row.sector for row in analysis.structures if row.sector}
    in_group: dict[str, int] = defaultdict(int)
    group_ids = [group.id for group in groups_of_map(cooperation_map)]
    if group_ids:
        members = select(Membership.user_id).where(Membership.group_id.in_(group_ids))
        maps = select(CooperationMap.id).where(
            CooperationMap.deleted_at.is_(None),
            CooperationMap.group_id.in_(group_ids) | CooperationMap.owner_id.in_(members),
        )
        query = (
            select(Structure.sector, func.count(func.distinct(Structure.id)))
            .join(MapEntry, MapEntry.structure_id == Structure.id)
            .where(MapEntry.map_id.in_(maps), MapEntry.deleted_at.is_(None))
            .group_by(Structure.sector)
        )
        in_group.update({sector: count for sector, count in db.session.execute(query) if sector})
    in_territory: dict[str, int] = defaultdict(int)
    focal = cooperation_map.focal_structure
    if focal is not None and focal.departement:
        query = (
            select(Structure.sector, func.count())
            .where(Structure.departement == focal.departement, Structure.deleted_at.is_(None))
            .group_by(Structure.sector)
        )
        in_territory.update({s: count for s, count in db.session.execute(query) if s})
    rows = [
        {
            "sector": code,
            "label": label,
            "group": in_group.get(code, 0),
            "territory": in_territory.get(code, 0),
        }
        for code, label in vocab.choices("secteurs")
        if code not in present and (in_group.get(code) or in_territory.get(code))
    ]
    rows.sort(key=lambda row: (-row["group"], -row["territory"], normalise(row["label"])))
    return rows
