"""Where igraph computes for us, it must agree with networkx, the reference."""

import networkx as nx
import pytest

from allervers.network import LinkIn, StructureIn, analyse, layout
from tests.network.graphs import by_name, from_graph


def test_igraph_path_measures_agree_with_networkx_on_a_large_scattered_graph():
    graph = nx.gnm_random_graph(400, 520, seed=11)
    graph.add_nodes_from(range(400, 410))  # isolates
    structures, links = from_graph(graph)
    rows = by_name(analyse(structures, links))
    betweenness = nx.betweenness_centrality(graph)
    closeness = nx.closeness_centrality(graph)
    assert nx.number_connected_components(graph) > 20
    for node in graph:
        assert rows[str(node)].betweenness == pytest.approx(betweenness[node], abs=1e-12)
        assert rows[str(node)].closeness == pytest.approx(closeness[node], abs=1e-12)


def test_path_measures_of_tiny_maps():
    one = [StructureIn(1, "Seule", None)]
    assert by_name(analyse(one, []))["Seule"].closeness == 0.0
    two = [StructureIn(1, "A", None), StructureIn(2, "B", None)]
    rows = by_name(analyse(two, [LinkIn(1, 2, "existant", 1)]))
    assert (rows["A"].betweenness, rows["A"].closeness) == (0.0, 1.0)


def _territory(size: int, links: int):
    graph = nx.gnm_random_graph(size, links, seed=5)
    return from_graph(graph)


def test_layout_places_every_structure_and_is_deterministic():
    structures, links = _territory(300, 600)
    first = layout(structures, links)
    assert set(first) == {structure.id for structure in structures}
    assert layout(list(reversed(structures)), links) == first
    xs = [x for x, _y in first.values()]
    assert min(xs) == 0.0
    assert max(xs) > 500


def test_layout_draws_linked_structures_closer_than_strangers():
    structures, links = _territory(200, 400)
    positions = layout(structures, links)
    linked = {link.pair for link in links}

    def distance(a, b):
        (xa, ya), (xb, yb) = positions[a], positions[b]
        return ((xa - xb) ** 2 + (ya - yb) ** 2) ** 0.5

    ids = sorted(positions)
    near = [distance(a, b) for a, b in linked]
    far = [distance(a, b) for a in ids[:40] for b in ids[40:80] if (a, b) not in linked]
    assert sum(near) / len(near) < 0.6 * sum(far) / len(far)


def test_layout_of_an_empty_map():
    assert layout([], []) == {}


def test_isolated_structures_do_not_shrink_the_network_to_a_dot():
    graph = nx.connected_watts_strogatz_graph(100, 4, 0.2, seed=2)
    graph.add_nodes_from(range(100, 130))  # 30 structures without any link
    structures, links = from_graph(graph)
    positions = layout(structures, links)
    ids = {structure.name: structure.id for structure in structures}
    network = [positions[ids[str(node)]] for node in range(100)]
    everything = list(positions.values())

    def width(points):
        return max(x for x, _y in points) - min(x for x, _y in points)

    assert width(network) >= 0.6 * width(everything)
    isolated = [positions[ids[str(node)]] for node in range(100, 130)]
    assert min(y for _x, y in isolated) > max(y for _x, y in network)  # packed below it


def eigenvector_both_ways(graph: nx.Graph) -> tuple[dict, dict]:
    """The app's eigenvector influence of `graph` (levels from the node numbers, by structure
    name) and networkx's on the same weights (by node)."""
    from allervers.network.measures import EIGENVECTOR_IGRAPH_ABOVE

    assert graph.number_of_nodes() > EIGENVECTOR_IGRAPH_ABOVE  # igraph computes it
    structures, _links = from_graph(graph)
    ids = {structure.name: structure.id for structure in structures}
    links = [LinkIn(ids[str(a)], ids[str(b)], "existant", (a + b) % 6) for a, b in graph.edges()]
    rows = by_name(analyse(structures, links))
    weighted = nx.Graph()
    weighted.add_weighted_edges_from((a, b, (a + b) % 6 + 1) for a, b in graph.edges())
    expected = nx.eigenvector_centrality(weighted, max_iter=1000, tol=1e-6, weight="weight")
    return rows, expected


def test_igraph_eigenvector_agrees_with_networkx_on_a_large_weighted_graph():
    graph = nx.gnm_random_graph(900, 3000, seed=4)
    graph.add_edges_from([(900, 901), (901, 902)])  # a small piece apart
    rows, expected = eigenvector_both_ways(graph)
    for node, value in expected.items():
        assert rows[str(node)].eigenvector == pytest.approx(value, abs=1e-4)


def test_igraph_eigenvector_agrees_with_networkx_on_a_group_sized_graph_in_pieces():
    graph = nx.gnm_random_graph(360, 480, seed=2)  # a group's aggregate: sparse, several pieces
    assert nx.number_connected_components(graph) > 2
    rows, expected = eigenvector_both_ways(graph)
    for node, value in expected.items():  # networkx stops within 1e-6 in all: ±1e-3 each
        assert rows[str(node)].eigenvector == pytest.approx(value, abs=2e-3)
    top = sorted(expected, key=expected.get, reverse=True)[:10]
    assert sorted(top, key=lambda node: -rows[str(node)].eigenvector) == top
