"""The cooperation graph: structures as nodes, existing and difficult links as weighted edges."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from allervers.network.aggregate import group_by_pair, merge_pair
from allervers.network.model import WISHED, LinkIn, StructureIn, name_key


@dataclass
class Network:
    """The graph and the merged links it was built from (one per pair)."""

    graph: nx.Graph
    structures: dict[int, StructureIn]
    links: list[LinkIn]  # every merged link, in name order
    wished: list[LinkIn]  # the `souhaite` ones, which are not edges
    memo: dict = field(default_factory=dict)  # results several measures share (ratings.py)

    @cached_property
    def bridges(self) -> list[tuple[int, int]]:
        """Links whose loss splits the graph (used by the measures and the diagnostic)."""
        return list(nx.bridges(self.graph))

    def name(self, structure_id: int) -> str:
        return self.structures[structure_id].name

    def key(self, structure_id: int) -> tuple:
        """Sort key of a structure: its name in French order, then its id for homonyms."""
        return (name_key(self.structures[structure_id].name), structure_id)

    def pair_key(self, source: int, target: int) -> tuple:
        return (self.key(source), self.key(target))


def edge_weight(level: int | None, reports: int) -> int:
    """Tie strength: (level + 1) × maps reporting it; level 0 « se connaître » still counts."""
    return ((level or 0) + 1) * reports


def build_network(structures: Sequence[StructureIn], links: Sequence[LinkIn]) -> Network:
    """Nodes and edges are inserted in name order, so that seeded algorithms see the same graph
    whatever order the input came in."""
    by_id: dict[int, StructureIn] = {}
    for structure in structures:
        if structure.id in by_id:
            raise ValueError(f"La structure {structure.id} figure deux fois.")
        by_id[structure.id] = structure
    network = Network(graph=nx.Graph(), structures=by_id, links=[], wished=[])

    groups = group_by_pair(link for link in links if link.source in by_id and link.target in by_id)
    merged = [merge_pair(group) for group in groups.values()]
    merged.sort(key=lambda link: network.pair_key(link.source, link.target))
    network.links = merged
    network.wished = [link for link in merged if link.status == WISHED]

    graph = network.graph
    for structure_id in sorted(by_id, key=network.key):
        structure = by_id[structure_id]
        graph.add_node(structure_id, name=structure.name, sector=structure.sector or None)
    edges = [link for link in merged if link.is_edge]
    edges.sort(key=lambda link: sorted((network.key(link.source), network.key(link.target))))
    for link in edges:
        graph.add_edge(
            link.source,
            link.target,
            level=link.level,
            status=link.status,
            reports=link.reports,
            weight=edge_weight(link.level, link.reports),
        )
    return network
