"""Graphs shipped with networkx, whose values are published or computed by networkx itself."""

import networkx as nx
import pytest

from allervers.network import LinkIn, analyse
from tests.network.graphs import by_name, from_graph


@pytest.fixture(scope="module")
def karate():
    graph = nx.karate_club_graph()
    structures, links = from_graph(graph, sector=lambda _node, data: data["club"])
    return graph, analyse(structures, links)


@pytest.fixture(scope="module")
def florentine():
    graph = nx.florentine_families_graph()
    structures, links = from_graph(graph)
    return graph, analyse(structures, links)


def test_karate_size_and_density(karate):
    _graph, result = karate
    assert (result.network.nodes, result.network.links) == (34, 78)
    assert result.network.density == pytest.approx(2 * 78 / (34 * 33))
    assert round(result.network.density, 3) == 0.139
    assert result.network.components == 1
    assert result.network.isolates == 0


def test_karate_instructor_and_president_are_the_brokers(karate):
    _graph, result = karate
    rows = by_name(result)
    ranked = sorted(result.structures, key=lambda row: -row.betweenness)
    assert {ranked[0].name, ranked[1].name} == {"0", "33"}
    assert rows["0"].betweenness == pytest.approx(0.43763528, abs=1e-6)
    assert rows["33"].betweenness == pytest.approx(0.30407498, abs=1e-6)
    assert rows["0"].closeness == pytest.approx(0.56896552, abs=1e-6)


def test_karate_values_match_networkx(karate):
    graph, result = karate
    rows = by_name(result)
    betweenness = nx.betweenness_centrality(graph)
    closeness = nx.closeness_centrality(graph)
    eigenvector = nx.eigenvector_centrality(graph, max_iter=1000)
    cores = nx.core_number(graph)
    for node in graph:
        row = rows[str(node)]
        assert row.degree == graph.degree(node)
        assert row.betweenness == pytest.approx(betweenness[node])
        assert row.closeness == pytest.approx(closeness[node])
        assert row.eigenvector == pytest.approx(eigenvector[node], abs=1e-4)
        assert row.core_number == cores[node]
    assert rows["33"].eigenvector == pytest.approx(0.3734, abs=1e-3)
    assert max(row.core_number for row in result.structures) == 4
    assert result.network.clustering == pytest.approx(nx.average_clustering(graph))


def test_karate_burt_measures_match_networkx(karate):
    graph, result = karate
    rows = by_name(result)
    constraint = nx.constraint(graph)
    effective_size = nx.effective_size(graph)
    for node in graph:
        assert rows[str(node)].constraint == pytest.approx(constraint[node])
        assert rows[str(node)].effective_size == pytest.approx(effective_size[node])


def test_karate_factions_give_the_ei_index(karate):
    graph, result = karate
    between = sum(1 for a, b in graph.edges() if graph.nodes[a]["club"] != graph.nodes[b]["club"])
    within = 78 - between
    assert result.network.ei_index == pytest.approx((between - within) / 78)
    assert result.network.cross_sector_share == pytest.approx(between / 78)
    assert result.network.ei_index < 0  # the two factions mostly keep to themselves


def test_karate_louvain_finds_a_modular_partition(karate):
    _graph, result = karate
    # Newman's best known modularity for the club is 0.4198.
    assert 0.37 < result.network.modularity <= 0.4199
    assert result.network.communities >= 2
    numbers = sorted({row.community for row in result.structures})
    assert numbers == list(range(1, len(numbers) + 1))
    sizes = [sum(1 for row in result.structures if row.community == n) for n in numbers]
    assert sizes == sorted(sizes, reverse=True)


def test_florentine_families(florentine):
    _graph, result = florentine
    rows = by_name(result)
    assert (result.network.nodes, result.network.links) == (15, 20)
    assert "Pucci" not in rows  # networkx's version leaves out the isolated Pucci
    assert result.network.isolates == 0
    assert max(result.structures, key=lambda row: row.betweenness).name == "Medici"
    assert rows["Medici"].betweenness == pytest.approx(0.522, abs=1e-3)


