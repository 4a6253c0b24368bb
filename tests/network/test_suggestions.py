"""Possible partners for the focal structure: each reason, its points, and nearness first."""

import random

from allervers.network import LinkIn, StructureIn, analyse, suggestions
from allervers.network.graph import build_network
from allervers.network.suggestions import Proximity, suggest

PUBLICS = {
    "jeunes": "Jeunes de 16 à 25 ans sans emploi ni formation",
    "familles-monoparentales": "Familles monoparentales",
    "qpv": "QPV",
    "seniors": "Personnes âgées isolées",
}
SECTORS = {"social": "Action sociale", "sante": "Santé", "emploi": "Emploi"}


def _structures(*specs) -> list[StructureIn]:
    """(id, name) or (id, name, sector, publics, commune, epci) with defaults: social, 45."""
    result = []
    for spec in specs:
        defaults = (None, None, "social", (), None, None)
        sid, name, sector, publics, commune, epci = (*spec, *defaults[len(spec) :])
        result.append(StructureIn(sid, name, sector, "45", frozenset(publics), commune, epci))
    return result


def _suggest(structures, links, focal=1, directory=(), **options):
    network = build_network(structures, links)
    return suggest(network, focal, directory, PUBLICS, sector_labels=SECTORS, **options)


def _edges(*pairs):
    return [LinkIn(a, b, "existant", 2) for a, b in pairs]


def test_common_partners_give_one_point_each_up_to_three():
    structures = _structures((1, "F"), (2, "A"), (3, "B"), (4, "C"), (5, "D"), (6, "X"), (7, "Y"))
    links = _edges((1, 2), (1, 3), (1, 4), (1, 5), (6, 2), (6, 3), (7, 2), (7, 3), (7, 4), (7, 5))
    items = _suggest(structures, links)
    assert [(item.structure, item.score) for item in items] == [("Y", 3.0), ("X", 2.0)]
    y, x = items
    assert y.reason == "Coopère déjà avec 4 de vos partenaires, dont A, B et C."
    assert x.reason == "Coopère déjà avec A et B, deux de vos partenaires."
    assert x.shared == ["A", "B"]
    assert x.kind == "partenaires communs"
    assert x.on_map


def test_one_common_partner_is_a_reason_too():
    structures = _structures((1, "F"), (2, "A"), (3, "X"))
    (item,) = _suggest(structures, _edges((1, 2), (2, 3)))
    assert item.reason == "Coopère déjà avec A, l'un de vos partenaires."
    assert item.score == 1.0


def test_a_part_of_the_network_out_of_reach_is_a_structural_hole():
    """Two triangles joined by B – C: Louvain finds them (a planted partition)."""
    structures = _structures((1, "F"), (2, "A"), (3, "B"), (4, "C"), (5, "D"), (6, "E"))
    links = _edges((1, 2), (1, 3), (2, 3), (3, 4), (4, 5), (4, 6), (5, 6))
    analysis = analyse(structures, links, focal=1, sectors=list(SECTORS.items()))
    assert [c.members for c in analysis.communities] == [["A", "B", "F"], ["C", "D", "E"]]
    scores = {item.structure: item.score for item in analysis.suggestions}
    assert scores == {"C": 3.0, "D": 2.0, "E": 2.0}  # C: the hole (2) and B in common (1)
    d = next(item for item in analysis.suggestions if item.structure == "D")
    assert d.kind == "trou structural"
    assert d.reason == (
        "Relie une partie du réseau que vous n'atteignez pas : le groupe « Action sociale » "
        "(3 structures, avec C et E)."
    )


