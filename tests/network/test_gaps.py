"""Need and possibility: the gap list and its order."""

from allervers.network import LinkIn, analyse
from tests.network.graphs import make_map


def _gaps(links_for):
    structures, _links, ids = make_map(["A", "B", "C", "D", "E", "F", "G", "H"])
    return analyse(structures, links_for(ids)).gaps


def test_gaps_are_sorted_by_feasibility_then_size_then_names():
    gaps = _gaps(
        lambda ids: [
            LinkIn(ids["A"], ids["B"], "souhaite", None, desired_level=2, feasibility="difficile"),
            LinkIn(ids["A"], ids["C"], "souhaite", None, desired_level=1),
            LinkIn(ids["A"], ids["D"], "existant", 1, desired_level=2, feasibility="facile"),
            LinkIn(ids["A"], ids["E"], "existant", 0, desired_level=3, feasibility="facile"),
            LinkIn(ids["B"], ids["F"], "souhaite", None, desired_level=1, feasibility="possible"),
            LinkIn(ids["B"], ids["G"], "existant", 1, desired_level=2, feasibility="facile"),
        ]
    )
    assert [(gap.source, gap.target, gap.feasibility, gap.size) for gap in gaps] == [
        ("A", "E", "facile", 3),
        ("A", "D", "facile", 1),
        ("B", "G", "facile", 1),
        ("B", "F", "possible", 2),
        ("A", "B", "difficile", 3),
        ("A", "C", None, 2),
    ]


def test_gap_fields_and_kinds():
    gaps = _gaps(
        lambda ids: [
            LinkIn(
                ids["A"],
                ids["B"],
                "difficile",
                1,
                desired_level=3,
                feasibility="possible",
                obstacles="Pas d'interlocuteur stable",
            ),
            LinkIn(ids["C"], ids["D"], "souhaite", None, desired_level=2, obstacles="Distance"),
        ]
    )
    strengthen, wished = gaps
    assert (strengthen.kind, strengthen.current_level, strengthen.desired_level) == (
        "à renforcer",
        1,
        3,
    )
    assert strengthen.obstacles == "Pas d'interlocuteur stable"
    assert (wished.kind, wished.current_level, wished.desired_level) == ("souhaité", None, 2)
    assert wished.obstacles == "Distance"


def test_a_link_at_or_above_its_desired_level_is_no_gap():
    gaps = _gaps(
        lambda ids: [
            LinkIn(ids["A"], ids["B"], "existant", 3, desired_level=2),
            LinkIn(ids["A"], ids["C"], "existant", 2, desired_level=2),
            LinkIn(ids["A"], ids["D"], "existant", 2),
        ]
    )
    assert gaps == []


def test_gaps_feed_the_diagnostic():
    structures, _links, ids = make_map(["A", "B", "C", "D"])
    links = [
        LinkIn(ids["A"], ids["B"], "existant", 1, desired_level=2),
        LinkIn(ids["A"], ids["C"], "existant", 0, desired_level=2),
        LinkIn(ids["A"], ids["D"], "souhaite", None, feasibility="possible"),
        LinkIn(ids["B"], ids["D"], "souhaite", None, feasibility="facile"),
        LinkIn(ids["C"], ids["D"], "souhaite", None, feasibility="facile"),
    ]
    diagnostic = analyse(structures, links).diagnostic
    assert "3 liens souhaités ne sont pas encore engagés, dont 2 jugés faciles." in diagnostic
    assert "2 liens existants sont à renforcer (niveau souhaité plus élevé)." in diagnostic
    assert diagnostic[-1].startswith("Un niveau plus élevé n'est pas toujours meilleur")
