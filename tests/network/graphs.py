"""Builders shared by the network tests: published graphs and hand-made maps as plain input."""

from collections.abc import Callable, Iterable

import networkx as nx

from allervers.network import Analysis, LinkIn, StructureIn, StructureMeasures


def from_graph(
    graph: nx.Graph,
    *,
    sector: Callable[[object, dict], str | None] = lambda _node, _data: None,
    level: int = 1,
) -> tuple[list[StructureIn], list[LinkIn]]:
    """Each node becomes a structure named after it (ids 1…n), each edge an existing link."""
    ids = {node: number for number, node in enumerate(sorted(graph, key=str), 1)}
    structures = [
        StructureIn(ids[node], str(node), sector(node, data))
        for node, data in graph.nodes(data=True)
    ]
    links = [LinkIn(ids[a], ids[b], "existant", level) for a, b in graph.edges()]
    return structures, links


def make_map(
    names: Iterable[str],
    edges: Iterable[tuple[str, str]] = (),
    *,
    sectors: dict[str, str] | None = None,
    level: int = 1,
) -> tuple[list[StructureIn], list[LinkIn], dict[str, int]]:
    """Structures named as given (ids in that order), existing links between the named pairs."""
    ids = {name: number for number, name in enumerate(names, 1)}
    sectors = sectors or {}
    structures = [StructureIn(number, name, sectors.get(name)) for name, number in ids.items()]
    links = [LinkIn(ids[a], ids[b], "existant", level) for a, b in edges]
    return structures, links, ids


def by_name(analysis: Analysis) -> dict[str, StructureMeasures]:
    return {row.name: row for row in analysis.structures}