def test_a_complementary_sector_counts_alone_only_on_the_map_or_next_door():
    structures = _structures((1, "F"), (2, "A"), (3, "Santé sur la carte", "sante"))
    structures[0] = StructureIn(1, "F", "social", "45", commune="45147", epci="E1")
    directory = [
        *_structures(
            (20, "Santé dans l'EPCI", "sante", (), "45999", "E1"),
            (21, "Santé loin", "sante", (), "45001", "E9"),
            (22, "Action sociale dans l'EPCI", "social", (), "45998", "E1"),
        )
    ]
    items = _suggest(structures, _edges((1, 2)), directory=directory)
    assert [(item.structure, item.score, item.near) for item in items] == [
        ("Santé dans l'EPCI", 2.5, True),  # sector 1 + same EPCI 1.5
        ("Santé sur la carte", 1.0, False),  # on the map: the sector is enough; commune unknown
    ]
    structures[2] = StructureIn(3, "Santé sur la carte", "sante", "45", commune="45147", epci="E1")
    (item,) = _suggest(structures, _edges((1, 2)))
    assert item.reason == "Secteur « Santé » absent de vos partenaires. Même commune."
    assert [r.points for r in item.reasons] == [1.0, 2.0]


def test_same_publics_half_a_point_each_up_to_one_and_a_half():
    structures = _structures(
        (1, "F", "social", ("jeunes", "qpv", "seniors", "familles-monoparentales"))
    )
    directory = _structures(
        (20, "Deux publics", "social", ("jeunes", "qpv")),
        (21, "Quatre publics", "social", tuple(PUBLICS)),
        (22, "Aucun", "social", ("autres",)),
    )
    items = _suggest(structures, [], directory=directory)
    assert [(item.structure, item.score) for item in items] == [
        ("Quatre publics", 1.5),
        ("Deux publics", 1.0),
    ]
    assert items[1].reason == (
        "Accompagne les mêmes publics : jeunes de 16 à 25 ans sans emploi ni formation et QPV."
    )
    assert items[1].shared == ["jeunes", "qpv"]


def test_the_publics_of_the_focal_links_count():
    structures = _structures((1, "F"), (2, "A"))
    links = [LinkIn(1, 2, "existant", 1, publics=frozenset({"seniors"}))]
    directory = _structures((20, "Club seniors", "social", ("seniors",)))
    (item,) = _suggest(structures, links, directory=directory)
    assert item.structure == "Club seniors"
    assert item.kind == "mêmes publics"


def test_wishes_of_the_group_one_point_each_up_to_two():
    structures = _structures((1, "F"))
    directory = _structures((20, "Voulue par un"), (21, "Voulue par trois"), (22, "Personne"))
    items = _suggest(structures, [], directory=directory, wishes={20: 1, 21: 3})
    assert [(item.structure, item.score) for item in items] == [
        ("Voulue par trois", 2.0),
        ("Voulue par un", 1.0),
    ]
    assert items[0].reason == "Un lien avec elle est souhaité sur trois autres cartes du groupe."
    assert items[1].reason == "Un lien avec elle est souhaité sur une autre carte du groupe."


def test_near_structures_come_first_even_with_a_lower_score():
    structures = [StructureIn(1, "F", "social", "45", frozenset({"jeunes"}), "45147", "E1")]
    directory = [
        StructureIn(20, "Loin", "social", "45", frozenset({"jeunes"}), "45300", "E9"),
        StructureIn(21, "Voisine", "social", "45", frozenset({"jeunes"}), "45200", "E2"),
        StructureIn(22, "Même commune", "social", "45", frozenset({"jeunes"}), "45147", "E1"),
        StructureIn(23, "Même EPCI", "social", "45", frozenset({"jeunes"}), "45100", "E1"),
    ]
    proximity = Proximity(
        nearby_epcis=frozenset({"E2"}),
        names={"45147": "Fleury-les-Aubrais", "E1": "Orléans Métropole", "E2": "CC des Loges"},
    )
    items = _suggest(structures, [], directory=directory, proximity=proximity, wishes={20: 2})
    assert [(item.structure, item.score, item.near) for item in items] == [
        ("Même commune", 2.5, True),
        ("Même EPCI", 2.0, True),
        ("Voisine", 1.5, True),
        ("Loin", 2.5, False),  # a higher score than two near ones, but 70 km away
    ]
    assert items[0].reason.endswith("Même commune (Fleury-les-Aubrais).")
    assert items[1].reason.endswith("Même intercommunalité (Orléans Métropole).")
    assert items[2].reason.endswith("Intercommunalité voisine (CC des Loges).")
    assert [reason.kind for reason in items[3].reasons] == ["souhait du groupe", "mêmes publics"]