def test_florentine_fragility(florentine):
    graph, result = florentine
    points = sorted(row.name for row in result.structures if row.is_articulation_point)
    assert points == sorted(nx.articulation_points(graph))
    assert points == ["Albizzi", "Guadagni", "Medici", "Salviati"]
    assert result.network.bridges == [
        ("Acciaiuoli", "Medici"),
        ("Albizzi", "Ginori"),
        ("Guadagni", "Lamberteschi"),
        ("Medici", "Salviati"),
        ("Pazzi", "Salviati"),
    ]


def test_florentine_cores_and_structural_holes(florentine):
    graph, result = florentine
    rows = by_name(result)
    cores = nx.core_number(graph)
    constraint = nx.constraint(graph)
    effective_size = nx.effective_size(graph)
    for family in graph:
        assert rows[family].core_number == cores[family]
        assert rows[family].constraint == pytest.approx(constraint[family])
        assert rows[family].effective_size == pytest.approx(effective_size[family])
    ones = sorted(family for family, core in cores.items() if core == 1)
    assert ones == ["Acciaiuoli", "Ginori", "Lamberteschi", "Pazzi", "Salviati"]
    assert rows["Medici"].effective_size == pytest.approx(17 / 3)


def test_davis_southern_women_projection():
    women = nx.davis_southern_women_graph()
    graph = nx.bipartite.weighted_projected_graph(women, women.graph["top"])
    structures, links = from_graph(graph)
    result = analyse(structures, links)
    rows = by_name(result)
    assert (result.network.nodes, result.network.links) == (18, 139)
    assert result.network.density == pytest.approx(139 / 153)
    assert result.network.clustering == pytest.approx(nx.average_clustering(graph))
    betweenness = nx.betweenness_centrality(graph)
    cores = nx.core_number(graph)
    for woman in graph:
        assert rows[woman].betweenness == pytest.approx(betweenness[woman])
        assert rows[woman].core_number == cores[woman]
    assert result.network.bridges == []


def test_eigenvector_uses_the_level_as_tie_strength():
    graph = nx.les_miserables_graph()
    structures, _links = from_graph(graph)
    ids = {structure.name: structure.id for structure in structures}
    weighted = nx.Graph()
    # Levels 0–5 from the published co-appearance counts; the weight is level + 1.
    levels = {(a, b): min(data["weight"], 6) - 1 for a, b, data in graph.edges(data=True)}
    links = [LinkIn(ids[a], ids[b], "existant", level) for (a, b), level in levels.items()]
    weighted.add_weighted_edges_from((a, b, level + 1) for (a, b), level in levels.items())
    rows = by_name(analyse(structures, links))
    expected = nx.eigenvector_centrality(weighted, max_iter=1000, weight="weight")
    for character, value in expected.items():
        assert rows[character].eigenvector == pytest.approx(value, abs=1e-4)


def test_path_measures_match_networkx_on_a_scattered_graph():
    graph = nx.gnm_random_graph(40, 45, seed=3)
    graph.add_nodes_from(range(40, 44))  # isolates
    structures, links = from_graph(graph)
    rows = by_name(analyse(structures, links))
    betweenness = nx.betweenness_centrality(graph)
    closeness = nx.closeness_centrality(graph)
    linked = graph.subgraph(node for node in graph if graph.degree(node)).copy()
    nx.set_edge_attributes(linked, 2, "weight")  # level 1 + 1
    eigenvector = nx.eigenvector_centrality(linked, max_iter=1000, weight="weight")
    assert nx.number_connected_components(graph) > 5
    for node in graph:
        assert rows[str(node)].betweenness == pytest.approx(betweenness[node])
        assert rows[str(node)].closeness == pytest.approx(closeness[node])
        assert rows[str(node)].eigenvector == pytest.approx(eigenvector.get(node, 0.0), abs=1e-9)
