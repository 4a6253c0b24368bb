"""Hand-made maps whose answers are worked out by hand."""

import pytest

from allervers.network import LinkIn, StructureIn, analyse, measures
from tests.network.graphs import by_name, make_map

SECTORS = [
    ("social", "Action sociale"),
    ("emploi", "Emploi et insertion"),
    ("justice", "Justice"),
]


def test_star_centre_is_the_only_broker():
    structures, links, _ids = make_map(
        ["Centre", "A", "B", "C", "D"], [("Centre", leaf) for leaf in "ABCD"]
    )
    result = analyse(structures, links)
    rows = by_name(result)
    assert rows["Centre"].betweenness == 1.0
    assert rows["Centre"].closeness == 1.0
    assert all(rows[leaf].betweenness == 0.0 for leaf in "ABCD")
    assert result.network.degree_centralization == 1.0
    assert result.network.density == pytest.approx(4 / 10)
    # Burt: four unconnected partners, each taking a quarter of the centre's ties.
    assert rows["Centre"].constraint == pytest.approx(4 * (1 / 4) ** 2)
    assert rows["Centre"].effective_size == 4.0
    assert (rows["A"].constraint, rows["A"].effective_size) == (1.0, 1.0)
    assert [row.name for row in result.structures if row.is_articulation_point] == ["Centre"]
    assert len(result.network.bridges) == 4


def test_path_of_three():
    structures, links, _ids = make_map(["A", "B", "C"], [("A", "B"), ("B", "C")])
    result = analyse(structures, links)
    rows = by_name(result)
    assert [row.name for row in result.structures if row.is_articulation_point] == ["B"]
    assert result.network.bridges == [("A", "B"), ("B", "C")]
    assert rows["B"].betweenness == 1.0
    assert rows["A"].closeness == pytest.approx(2 / 3)
    # Freeman: ((2 − 1) + (2 − 1)) / ((3 − 1)(3 − 2)) = 1.
    assert result.network.degree_centralization == 1.0
    assert "Point de fragilité (sans elle, le réseau se coupe) : B." in result.diagnostic
    assert (
        "2 liens sont des points de fragilité (s'ils cessent, le réseau se coupe) : A – B et B – C."
        in result.diagnostic
    )


def test_triangle_has_no_fragility_and_full_clustering():
    structures, links, _ids = make_map(["A", "B", "C"], [("A", "B"), ("B", "C"), ("A", "C")])
    result = analyse(structures, links)
    rows = by_name(result)
    assert result.network.bridges == []
    assert not any(row.is_articulation_point for row in result.structures)
    assert result.network.clustering == 1.0
    assert result.network.density == 1.0
    assert result.network.degree_centralization == 0.0
    # Each partner holds half the ties and reaches the other: 2 × (1/2 + 1/2 · 1/2)².
    assert rows["A"].constraint == pytest.approx(1.125)
    assert rows["A"].effective_size == pytest.approx(1.0)
    assert {row.core_number for row in result.structures} == {2}
    assert "Réseau dense (densité 1,00) : la plupart de vos partenaires coopèrent entre eux." in (
        result.diagnostic
    )


def _two_sectors():
    """A triangle of social structures; C leads by a single link to an employment pair."""
    return make_map(
        ["A", "B", "C", "D", "E"],
        [("A", "B"), ("B", "C"), ("A", "C"), ("C", "D"), ("D", "E")],
        sectors={"A": "social", "B": "social", "C": "social", "D": "emploi", "E": "emploi"},
    )


@pytest.mark.parametrize("focal", [None, 1])
def test_the_only_bridge_to_a_sector_is_named(focal):
    structures, links, _ids = _two_sectors()
    result = analyse(structures, links, focal=focal, sectors=SECTORS)
    assert (
        "C est la seule à relier le réseau au secteur « Emploi et insertion » "
        "(par son lien avec D)." in result.diagnostic
    )
    # D–E is a bridge too, but employment is already on D's side: no sentence for it.
    assert sum("la seule à relier" in sentence for sentence in result.diagnostic) == 1


def test_focal_on_the_far_side_turns_the_gate_around():
    structures, links, ids = _two_sectors()
    result = analyse(structures, links, focal=ids["E"], sectors=SECTORS)
    assert (
        "D est la seule à relier le réseau au secteur « Action sociale » (par son lien avec C)."
        in result.diagnostic
    )


def test_sectors_without_any_link():
    structures, links, _ids = _two_sectors()
    structures.append(StructureIn(9, "Tribunal", "justice"))
    result = analyse(structures, links, sectors=SECTORS)
    assert "Aucun lien avec le secteur « Justice »." in result.diagnostic
    assert "Tribunal n'a aucun lien existant sur la carte." in result.diagnostic


