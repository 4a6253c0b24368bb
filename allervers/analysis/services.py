"""From the database to the analysis module's plain values, and back to the pages."""

from collections import defaultdict
from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from allervers.analysis import cache, dismissals, scopes
from allervers.auth.models import User
from allervers.core import vocab
from allervers.core.timeutil import utcnow
from allervers.directory.models import Structure, StructurePublic, normalise
from allervers.extensions import db
from allervers.initiatives.models import PARTNER_LEVEL, Initiative, InitiativePartner
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry, MapSnapshot
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
COLUMN_LABELS = {
    "name": "Structure",
    "sector": "Secteur",
    "degree": "Liens",
    "betweenness": "Passeur",
    "closeness": "Proximité",
    "eigenvector": "Influence",
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
            MapEntry.map_id, Structure.id, Structure.name, Structure.sector, Structure.departement
        )
        .join(Structure, MapEntry.structure_id == Structure.id)
        .where(*live_entries)
    )
    structures = defaultdict(list)
    for map_id, sid, name, sector, departement in db.session.execute(query):
        structures[map_id].append(
            StructureIn(sid, name, sector, departement, frozenset(publics[sid]))
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
    rows = db.session.execute(select(Structure.id, Structure.name, Structure.sector).where(*live))
    return [
        StructureIn(
            id=sid,
            name=name,
            sector=sector,
            departement=departement,
            publics=frozenset(publics[sid]),
        )
        for sid, name, sector in rows
    ]


def map_cache_key(map_id: int) -> str:
    return f"carte-{map_id}"


def graph_cache_key(map_id: int) -> str:
    return f"graphe-carte-{map_id}"


def map_cache_keys(map_ids) -> list[str]:
    """Everything cached about these maps (their analysis, their graph)."""
    return [key for map_id in map_ids for key in (map_cache_key(map_id), graph_cache_key(map_id))]


def analyse_map(cooperation_map: CooperationMap) -> Analysis:
    """The map's analysis, from the cache when neither the map nor the directory has changed."""
    key = map_cache_key(cooperation_map.id)
    directory = scopes.directory_stamp()
    version = scopes.version_digest([cooperation_map.content_version, directory])
    stored = cache.load(key, only_version=version)
    if stored.is_fresh(version):
        return Analysis.from_json(stored.payload)
    analysis = compute_map_analysis(cooperation_map, scopes.version_digest(directory))
    cache.save(key, version, analysis.to_json())
    return analysis


def compute_map_analysis(cooperation_map: CooperationMap, directory_version: str) -> Analysis:
    structures, links = map_input(cooperation_map)
    placed = {structure.id for structure in structures}
    return analyse(
        structures,
        links,
        focal=cooperation_map.focal_structure_id,
        sectors=vocab.choices("secteurs"),
        publics=vocab.choices("publics"),
        directory=candidates_near(cooperation_map, placed, directory_version),
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


def node_data(row, focal: bool, colours: dict | None = None) -> dict:
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
    declared = {entry.structure_id: entry.influence for entry in cooperation_map.live_entries}
    nodes = []
    for row in analysis.structures:
        node = {"data": node_data(row, row.id == cooperation_map.focal_structure_id, colours)}
        node["data"]["influence"] = declared.get(row.id)  # Net-Map 0–5, None when not given
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
