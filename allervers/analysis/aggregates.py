"""Group, session and territory aggregates: how one is computed and stored in the cache.

The job (tasks.py) runs `compute_and_store`; a page reads the stored result through
results.py, which queues the job when the data has changed. This module knows neither.

An aggregate is anonymous: a trainee's map is private, so nothing in a result says which or
how few maps stand behind a link when they are fewer than `MIN_MAPS` (in a group of 12,
« cited by 1 map » says who drew it). The rule is applied once, here, to the stored payload,
so that every page, fragment and export of every scope follows it, for every viewer.
Nor is an aggregate shown to a viewer when it merges only one or two personal maps they may
not open: it would show those maps, whole (`results.Result.withheld`).
"""

import time

from sqlalchemy import select

from allervers.analysis import cache, scopes
from allervers.analysis.scopes import Scope
from allervers.analysis.services import load_maps, load_partnerships, node_data
from allervers.core import vocab
from allervers.directory.models import Structure, normalise
from allervers.extensions import db
from allervers.network import Analysis, aggregate, analyse, layout
from allervers.network.aggregate import influence_gaps, rating_gaps

# Below this many maps, a count of the maps behind a link, or their levels, points at people.
MIN_MAPS = 3


def compute_and_store(scope: Scope) -> dict:
    """The job itself: the version is read before the data, so a change during the
    computation only makes the result look older than it is (and it is computed again)."""
    version = scopes.version(scope)
    stored = cache.load(scope.key)
    if stored.is_fresh(version):  # a job queued for an earlier state already computed this one
        return stored.payload
    started = time.perf_counter()
    try:
        payload = compute(scope)
    except Exception:
        cache.release(scope.key)
        raise
    payload["seconds"] = round(time.perf_counter() - started, 3)
    cache.save(scope.key, version, payload)
    if scope.key.startswith(cache.TERRITORY):
        cache.purge_territories()
    return payload


def compute(scope: Scope) -> dict:
    maps = load_maps(scope.map_ids)
    partnerships = load_partnerships(scope.initiative_ids)
    structures, links, perception_gaps = aggregate([*maps, *partnerships])
    if scope.departement or scope.commune:
        structures, links = within_area(structures, links, scope.departement, scope.commune)
    analysis = analyse(
        structures, links, sectors=vocab.choices("secteurs"), publics=vocab.choices("publics")
    )
    ids = {structure.id for structure in structures}
    return {
        "analysis": analysis.to_json(),
        "perception_gaps": [
            gap.__dict__ for gap in perception_gaps if _kept(gap, structures) and _anonymous(gap)
        ],
        # the members' spread of declared influence and of trust and value: the same rule
        "influence_gaps": [
            gap.__dict__
            for gap in influence_gaps(maps)
            if gap.structure_id in ids and len(gap.influences) >= MIN_MAPS
        ],
        "rating_gaps": [
            gap.__dict__
            for gap in rating_gaps(maps)
            if _kept(gap, structures) and len(gap.scores) >= MIN_MAPS
        ],
        "graph": graph_elements(analysis, links, _positions(structures, links)),
        "maps": len(maps),
    }


def _positions(structures, links) -> dict:
    return layout(structures, links) if len(structures) > SERVER_LAYOUT_ABOVE else {}


def _kept(gap, structures) -> bool:
    ids = {structure.id for structure in structures}
    return gap.source_id in ids and gap.target_id in ids


def _anonymous(gap) -> bool:
    """A perception gap lists the level each map gives: one or two levels are people's."""
    return len(gap.levels) >= MIN_MAPS


def cited_by(reports: int) -> int | None:
    """How many maps cite a link, or None when they are too few to be told (MIN_MAPS)."""
    return reports if reports >= MIN_MAPS else None


def within_area(structures, links, departement: str | None, commune: str | None):
    """The structures of the area, plus the partners they are linked to outside it."""
    query = select(Structure.id).where(Structure.id.in_([s.id for s in structures]))
    if departement:
        query = query.where(Structure.departement == departement)
    if commune:
        wanted = normalise(commune)
        query = query.where(Structure.commune.is_not(None))
        inside = {
            structure_id
            for structure_id, name in db.session.execute(query.add_columns(Structure.commune))
            if normalise(name) == wanted
        }
    else:
        inside = set(db.session.scalars(query))
    kept_links = [link for link in links if link.source in inside or link.target in inside]
    ends = inside | {end for link in kept_links for end in (link.source, link.target)}
    return [s for s in structures if s.id in ends], kept_links


# Above this many structures the server places them: the browser's force layout (fcose)
# takes 0.4 s for 200 but ~20 s for 1,000. Below, fcose draws roomier, more readable graphs.
SERVER_LAYOUT_ABOVE = 200


def graph_elements(analysis: Analysis, links, positions: dict) -> dict:
    """Cytoscape elements; for big graphs with their server-computed positions, drawn as is."""
    preset = len(analysis.structures) > SERVER_LAYOUT_ABOVE
    labels = {community.number: community.label for community in analysis.communities}
    nodes = []
    for row in analysis.structures:
        node = {"data": node_data(row, False, community_label=labels.get(row.community, ""))}
        if preset:
            node["position"] = {"x": positions[row.id][0], "y": positions[row.id][1]}
        nodes.append(node)
    edges = [
        {
            "data": {
                "id": f"e{link.source}-{link.target}",
                "source": str(link.source),
                "target": str(link.target),
                "status": link.status,
                "level": link.level if link.level is not None else -1,
                "reports": cited_by(link.reports),
            }
        }
        for link in links
    ]
    return {"elements": {"nodes": nodes, "edges": edges}, "preset": preset}
