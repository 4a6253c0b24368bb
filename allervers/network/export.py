"""Exports for other tools: GEXF (Gephi) and GraphML, with every link and the measures."""

import io

import networkx as nx

from allervers.network.model import Analysis, LinkIn, StructureIn, item_score

MEASURES = ("degree", "betweenness", "closeness", "eigenvector", "community", "core_number")
# Absent values: GEXF and GraphML want none, and -1 is outside every scale used here.
MISSING = -1


def export_graph(
    structures: list[StructureIn], links: list[LinkIn], analysis: Analysis | None = None
) -> nx.Graph:
    """All structures and all links (wished ones too, with their status): nothing is left out,
    so the file can be filtered in the other tool. GEXF and GraphML want no None values."""
    graph = nx.Graph()
    measures = {row.id: row for row in analysis.structures} if analysis else {}
    for structure in structures:
        attributes = {"label": structure.name, "sector": structure.sector or ""}
        row = measures.get(structure.id)
        if row is not None:
            attributes.update({name: getattr(row, name) for name in MEASURES})
            attributes["is_articulation_point"] = row.is_articulation_point
            for name in ("trust", "value"):
                score = getattr(row, name)
                attributes[name] = float(MISSING) if score is None else score
        attributes["influence_declared"] = (
            MISSING if structure.influence is None else structure.influence
        )
        attributes["position"] = structure.position or ""
        graph.add_node(structure.id, **attributes)
    for link in links:
        if link.source in graph and link.target in graph and link.source != link.target:
            graph.add_edge(
                link.source,
                link.target,
                status=link.status,
                level=-1 if link.level is None else link.level,
                desired_level=-1 if link.desired_level is None else link.desired_level,
                direction=link.direction,
                weight=(link.level or 0) + 1,
                trust=_score(link.trust),
                value=_score(link.value),
            )
    return graph


def to_gexf(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer)
    return buffer.getvalue()


def to_graphml(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    return buffer.getvalue()


def _score(items) -> float:
    score = item_score(items)
    return float(MISSING) if score is None else score
