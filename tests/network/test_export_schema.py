"""GEXF and GraphML exports: valid against the published schemas, direction, wished links and
the measures at full precision, read with a plain XML parser as Gephi would."""

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from allervers.network import LinkIn, StructureIn
from allervers.network.export import (
    WISHED_WEIGHT,
    export_graph,
    to_gexf,
    to_graphml,
)

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "schemas"
GEXF = "{http://gexf.net/1.3}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"

STRUCTURES = [
    StructureIn(1, "CCAS d'Orléans", "social", influence=4, position="moteur"),
    StructureIn(2, "CAF du Loiret", "social"),
    StructureIn(3, "Mission locale", "emploi"),
    StructureIn(4, "Épicerie solidaire", None),
    StructureIn(5, "Isolée", "sante"),
]
LINKS = [
    # one-way from the CAF (id 2) to the CCAS (id 1): an undirected graph would write 1 → 2
    LinkIn(2, 1, "existant", 3, direction="a_vers_b", trust=(3, 4, 4), value=(2, 2, 2)),
    LinkIn(1, 3, "existant", 0),
    LinkIn(3, 2, "difficile", 2),
    LinkIn(4, 1, "souhaite", None, desired_level=4, direction="a_vers_b"),
]


def schema(*parts: str):
    if not SCHEMAS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Schemas missing at {SCHEMAS}: clone ../shared beside the repository.")
        pytest.skip(f"the published schemas are not beside the repository ({SCHEMAS})")
    etree = pytest.importorskip("lxml.etree")
    return etree.XMLSchema(etree.parse(str(SCHEMAS.joinpath(*parts))))


def validate(xml_schema, document: bytes) -> None:
    from lxml import etree

    tree = etree.fromstring(document)
    assert xml_schema.validate(tree), xml_schema.error_log


def graph(**options):
    return export_graph(STRUCTURES, LINKS, **options)


def gexf_edges(document: bytes) -> list[dict]:
    root = ET.fromstring(document)
    edges = []
    for edge in root.iter(f"{GEXF}edge"):
        values = {v.get("for"): v.get("value") for v in edge.iter(f"{GEXF}attvalue")}
        edges.append({**edge.attrib, **values})
    return edges


def gexf_nodes(document: bytes) -> dict[str, dict]:
    root = ET.fromstring(document)
    return {
        node.get("label"): {v.get("for"): v.get("value") for v in node.iter(f"{GEXF}attvalue")}
        for node in root.iter(f"{GEXF}node")
    }


def test_gexf_validates_against_the_gexf_1_3_schema():
    validate(schema("gexf-1.3", "gexf.xsd"), to_gexf(graph()))
    validate(schema("gexf-1.3", "gexf.xsd"), to_gexf(graph(with_wished=False)))


def test_graphml_validates_against_the_graphml_schema():
    validate(schema("graphml", "graphml.xsd"), to_graphml(graph()))


def test_networkx_gexf_fails_the_schema_where_ours_passes():
    """What the issue found: networkx writes graph attributes (`name`) the schema refuses."""
    xml_schema = schema("gexf-1.2draft", "gexf.xsd")
    from io import BytesIO

    from lxml import etree

    nx_graph = nx.Graph(name="carte")
    nx_graph.add_edge(1, 2)
    buffer = BytesIO()
    nx.write_gexf(nx_graph, buffer)
    assert not xml_schema.validate(etree.fromstring(buffer.getvalue()))


def test_a_one_way_link_keeps_its_source_and_target_in_gexf():
    edges = gexf_edges(to_gexf(graph()))
    one_way = next(edge for edge in edges if edge["level"] == "3")
    assert (one_way["source"], one_way["target"]) == ("2", "1")
    assert one_way["type"] == "directed"
    mutual = next(edge for edge in edges if edge["level"] == "0")
    assert "type" not in mutual  # the graph's default, undirected
    root = ET.fromstring(to_gexf(graph()))
    assert root.find(f"{GEXF}graph").get("defaultedgetype") == "undirected"


def test_a_one_way_link_keeps_its_source_and_target_in_graphml():
    root = ET.fromstring(to_graphml(graph()))
    assert root.find(f"{GRAPHML}graph").get("edgedefault") == "undirected"
    ends = {
        (edge.get("source"), edge.get("target")): edge.get("directed")
        for edge in root.iter(f"{GRAPHML}edge")
    }
    assert ends[("2", "1")] == "true"
    assert ends[("4", "1")] == "true"  # the wished one-way link too
    assert ends[("1", "3")] is None


def test_wished_links_are_marked_weigh_almost_nothing_and_can_be_left_out():
    edges = gexf_edges(to_gexf(graph()))
    wished = next(edge for edge in edges if edge["status"] == "souhaite")
    assert wished["souhaite"] == "true"
    assert wished["desired_level"] == "4"
    assert "level" not in wished
    assert float(wished["weight"]) == WISHED_WEIGHT
    others = [edge for edge in edges if edge["status"] != "souhaite"]
    assert {edge["souhaite"] for edge in others} == {"false"}
    # weight = level + 1: level 0 « se connaître » weighs 1 (Gephi drops weight 0)
    assert sorted(float(edge["weight"]) for edge in others) == [1.0, 3.0, 4.0]
    without = gexf_edges(to_gexf(graph(with_wished=False)))
    assert sorted(edge["status"] for edge in without) == ["difficile", "existant", "existant"]
    assert len(gexf_nodes(to_gexf(graph(with_wished=False)))) == 5  # every structure stays


def test_measures_are_written_at_full_precision_with_the_structural_holes():
    nodes = gexf_nodes(to_gexf(graph()))
    reference = nx.Graph([(2, 1), (1, 3), (3, 2)])
    reference.add_nodes_from([4, 5])
    ccas = nodes["CCAS d'Orléans"]
    assert float(ccas["constraint"]) == nx.constraint(reference)[1]
    assert float(ccas["effective_size"]) == nx.effective_size(reference)[1]
    assert ccas["weighted_degree"] == "3"  # levels 3 + 0, the wished link counts nothing
    assert ccas["degree"] == "2"
    assert ccas["influence_declared"] == "4"
    assert ccas["position"] == "moteur"
    caf = nodes["CAF du Loiret"]
    assert float(caf["closeness"]) == pytest.approx(2 / 4 * 1.0, abs=0)  # 2 of 4 others, at 1
    assert float(caf["trust"]) == pytest.approx(11 / 3)
    assert len(caf["trust"]) > 8  # not rounded to 4 decimals
    isolated = nodes["Isolée"]
    assert "constraint" not in isolated  # none for an isolated structure, not -1
    assert isolated["degree"] == "0"
    assert "sector" not in nodes["Épicerie solidaire"]


def test_link_ratings_can_be_left_out():
    edges = gexf_edges(to_gexf(graph(link_ratings=False)))
    assert not any("trust" in edge for edge in edges)
    with_ratings = gexf_edges(to_gexf(graph()))
    assert any("trust" in edge for edge in with_ratings)


def test_names_are_escaped_and_control_free():
    structures = [StructureIn(1, 'A & <B> "C"', None), StructureIn(2, "D", None)]
    document = to_gexf(export_graph(structures, [LinkIn(1, 2, "existant", 1)]))
    assert gexf_nodes(document).keys() == {'A & <B> "C"', "D"}
    validate(schema("gexf-1.3", "gexf.xsd"), document)
