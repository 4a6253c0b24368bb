"""Positions of the structures computed on the server, for graphs too big for the browser.

Cytoscape's force layout needs ~20 s for 1,000 structures in the browser; igraph's
Fruchterman-Reingold places 2,000 in ~0.2 s. Each connected piece is laid out on its own and
the pieces are packed in rows, largest first: left together, a force layout pushes isolated
structures to the far edges and shrinks the network to a dot. Same input, same positions:
nodes go in in French name order and igraph draws from a generator seeded here.
"""

import math
import random
import threading
from collections.abc import Sequence

import igraph

from allervers.network.model import LinkIn, StructureIn, name_key

SPACING = 60  # pixels per structure along the side of a piece: √n × SPACING
GAP = 60  # pixels between pieces
_rng_lock = threading.Lock()  # igraph's random generator is global to the process

Point = tuple[float, float]


def layout(
    structures: Sequence[StructureIn], links: Sequence[LinkIn], seed: int = 42
) -> dict[int, Point]:
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
    pieces = sorted(graph.connected_components(), key=lambda piece: (-len(piece), min(piece)))
    with _rng_lock:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            drawn = [_piece(graph, piece) for piece in pieces]
        finally:
            igraph.set_random_number_generator(random)
    positions = {}
    for piece, points, (x, y) in zip(pieces, drawn, _pack(drawn), strict=True):
        for node, (px, py) in zip(piece, points, strict=True):
            positions[ordered[node].id] = (round(x + px, 1), round(y + py, 1))
    return positions


def _piece(graph: igraph.Graph, piece: list[int]) -> list[Point]:
    """One connected piece laid out in a box of side √n × SPACING, from (0, 0)."""
    if len(piece) == 1:
        return [(0.0, 0.0)]
    coords = graph.subgraph(piece).layout_fruchterman_reingold(niter=500).coords
    xs, ys = [x for x, _y in coords], [y for _x, y in coords]
    width = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    side = math.sqrt(len(piece)) * SPACING
    return [((x - min(xs)) / width * side, (y - min(ys)) / width * side) for x, y in coords]


def _pack(drawn: list[list[Point]]) -> list[Point]:
    """Top-left corner of each piece: rows as wide as the largest piece, filled in order."""
    sizes = [(max(x for x, _y in points), max(y for _x, y in points)) for points in drawn]
    row_width = max(max(width for width, _height in sizes), 4 * SPACING)
    corners, x, y, row_height = [], 0.0, 0.0, 0.0
    for width, height in sizes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + GAP, 0.0
        corners.append((x, y))
        x += width + GAP
        row_height = max(row_height, height)
    return corners
