"""Exports for other tools: GEXF 1.3 (Gephi) and GraphML, with every link and the measures.

Written with ElementTree rather than networkx's writers: those put graph attributes where the
GEXF schema has none (`name` on <graph>) and, on an undirected graph, swap the ends of a
one-way link. Both files validate against the published schemas.

- Nodes: a structure's id, its name as label, and its measures at full precision, computed
  here from the map's links (the cached analysis keeps 4 decimals): degree, weighted degree
  (the sum of its links' levels), betweenness, closeness, eigenvector, network influence,
  community, core number, Burt's constraint and effective size, articulation point, PARTNER
  trust and value, declared influence and position. A value that does not exist (the
  constraint of an isolated structure, an unrated trust) is left out, never written as -1.
- Edges: one per pair, from `source` to `target` as recorded. A one-way link (direction
  `a_vers_b`) is directed (GEXF `type="directed"`, GraphML `directed="true"`); the others
  are undirected, the graph's default: a mixed graph, as Gephi reads it.
- Weights: an existing or difficult link weighs its level + 1 (1 to 6), the tie strength the
  analysis uses for communities and eigenvector influence — level 0 « se connaître » is a
  link, and Gephi drops edges of weight 0. A wished link (`souhaite`, attribute
  `souhaite=true`, its `niveau_souhaite` beside) weighs WISHED_WEIGHT, next to nothing: it
  stays visible, and Gephi's weighted degree is that of the real links to the thousandth.
  Its plain degree counts wished links too: export « sans les liens souhaités »
  (`with_wished=False`) or filter on `souhaite` in Gephi to leave them out.
"""

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from allervers.network.graph import build_network
from allervers.network.measures import communities, structure_measures
from allervers.network.model import WISHED, LinkIn, StructureIn, item_score

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
WISHED_WEIGHT = 0.001
SEED = 42  # Louvain's, as in analyse()

# (attribute id, GEXF type) of each structure and each link: the ids are the columns in Gephi.
NODE_ATTRIBUTES = (
    ("sector", "string"),
    ("degree", "integer"),
    ("weighted_degree", "integer"),
    ("betweenness", "double"),
    ("closeness", "double"),
    ("eigenvector", "double"),
    ("network_influence", "double"),
    ("community", "integer"),
    ("core_number", "integer"),
    ("constraint", "double"),
    ("effective_size", "double"),
    ("is_articulation_point", "boolean"),
    ("trust", "double"),
    ("value", "double"),
    ("influence_declared", "integer"),
    ("position", "string"),
)
EDGE_ATTRIBUTES = (
    ("status", "string"),
    ("souhaite", "boolean"),
    ("level", "integer"),
    ("desired_level", "integer"),
    ("direction", "string"),
    ("trust", "double"),
    ("value", "double"),
)
GRAPHML_TYPES = {"string": "string", "integer": "int", "double": "double", "boolean": "boolean"}


@dataclass
class Node:
    id: int
    label: str
    values: dict


@dataclass
class Edge:
    source: int
    target: int
    directed: bool
    weight: float
    values: dict


@dataclass
class ExportedGraph:
    nodes: list[Node]
    edges: list[Edge]


def export_graph(
    structures: Sequence[StructureIn],
    links: Sequence[LinkIn],
    *,
    with_wished: bool = True,
    link_ratings: bool = True,
) -> ExportedGraph:
    """Every structure and every link (one per pair, merged as the analysis merges them), with
    the measures computed from them. `with_wished=False` leaves wished links out (the measures
    never count them); `link_ratings=False` leaves out each link's trust and value (an
    aggregate's link may be one person's)."""
    network = build_network(structures, links)
    rows = structure_measures(network, communities(network, SEED))
    nodes = [Node(row.id, row.name, _node_values(row)) for row in rows]
    edges = [
        _edge(link, link_ratings) for link in network.links if with_wished or link.status != WISHED
    ]
    return ExportedGraph(nodes, edges)


def _node_values(row) -> dict:
    values = {name: _finite(getattr(row, name)) for name, _type in NODE_ATTRIBUTES}
    values["sector"] = row.sector or None
    values["position"] = row.position or None
    return values


