"""Same input, same output; the JSON shape; maps too small to measure."""

import json
import math
import random

import networkx as nx
import pytest

from allervers.network import EXPLANATIONS, Analysis, LinkIn, StructureIn, analyse
from tests.network.graphs import from_graph

SECTOR_CODES = ["social", "droits", "emploi", "sante", "logement", None]
NETWORK_KEYS = {
    "nodes",
    "links",
    "density",
    "components",
    "isolates",
    "degree_centralization",
    "modularity",
    "clustering",
    "cross_sector_share",
    "ei_index",
    "wished_links",
    "bridges",
    "mean_level",
    "mean_trust",
    "mean_value",
    "wished_share",
}
STRUCTURE_KEYS = {
    "id",
    "name",
    "sector",
    "degree",
    "weighted_degree",
    "betweenness",
    "closeness",
    "eigenvector",
    "community",
    "constraint",
    "effective_size",
    "is_articulation_point",
    "core_number",
}


def random_map(seed: int, nodes: int = 60, edges: int = 140):
    rng = random.Random(seed)
    structures = [
        StructureIn(
            n,
            f"Structure {n:03d}",
            rng.choice(SECTOR_CODES),
            "45",
            frozenset(rng.sample(["jeunes", "qpv", "handicap", "ruraux"], 2)),
        )
        for n in range(1, nodes + 1)
    ]
    pairs = set()
    while len(pairs) < edges:
        a, b = rng.sample(range(1, nodes + 1), 2)
        pairs.add((min(a, b), max(a, b)))
    links = []
    for a, b in sorted(pairs):
        status = rng.choice(["existant", "existant", "existant", "difficile", "souhaite"])
        level = None if status == "souhaite" else rng.randint(0, 5)
        links.append(
            LinkIn(
                a,
                b,
                status,
                level,
                desired_level=rng.choice([None, rng.randint(0, 5)]),
                feasibility=rng.choice([None, "facile", "possible", "difficile"]),
                trust=(rng.choice([None, 1, 2, 3, 4]), None, rng.choice([None, 2, 3])),
            )
        )
    directory = [
        StructureIn(1000 + n, f"Annuaire {n}", None, "45", frozenset({"jeunes"})) for n in range(5)
    ]
    return structures, links, directory


def _run(structures, links, directory):
    return analyse(
        structures,
        links,
        focal=1,
        directory=directory,
        sectors=[("social", "Action sociale"), ("justice", "Justice")],
    ).to_json()


def test_same_input_same_output():
    structures, links, directory = random_map(1)
    assert _run(structures, links, directory) == _run(structures, links, directory)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_input_order_does_not_matter(seed):
    structures, links, directory = random_map(seed)
    expected = _run(structures, links, directory)
    rng = random.Random(seed)
    rng.shuffle(structures)
    rng.shuffle(links)
    rng.shuffle(directory)
    assert _run(structures, links, directory) == expected


def test_karate_communities_do_not_depend_on_the_input_order():
    structures, links = from_graph(nx.karate_club_graph())
    expected = analyse(structures, links).to_json()
    assert analyse(structures[::-1], links[::-1]).to_json() == expected


def test_json_keys_and_no_nan():
    structures, links, directory = random_map(4)
    data = _run(structures, links, directory)
    assert {"network", "structures", "gaps", "suggestions", "diagnostic", "explanations"} <= set(
        data
    )
    assert data["network"].keys() >= NETWORK_KEYS
    assert all(row.keys() >= STRUCTURE_KEYS for row in data["structures"])
    assert all({"structure", "score", "reason"} <= row.keys() for row in data["suggestions"])
    assert all(isinstance(sentence, str) for sentence in data["diagnostic"])
    json.dumps(data, allow_nan=False)  # raises on NaN or infinity

    def floats(value):
        if isinstance(value, float):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from floats(item)
        elif isinstance(value, list):
            for item in value:
                yield from floats(item)

    assert all(round(number, 4) == number and math.isfinite(number) for number in floats(data))


def test_structures_come_in_name_order():
    structures = [StructureIn(1, "Épicerie solidaire", None), StructureIn(2, "CAF", None)]
    structures.append(StructureIn(3, "emmaüs", None))
    names = [row.name for row in analyse(structures, []).structures]
    assert names == ["CAF", "emmaüs", "Épicerie solidaire"]


def test_every_measure_is_explained():
    structures, links, directory = random_map(5, nodes=10, edges=12)
    data = _run(structures, links, directory)
    measures = (set(data["network"]) | set(data["structures"][0])) - {"id", "name", "sector"}
    assert measures <= set(EXPLANATIONS)
    assert "passeur" in EXPLANATIONS["betweenness"].lower()
    assert "point de fragilité" in EXPLANATIONS["is_articulation_point"].lower()
    assert "dense ou clairsemé" in EXPLANATIONS["density"]


def test_empty_map():
    result = analyse([], [], focal=1, sectors=[("social", "Action sociale")])
    assert result.network.nodes == 0
    assert result.network.density == 0.0
    assert result.structures == result.gaps == result.suggestions == []
    assert result.diagnostic == ["La carte ne compte encore aucune structure."]
    json.dumps(result.to_json(), allow_nan=False)


def test_single_structure():
    result = analyse([StructureIn(1, "CCAS", "social")], [], focal=1)
    (row,) = result.structures
    assert (row.degree, row.community, row.core_number) == (0, 1, 0)
    assert (row.constraint, row.effective_size) == (None, None)
    assert (result.network.isolates, result.network.components) == (1, 1)
    assert result.network.modularity == 0.0
    assert result.network.wished_share is None
    assert result.diagnostic == ["La carte compte une structure et aucun lien existant."]
    json.dumps(result.to_json(), allow_nan=False)


def test_an_analysis_comes_back_whole_from_its_json():
    graph = nx.florentine_families_graph()
    structures, links = from_graph(graph)
    result = analyse(structures, links, focal=1)
    again = Analysis.from_json(result.to_json())
    assert again.to_json() == result.to_json()
    assert again.structures[0].name == result.structures[0].name
    assert again.network.bridges == [tuple(pair) for pair in result.network.bridges]