def test_isolates_are_nodes_without_measures_of_holes():
    structures, links, _ids = make_map(["A", "B", "Seule", "Zéro"], [("A", "B")])
    result = analyse(structures, links)
    rows = by_name(result)
    assert result.network.nodes == 4
    assert result.network.isolates == 2
    assert result.network.components == 3
    assert result.network.largest_component == 2
    assert rows["Seule"].degree == 0
    assert (rows["Seule"].constraint, rows["Seule"].effective_size) == (None, None)
    assert rows["Seule"].eigenvector == 0.0
    assert (
        "2 structures n'ont aucun lien existant sur la carte : Seule et Zéro." in result.diagnostic
    )


def test_wished_links_are_needs_not_edges():
    structures, links, ids = make_map(["A", "B", "C"], [("A", "B")])
    links.append(
        LinkIn(ids["A"], ids["C"], "souhaite", None, desired_level=2, feasibility="facile")
    )
    result = analyse(structures, links)
    rows = by_name(result)
    assert result.network.links == 1
    assert result.network.wished_links == 1
    assert result.network.wished_share == 0.5
    assert rows["C"].degree == 0
    assert [(gap.kind, gap.source, gap.target, gap.size) for gap in result.gaps] == [
        ("souhaité", "A", "C", 3)
    ]
    assert "Un lien souhaité n'est pas encore engagé, jugé facile." in result.diagnostic


def test_difficult_links_are_edges():
    structures, links, ids = make_map(["A", "B", "C"], [("A", "B")])
    links.append(LinkIn(ids["B"], ids["C"], "difficile", 2))
    result = analyse(structures, links)
    assert result.network.links == 2
    assert result.network.difficult_links == 1
    assert by_name(result)["B"].weighted_degree == 3
    assert (
        result.diagnostic[0]
        == "La carte compte 3 structures et 2 liens existants, dont 1 difficile."
    )


def test_ei_index_and_cross_sector_share():
    structures, links, _ids = make_map(
        ["A", "B", "C", "D", "E"],
        [("A", "B"), ("A", "C"), ("B", "D"), ("D", "E")],
        sectors={"A": "social", "B": "social", "C": "emploi", "D": "sante"},
    )
    result = analyse(structures, links)
    # D–E is left out (E's sector is unknown): 2 external, 1 internal.
    assert result.network.ei_index == pytest.approx(1 / 3)
    assert result.network.cross_sector_share == pytest.approx(2 / 3)
    assert "67\u00a0% des liens relient des structures de secteurs différents." in result.diagnostic


def test_no_sector_known_gives_no_mix():
    structures, links, _ids = make_map(["A", "B"], [("A", "B")])
    result = analyse(structures, links)
    assert (result.network.ei_index, result.network.cross_sector_share) == (None, None)


def test_means_of_levels_and_ratings():
    structures, _links, ids = make_map(["A", "B", "C", "D"])
    links = [
        LinkIn(ids["A"], ids["B"], "existant", 1, trust=(4, None, 2), value=(1, 1, 1)),
        LinkIn(ids["A"], ids["C"], "existant", 4, trust=(3, None, None)),
        LinkIn(ids["A"], ids["D"], "souhaite", None, trust=(1, 1, 1)),  # not a working link
    ]
    network = analyse(structures, links).network
    assert network.mean_level == 2.5
    # PARTNER scores need the three items: both trust ratings are partial
    assert network.mean_trust is None
    assert network.trust_rated == 0
    assert network.mean_value == 1.0
    assert network.value_rated == 1
    assert network.ratings_partial == 2


def test_links_outside_the_map_and_self_links_are_left_out():
    structures, links, ids = make_map(["A", "B"], [("A", "B")])
    links += [LinkIn(ids["A"], 99, "existant", 2), LinkIn(ids["A"], ids["A"], "existant", 1)]
    assert analyse(structures, links).network.links == 1


def test_a_structure_given_twice_is_refused():
    with pytest.raises(ValueError, match="deux fois"):
        analyse([StructureIn(1, "A", None), StructureIn(1, "A bis", None)], [])


def test_eigenvector_falls_back_on_degree(monkeypatch):
    monkeypatch.setattr(measures, "EIGENVECTOR_MAX_ITER", 1)  # too few steps to converge
    structures, links, _ids = make_map(
        ["Centre", "A", "B", "C", "D"], [("Centre", leaf) for leaf in "ABCD"]
    )
    rows = by_name(analyse(structures, links))
    assert rows["Centre"].eigenvector == pytest.approx(4 / 20**0.5)
    assert rows["A"].eigenvector == pytest.approx(1 / 20**0.5)
