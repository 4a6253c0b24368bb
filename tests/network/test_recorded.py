"""What the trainee recorded beyond the links: PARTNER trust and value, Net-Map influence and
position, communities named by sector, E-I by sector — on graphs whose answers are known."""

import pytest

from allervers.network import LinkIn, StructureIn, aggregate, analyse
from allervers.network.aggregate import influence_gaps, rating_gaps
from allervers.network.export import export_graph

SECTORS = [("social", "Action sociale"), ("sante", "Santé"), ("emploi", "Emploi")]


def _rated_map():
    """F–A trust (4, 3, 2) value (1, 2, 3); F–B trust (2, 2, 2) value (4, 4, 4);
    A–B trust (3, 3, None): partial; F–C unrated; F–D wished, rated (not a link yet)."""
    structures = [StructureIn(n, name, "social") for n, name in enumerate("FABCD", 1)]
    links = [
        LinkIn(1, 2, "existant", 2, trust=(4, 3, 2), value=(1, 2, 3)),
        LinkIn(1, 3, "difficile", 1, trust=(2, 2, 2), value=(4, 4, 4)),
        LinkIn(2, 3, "existant", 1, trust=(3, 3, None)),
        LinkIn(1, 4, "existant", 0),
        LinkIn(1, 5, "souhaite", None, trust=(1, 1, 1), value=(1, 1, 1)),
    ]
    return structures, links


def test_partner_scores_per_link_structure_and_network():
    analysis = analyse(*_rated_map())
    ratings = {(r.source, r.target): (r.trust, r.value) for r in analysis.ratings}
    assert ratings == {("A", "F"): (3.0, 2.0), ("B", "F"): (2.0, 4.0)}
    rows = {row.name: row for row in analysis.structures}
    assert (rows["F"].trust, rows["F"].value, rows["F"].rated_links) == (2.5, 3.0, 2)
    assert (rows["A"].trust, rows["A"].value, rows["A"].rated_links) == (3.0, 2.0, 1)
    assert (rows["C"].trust, rows["C"].rated_links) == (None, 0)
    network = analysis.network
    assert (network.mean_trust, network.mean_value) == (2.5, 3.0)
    assert (network.trust_rated, network.value_rated, network.ratings_partial) == (2, 2, 1)


def test_scores_survive_json_and_exports():
    structures, links = _rated_map()
    analysis = analyse(structures, links)
    data = analysis.to_json()
    assert data["network"]["mean_trust"] == 2.5
    assert data["ratings"][0] == {
        "source": "A",
        "target": "F",
        "source_id": 2,
        "target_id": 1,
        "trust": 3.0,
        "value": 2.0,
    }
    back = type(analysis).from_json(data)
    assert back.ratings == analysis.ratings  # floats kept to 4 decimals
    assert [(r.trust, r.value, r.rated_links) for r in back.structures] == [
        (r.trust, r.value, r.rated_links) for r in analysis.structures
    ]
    graph = export_graph(structures, links)
    edges = {frozenset((edge.source, edge.target)): edge.values for edge in graph.edges}
    assert edges[frozenset((1, 2))]["trust"] == 3.0
    assert edges[frozenset((1, 4))]["trust"] is None  # unrated: left out of the file
    assert {node.id: node.values for node in graph.nodes}[1]["trust"] == 2.5


def test_ei_index_by_sector_on_a_small_example():
    """Social: S1–S2, S2–S3 inside, S1–H1 and S3–E1 outside → (2 − 2) / 4 = 0.
    Santé: H1–H2 inside, S1–H1 outside → (1 − 1) / 2 = 0 ... plus H2–E1 outside → (2−1)/3.
    Emploi: only outside (S3–E1, H2–E1) → +1."""
    names = {
        "S1": "social",
        "S2": "social",
        "S3": "social",
        "H1": "sante",
        "H2": "sante",
        "E1": "emploi",
        "X": None,
    }
    ids = {name: n for n, name in enumerate(names, 1)}
    structures = [StructureIn(ids[name], name, sector) for name, sector in names.items()]
    pairs = [
        ("S1", "S2"),
        ("S2", "S3"),
        ("S1", "H1"),
        ("S3", "E1"),
        ("H1", "H2"),
        ("H2", "E1"),
        ("X", "S1"),
    ]  # X has no sector: left out
    links = [LinkIn(ids[a], ids[b], "existant", 1) for a, b in pairs]
    mixes = {m.sector: m for m in analyse(structures, links, sectors=SECTORS).ei_by_sector}
    assert (mixes["social"].internal, mixes["social"].external) == (2, 2)
    assert mixes["social"].ei_index == 0.0
    assert mixes["sante"].ei_index == pytest.approx(1 / 3)
    assert mixes["emploi"].ei_index == 1.0
    assert [m.sector for m in analyse(structures, links, sectors=SECTORS).ei_by_sector] == [
        "social",
        "sante",
        "emploi",
    ]
    assert mixes["social"].label == "Action sociale"
    assert mixes["social"].structures == 3


