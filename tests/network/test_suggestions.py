"""Possibilities to cooperate for the focal structure."""

import math

from allervers.network import LinkIn, StructureIn, analyse

PUBLICS = [
    ("jeunes", "Jeunes de 16 à 25 ans sans emploi ni formation"),
    ("familles-monoparentales", "Familles monoparentales"),
    ("qpv", "QPV"),
]
FAMILIES_AND_YOUTH = {"familles-monoparentales", "jeunes"}


def _map():
    """Focal F works with P1, P2, P3; X works with P1 and P2; Y only with P1; Z with all three
    partners, but F already wishes to work with Z."""
    structures = [
        StructureIn(1, "F", "social", "45", frozenset({"jeunes"})),
        StructureIn(2, "P1", "emploi", "45"),
        StructureIn(3, "P2", "sante", "45"),
        StructureIn(4, "P3", "droits", "45"),
        StructureIn(5, "X", "logement", "45"),
        StructureIn(6, "Y", "justice", "45"),
        StructureIn(7, "Z", "culture", "45"),
    ]
    pairs = [(1, 2), (1, 3), (1, 4), (5, 2), (5, 3), (6, 2), (7, 2), (7, 3), (7, 4)]
    links = [LinkIn(a, b, "existant", 2) for a, b in pairs]
    links[0] = LinkIn(1, 2, "existant", 2, publics=frozenset({"familles-monoparentales"}))
    links.append(LinkIn(1, 7, "souhaite", None))
    return structures, links


def test_partners_of_partners_scored_by_adamic_adar():
    structures, links = _map()
    suggestions = analyse(structures, links, focal=1).suggestions
    assert [item.structure for item in suggestions] == ["X"]
    (x,) = suggestions
    # P1 works with F, X, Y, Z (degree 4); P2 with F, X, Z (degree 3).
    assert x.score == round(1 / math.log(4) + 1 / math.log(3), 3)
    assert x.reason == "Coopère déjà avec P1 et P2, deux de vos partenaires."
    assert x.shared == ["P1", "P2"]
    assert x.kind == "partenaires communs"


def test_three_and_more_common_partners():
    structures = [StructureIn(n, name, None) for n, name in enumerate("FABCDXY", 1)]
    ids = {s.name: s.id for s in structures}
    pairs = [("F", p) for p in "ABCD"] + [("X", p) for p in "ABC"] + [("Y", p) for p in "ABCD"]
    links = [LinkIn(ids[a], ids[b], "existant", 1) for a, b in pairs]
    suggestions = analyse(structures, links, focal=ids["F"]).suggestions
    assert [item.structure for item in suggestions] == ["Y", "X"]
    assert suggestions[1].reason == "Coopère déjà avec A, B et C, trois de vos partenaires."
    assert suggestions[0].reason == "Coopère déjà avec 4 de vos partenaires, dont A, B et C."


def test_directory_structures_with_the_same_publics_in_the_same_departement():
    structures, links = _map()
    directory = [
        StructureIn(20, "Foyer jeunes", "logement", "45", frozenset({"jeunes", "qpv"})),
        StructureIn(21, "Maison des familles", "jeunesse", "45", frozenset(FAMILIES_AND_YOUTH)),
        StructureIn(22, "Ailleurs", "jeunesse", "37", frozenset({"jeunes"})),
        StructureIn(23, "Autres publics", "sante", "45", frozenset({"qpv"})),
        StructureIn(2, "P1", "emploi", "45", frozenset({"jeunes"})),  # already on the map
    ]
    suggestions = analyse(structures, links, focal=1, directory=directory, publics=PUBLICS)
    items = suggestions.suggestions
    assert [(item.structure, item.score) for item in items] == [
        ("Maison des familles", 2.0),
        ("X", round(1 / math.log(4) + 1 / math.log(3), 3)),
        ("Foyer jeunes", 1.0),
    ]
    assert items[0].reason == (
        "Accompagne les mêmes publics (familles monoparentales et jeunes de 16 à 25 ans sans "
        "emploi ni formation) dans le même département, mais n'est pas sur la carte."
    )
    assert items[0].kind == "mêmes publics"
    assert items[0].shared == ["familles-monoparentales", "jeunes"]


def test_no_focal_no_suggestion():
    structures, links = _map()
    assert analyse(structures, links).suggestions == []


def test_at_most_ten_suggestions_best_first():
    focal = StructureIn(1, "F", None, "45", frozenset({"jeunes", "qpv"}))
    publics = [frozenset({"jeunes", "qpv"}), frozenset({"jeunes"})]
    directory = [
        StructureIn(100 + n, f"Structure {n:02d}", None, "45", publics[n % 2]) for n in range(12)
    ]
    suggestions = analyse([focal], [], focal=1, directory=directory).suggestions
    assert len(suggestions) == 10
    assert [item.score for item in suggestions] == [2.0] * 6 + [1.0] * 4
    assert suggestions[0].structure == "Structure 00"
    assert suggestions[6].structure == "Structure 01"
    assert "(jeunes et qpv)" in suggestions[0].reason  # codes stand in for missing labels