def _edge(link: LinkIn, link_ratings: bool) -> Edge:
    wished = link.status == WISHED
    values = {
        "status": link.status,
        "souhaite": wished,
        "level": link.level,
        "desired_level": link.desired_level,
        "direction": link.direction,
        "trust": item_score(link.trust) if link_ratings else None,
        "value": item_score(link.value) if link_ratings else None,
    }
    weight = WISHED_WEIGHT if wished else (link.level or 0) + 1
    return Edge(link.source, link.target, link.direction == "a_vers_b", weight, values)


def _finite(value):
    """NaN and infinities have no place in either schema's numbers: left out, like None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# ----- GEXF 1.3 -------------------------------------------------------------------------------


def to_gexf(graph: ExportedGraph) -> bytes:
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)
    root = ET.Element(_gexf("gexf"), {"version": "1.3"})
    meta = ET.SubElement(root, _gexf("meta"))
    ET.SubElement(meta, _gexf("creator")).text = "Aller-vers"
    ET.SubElement(meta, _gexf("description")).text = "Carte de coopération"
    element = ET.SubElement(
        root, _gexf("graph"), {"mode": "static", "defaultedgetype": "undirected"}
    )
    for kind, declared in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        attributes = ET.SubElement(element, _gexf("attributes"), {"class": kind, "mode": "static"})
        for name, kind_of_value in declared:
            ET.SubElement(
                attributes, _gexf("attribute"), {"id": name, "title": name, "type": kind_of_value}
            )
    nodes = ET.SubElement(element, _gexf("nodes"), {"count": str(len(graph.nodes))})
    for node in graph.nodes:
        item = ET.SubElement(nodes, _gexf("node"), {"id": str(node.id), "label": node.label})
        _gexf_values(item, node.values)
    edges = ET.SubElement(element, _gexf("edges"), {"count": str(len(graph.edges))})
    for number, edge in enumerate(graph.edges):
        attributes = {
            "id": str(number),
            "source": str(edge.source),
            "target": str(edge.target),
            "weight": _text(edge.weight),
        }
        if edge.directed:
            attributes["type"] = "directed"
        _gexf_values(ET.SubElement(edges, _gexf("edge"), attributes), edge.values)
    return _document(root)


def _gexf(tag: str) -> str:
    return f"{{{GEXF_NS}}}{tag}"


def _gexf_values(item: ET.Element, values: dict) -> None:
    present = [(name, value) for name, value in values.items() if value is not None]
    if present:
        attvalues = ET.SubElement(item, _gexf("attvalues"))
        for name, value in present:
            ET.SubElement(attvalues, _gexf("attvalue"), {"for": name, "value": _text(value)})


# ----- GraphML --------------------------------------------------------------------------------


def to_graphml(graph: ExportedGraph) -> bytes:
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(_graphml("graphml"))
    keys = {}
    declared = [("node", "label", "string"), ("edge", "weight", "double")]
    declared += [("node", name, kind) for name, kind in NODE_ATTRIBUTES]
    declared += [("edge", name, kind) for name, kind in EDGE_ATTRIBUTES]
    for number, (owner, name, kind) in enumerate(declared):
        keys[owner, name] = f"d{number}"
        ET.SubElement(
            root,
            _graphml("key"),
            {
                "id": f"d{number}",
                "for": owner,
                "attr.name": name,
                "attr.type": GRAPHML_TYPES[kind],
            },
        )
    element = ET.SubElement(root, _graphml("graph"), {"id": "G", "edgedefault": "undirected"})
    for node in graph.nodes:
        item = ET.SubElement(element, _graphml("node"), {"id": str(node.id)})
        _graphml_values(item, "node", {"label": node.label, **node.values}, keys)
    for number, edge in enumerate(graph.edges):
        attributes = {"id": f"e{number}", "source": str(edge.source), "target": str(edge.target)}
        if edge.directed:
            attributes["directed"] = "true"
        item = ET.SubElement(element, _graphml("edge"), attributes)
        _graphml_values(item, "edge", {"weight": edge.weight, **edge.values}, keys)
    return _document(root)


def _graphml(tag: str) -> str:
    return f"{{{GRAPHML_NS}}}{tag}"


def _graphml_values(item: ET.Element, owner: str, values: dict, keys: dict) -> None:
    for name, value in values.items():
        if value is not None:
            ET.SubElement(item, _graphml("data"), {"key": keys[owner, name]}).text = _text(value)


# ----- shared ---------------------------------------------------------------------------------


def _text(value) -> str:
    """XML Schema's lexical forms: `true`, `3`, `0.3333333333333333` (repr: every digit)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _document(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