def test_communities_of_a_planted_partition_named_by_their_sectors():
    """Three cliques of four joined by one link each: Louvain finds them."""
    sectors = ["social"] * 4 + ["sante", "sante", "sante", "social"] + ["emploi", "sante"] * 2
    structures = [StructureIn(n, f"S{n:02d}", sectors[n - 1]) for n in range(1, 13)]
    links = []
    for start in (1, 5, 9):
        block = range(start, start + 4)
        links += [LinkIn(a, b, "existant", 3) for a in block for b in block if a < b]
    links += [LinkIn(4, 5, "existant", 0), LinkIn(8, 9, "existant", 0)]
    communities = analyse(structures, links, sectors=SECTORS).communities
    members = sorted(tuple(c.member_ids) for c in communities)
    assert members == [(1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12)]
    labels = {c.member_ids[0]: c.label for c in communities}
    assert labels[1] == "Action sociale"
    assert labels[5] == "Santé"  # social has 1 of 4: under a third
    assert labels[9] == "Emploi et Santé"  # two each
    assert [c.number for c in communities] == [1, 2, 3]


def test_netmap_sentences_name_the_structures():
    structures = [
        StructureIn(1, "Moi", "social", influence=3, position="favorable"),
        StructureIn(2, "Préfecture", "social", influence=5, position="neutre"),
        StructureIn(3, "Centre social", "social", influence=1, position="moteur"),
        StructureIn(4, "Pivot", "social", influence=2, position="reserve"),
        StructureIn(5, "A", "social"),
        StructureIn(6, "B", "social"),
    ]
    # Moi – Pivot – A, Pivot – B, Pivot – Centre social: Pivot is central; the Préfecture alone.
    links = [
        LinkIn(1, 4, "existant", 2),
        LinkIn(4, 5, "existant", 2),
        LinkIn(4, 6, "existant", 2),
        LinkIn(4, 3, "existant", 1),
    ]
    analysis = analyse(structures, links, focal=1)
    rows = {row.name: row for row in analysis.structures}
    assert rows["Pivot"].network_influence == 1.0
    assert rows["Préfecture"].influence_declared == 5
    assert rows["Préfecture"].position == "neutre"
    sentences = analysis.netmap
    assert any(s.startswith("Jugées influentes") and "Préfecture" in s for s in sentences)
    assert any(
        s.startswith("Moteurs de l'aller-vers en marge") and "Centre social" in s for s in sentences
    )
    assert any(s.startswith("Structures réservées en position centrale : Pivot") for s in sentences)


def test_no_declared_influence_says_how_to_give_it():
    structures = [StructureIn(1, "A", None), StructureIn(2, "B", None)]
    analysis = analyse(structures, [LinkIn(1, 2, "existant", 1)])
    assert analysis.netmap == [
        "Aucune influence déclarée : notez-la (0 à 5) sur les fiches des structures pour la "
        "comparer à leur place dans le réseau."
    ]


def test_aggregate_spread_of_declared_influence_and_of_scores():
    def member(influence, trust, position):
        structures = [
            StructureIn(1, "CCAS", "social", influence=influence, position=position),
            StructureIn(2, "CAF", "social"),
        ]
        return structures, [LinkIn(1, 2, "existant", 2, trust=trust, value=(2, 2, 2))]

    maps = [
        member(1, (4, 4, 4), "moteur"),
        member(4, (1, 2, 3), "reserve"),
        member(2, (4, 4, 4), "reserve"),
        member(None, (4, 4, None), None),
    ]
    (gap,) = influence_gaps(maps)
    assert (gap.structure, gap.influences, gap.spread) == ("CCAS", [1, 2, 4], 3)
    (rating,) = rating_gaps(maps)  # value agrees everywhere; the partial trust is left out
    assert (rating.measure, rating.scores, rating.spread) == ("trust", [2.0, 4.0, 4.0], 2.0)
    structures, _links, _gaps = aggregate(maps)
    ccas = next(s for s in structures if s.name == "CCAS")
    assert ccas.influence == 2
    assert ccas.position == "reserve"