def test_without_an_epci_the_departement_is_near_enough():
    structures = _structures((1, "F", "social", ("jeunes",)))
    directory = _structures((20, "Ailleurs", "social", ("jeunes",)))
    directory.append(StructureIn(21, "Autre département", "social", "37", frozenset({"jeunes"})))
    (item,) = _suggest(structures, [], directory=directory)
    assert item.structure == "Ailleurs"
    assert item.near


def test_linked_wished_dismissed_and_placed_structures_are_left_out():
    structures = _structures((1, "F", "social", ("jeunes",)), (2, "A"), (3, "Souhaitée"))
    links = [*_edges((1, 2)), LinkIn(1, 3, "souhaite", None)]
    directory = _structures(
        (2, "A", "social", ("jeunes",)),  # already on the map and linked
        (20, "Écartée", "social", ("jeunes",)),
        (21, "Gardée", "social", ("jeunes",)),
    )
    items = _suggest(structures, links, directory=directory, exclude={20})
    assert [item.structure for item in items] == ["Gardée"]


def test_no_focal_no_suggestion():
    structures = _structures((1, "F"), (2, "A"), (3, "B"))
    assert analyse(structures, _edges((1, 2), (2, 3))).suggestions == []


def test_at_most_ten_the_score_is_the_sum_of_its_parts():
    structures = [StructureIn(1, "F", None, "45", frozenset({"jeunes", "qpv"}))]
    both, one = frozenset({"jeunes", "qpv"}), frozenset({"jeunes"})
    directory = [
        StructureIn(100 + n, f"Structure {n:02d}", None, "45", both if n % 2 else one)
        for n in range(12)
    ]
    items = analyse(structures, [], focal=1, directory=directory, publics=PUBLICS.items())
    items = items.suggestions
    assert len(items) == 10
    assert [item.score for item in items] == [1.0] * 6 + [0.5] * 4
    assert [item.structure for item in items[:2]] == ["Structure 01", "Structure 03"]
    for item in items:
        assert item.score == sum(reason.points for reason in item.reasons)
        assert item.reason == " ".join(reason.text for reason in item.reasons)


def test_the_directory_shortcut_ranks_as_the_full_scoring(monkeypatch):
    """Thousands of directory structures are ranked without writing their reasons: on a random
    département, every candidate gets the rank the full scoring gives it."""
    rng = random.Random(7)
    codes = list(PUBLICS)
    sectors = [*SECTORS, None]
    communes = [("45001", "E1"), ("45002", "E1"), ("45003", "E2"), ("45004", "E3"), (None, None)]

    def random_structure(sid: int, name: str) -> StructureIn:
        commune, epci = rng.choice(communes)
        publics = frozenset(rng.sample(codes, rng.randint(0, 3)))
        return StructureIn(sid, name, rng.choice(sectors), "45", publics, commune, epci)

    structures = [StructureIn(1, "F", "social", "45", frozenset({"jeunes", "qpv"}), "45001", "E1")]
    structures += [random_structure(n, f"P{n}") for n in range(2, 8)]
    links = _edges(*((1, n) for n in range(2, 6)), (6, 7))
    directory = [random_structure(n, f"D{n:03d}") for n in range(100, 500)]
    options = {
        "wishes": {n: rng.randint(1, 3) for n in rng.sample(range(100, 500), 40)},
        "proximity": Proximity(nearby_epcis=frozenset({"E2"})),
    }
    monkeypatch.setattr(suggestions, "MAX_SUGGESTIONS", 1000)
    fast = _suggest(structures, links, directory=directory, **options)

    def full(context, candidate):
        item = suggestions._suggestion(context, candidate, False, False)
        return suggestions._rank(item) if item else None

    monkeypatch.setattr(suggestions, "_directory_rank", full)
    slow = _suggest(structures, links, directory=directory, **options)
    assert len(fast) > 100
    assert fast == slow
