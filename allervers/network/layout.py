"""Positions of the structures computed on the server, for graphs too big for the browser.

Cytoscape's force layout needs ~20 s for 1,000 structures in the browser; igraph's
Fruchterman-Reingold places 2,000 in ~0.2 s. Same input, same positions: nodes go in in
French name order and igraph draws its random numbers from a generator seeded here.
"""

import math
import random
import threading
from collections.abc import Sequence

import igraph

from allervers.network.model import LinkIn, StructureIn, name_key

SPACING = 60  # pixels per structure along the side of the drawing: √n × SPACING
_rng_lock = threading.Lock()  # igraph's random generator is global to the process


def layout(
    structures: Sequence[StructureIn], links: Sequence[LinkIn], seed: int = 42
) -> dict[int, tuple[float, float]]:
    """{structure id: (x, y)} in pixels, every link (wished ones too) pulling its ends together."""
    ordered = sorted(structures, key=lambda s: (name_key(s.name), s.id))
    if not ordered:
        return {}
    index = {structure.id: position for position, structure in enumerate(ordered)}
    pairs = {
        tuple(sorted((index[link.source], index[link.target])))
        for link in links
        if link.source in index and link.target in index and link.source != link.target
    }
    graph = igraph.Graph(n=len(ordered), edges=sorted(pairs))
    with _rng_lock:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            coords = graph.layout_fruchterman_reingold(niter=500).coords
        finally:
            igraph.set_random_number_generator(random)
    return _scaled(ordered, coords)


def _scaled(ordered: Sequence[StructureIn], coords) -> dict[int, tuple[float, float]]:
    xs, ys = [x for x, _y in coords], [y for _x, y in coords]
    width = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    side = math.sqrt(len(ordered)) * SPACING
    return {
        structure.id: (
            round((x - min(xs)) / width * side, 1),
            round((y - min(ys)) / width * side, 1),
        )
        for structure, (x, y) in zip(ordered, coords, strict=True)
    }
