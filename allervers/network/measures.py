"""Measures per structure and for the whole network."""

import math
import statistics
import warnings
from collections.abc import Hashable

import igraph
import networkx as nx

from allervers.network.graph import Network
from allervers.network.model import (
    Community,
    NetworkMeasures,
    SectorMix,
    StructureMeasures,
    name_key,
)
from allervers.network.ratings import network_scores, structure_scores


def communities(network: Network, seed: int) -> list[set[int]]:
    """Louvain groups numbered by size (largest first), then by their first name in French order.

    The partition uses the tie strength (`weight`): structures that work closely together
    fall into the same group.
    """
    graph = network.graph
    groups = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    return sorted(groups, key=lambda group: (-len(group), min(network.key(node) for node in group)))


EIGENVECTOR_MAX_ITER = 1000
EIGENVECTOR_TOL = 1e-6


# Above this size igraph's ARPACK solver computes eigenvector influence (8 ms instead of 1 s
# for a 2,700-structure territory, 2 ms instead of 30 to 100 ms for a group's 350); tests
# check it agrees with networkx's power iteration, which stays the reference for one map.
EIGENVECTOR_IGRAPH_ABOVE = 100


def eigenvector(graph: nx.Graph) -> dict[Hashable, float]:
    """Eigenvector centrality on the tie strength, over the structures that have links,
    scaled to unit length as networkx does.

    Isolates get 0. When networkx's power iteration does not converge (after 1000 steps), the
    degree scaled to unit length stands in.
    """
    values = dict.fromkeys(graph, 0.0)
    linked = graph.subgraph([node for node in graph if graph.degree(node)]).copy()  # views are slow
    if not linked:
        return values
    if len(linked) > EIGENVECTOR_IGRAPH_ABOVE:
        values.update(_igraph_eigenvector(linked))
        return values
    try:
        values.update(
            nx.eigenvector_centrality(
                linked, max_iter=EIGENVECTOR_MAX_ITER, tol=EIGENVECTOR_TOL, weight="weight"
            )
        )
    except nx.PowerIterationFailedConvergence:
        norm = math.sqrt(sum(linked.degree(node) ** 2 for node in linked))
        values.update({node: linked.degree(node) / norm for node in linked})
    return values


def _igraph_eigenvector(linked: nx.Graph) -> dict[Hashable, float]:
    nodes = list(linked)
    index = {node: position for position, node in enumerate(nodes)}
    edges = list(linked.edges(data="weight"))
    shared = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b, _w in edges])
    with warnings.catch_warnings():
        # igraph warns that pieces apart from the main one score ~0: so does networkx
        warnings.simplefilter("ignore", RuntimeWarning)
        raw = shared.eigenvector_centrality(weights=[weight for _a, _b, weight in edges])
    norm = math.sqrt(sum(value * value for value in raw)) or 1.0
    return {node: raw[position] / norm for position, node in enumerate(nodes)}


def paths(graph: nx.Graph) -> tuple[dict[Hashable, float], dict[Hashable, float]]:
    """Betweenness (normalised, endpoints excluded) and closeness (Wasserman–Faust), with
    networkx's definitions but computed by igraph: exact betweenness of a 2,000-structure
    territory takes 0.3 s there instead of 9 s (tests check both libraries agree).

    igraph counts each pair once and scores closeness within a structure's own component;
    networkx divides betweenness by (n − 1)(n − 2)/2 and scales closeness by the share of the
    other structures the component reaches, (r − 1)/(n − 1).
    """
    nodes = list(graph)
    n = len(nodes)
    if n < 2:
        return dict.fromkeys(nodes, 0.0), dict.fromkeys(nodes, 0.0)
    index = {node: position for position, node in enumerate(nodes)}
    shared = igraph.Graph(n=n, edges=[(index[a], index[b]) for a, b in graph.edges()])
    pairs = (n - 1) * (n - 2) / 2
    raw_betweenness = shared.betweenness(directed=False)
    raw_closeness = shared.closeness(normalized=True)
    reach = [0] * n
    for component in shared.connected_components():
        for position in component:
            reach[position] = len(component)
    betweenness, closeness = {}, {}
    for position, node in enumerate(nodes):
        betweenness[node] = raw_betweenness[position] / pairs if pairs else 0.0
        value = raw_closeness[position]
        closeness[node] = 0.0 if math.isnan(value) else value * (reach[position] - 1) / (n - 1)
    return betweenness, closeness


def burt(graph: nx.Graph, node: Hashable) -> tuple[float | None, float | None]:
    """Burt's constraint and effective size of one structure, from its neighbourhood only.

    On the unweighted graph, the share of a structure's ties going to one partner is
    p_ij = 1/deg(i). Constraint c_i = Σ_j (p_ij + Σ_q p_iq·p_qj)², j over its partners and q over
    the partners it shares with j. Effective size = n − 2t/n (Borgatti), n partners, t links
    among them. Both are None for an isolated structure. Equal to networkx's `constraint` and
    `effective_size`, without building anything wider than the neighbourhood.
    """
    partners = graph.adj[node]
    size = len(partners)
    if not size:
        return None, None
    mine = set(partners)
    constraint = 0.0
    shared_total = 0
    for partner in partners:
        shared = mine.intersection(graph.adj[partner])
        shared_total += len(shared)
        indirect = sum(1 / len(graph.adj[other]) for other in shared) / size
        constraint += (1 / size + indirect) ** 2
    return constraint, size - shared_total / size


def structure_measures(network: Network, groups: list[set[int]]) -> list[StructureMeasures]:
    graph = network.graph
    betweenness, closeness = paths(graph)
    influence = eigenvector(graph)
    cores = nx.core_number(graph)
    articulation = set(nx.articulation_points(graph))
    community_of = {node: number for number, group in enumerate(groups, 1) for node in group}
    highest = max(influence.values(), default=0.0)
    scores = structure_scores(network)
    rows = []
    for node in sorted(graph, key=network.key):
        constraint, effective_size = burt(graph, node)
        structure = network.structures[node]
        trust, value, rated = scores[node]
        rows.append(
            StructureMeasures(
                id=node,
                name=structure.name,
                sector=structure.sector or None,
                degree=graph.degree(node),
                weighted_degree=sum(level or 0 for *_ends, level in graph.edges(node, "level")),
                betweenness=betweenness[node],
                closeness=closeness[node],
                eigenvector=influence[node],
                community=community_of[node],
                constraint=constraint,
                effective_size=effective_size,
                is_articulation_point=node in articulation,
                core_number=cores[node],
                influence_declared=structure.influence,
                position=structure.position,
                network_influence=influence[node] / highest if highest > 0 else 0.0,
                trust=trust,
                value=value,
                rated_links=rated,
            )
        )
    return rows


def degree_centralization(graph: nx.Graph) -> float:
    """Freeman: Σ (d_max − d_i) / ((n − 1)(n − 2)); 1 for a star, 0 when all degrees are equal."""
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [degree for _node, degree in graph.degree()]
    top = max(degrees)
    return sum(top - degree for degree in degrees) / ((n - 1) * (n - 2))


def sector_mix(graph: nx.Graph) -> tuple[float | None, float | None]:
    """Share of cross-sector links and Krackhardt's E-I index, over links whose two ends have a
    known sector: E links between sectors, I within one; share = E/(E+I), EI = (E−I)/(E+I)."""
    external = internal = 0
    for left, right in graph.edges():
        first, second = graph.nodes[left]["sector"], graph.nodes[right]["sector"]
        if first and second:
            if first == second:
                internal += 1
            else:
                external += 1
    total = external + internal
    if not total:
        return None, None
    return external / total, (external - internal) / total


def _mean(values: list[int]) -> float | None:
    return statistics.fmean(values) if values else None


def ei_by_sector(graph: nx.Graph, labels: dict[str, str]) -> list[SectorMix]:
    """Krackhardt's E-I index of each sector present at an end of a link: E its links to
    structures of another (known) sector, I its links inside; (E − I) / (E + I), from −1
    (only inside) to +1 (only outside). Most inward-looking first."""
    internal: dict[str, int] = {}
    external: dict[str, int] = {}
    for left, right in graph.edges():
        first, second = graph.nodes[left]["sector"], graph.nodes[right]["sector"]
        if not (first and second):
            continue
        if first == second:
            internal[first] = internal.get(first, 0) + 1
        else:
            for sector in (first, second):
                external[sector] = external.get(sector, 0) + 1
    counts: dict[str, int] = {}
    for node in graph:
        sector = graph.nodes[node]["sector"]
        if sector:
            counts[sector] = counts.get(sector, 0) + 1
    rows = []
    for sector in set(internal) | set(external):
        inside, outside = internal.get(sector, 0), external.get(sector, 0)
        rows.append(
            SectorMix(
                sector=sector,
                label=labels.get(sector, sector),
                structures=counts.get(sector, 0),
                internal=inside,
                external=outside,
                ei_index=(outside - inside) / (outside + inside),
            )
        )
    rows.sort(key=lambda row: (row.ei_index, name_key(row.label)))
    return rows


# A sector names a community when it holds at least this share of its members (and two of
# them, or one in a pair); a community where no sector does is « secteurs variés ».
NAMING_SHARE = 1 / 3


def community_list(
    network: Network, groups: list[set[int]], labels: dict[str, str]
) -> list[Community]:
    """The groups of two structures or more, each named by its dominant sectors."""
    result = []
    for number, group in enumerate(groups, 1):
        if len(group) < 2:
            continue
        members = sorted(group, key=network.key)
        counts: dict[str, int] = {}
        for node in members:
            sector = network.structures[node].sector
            if sector:
                counts[sector] = counts.get(sector, 0) + 1
        ranked = sorted(counts, key=lambda code: (-counts[code], name_key(labels.get(code, code))))
        least = max(1 if len(members) == 2 else 2, NAMING_SHARE * len(members))
        dominant = [code for code in ranked[:2] if counts[code] >= least]
        result.append(
            Community(
                number=number,
                label=_community_label(dominant, counts, labels),
                sectors=dominant,
                members=[network.name(node) for node in members],
                member_ids=members,
            )
        )
    return result


def _community_label(dominant: list[str], counts: dict, labels: dict) -> str:
    if dominant:
        return " et ".join(labels.get(code, code) for code in dominant)
    return "secteurs variés" if counts else "secteurs non précisés"


def network_measures(network: Network, groups: list[set[int]]) -> NetworkMeasures:
    graph = network.graph
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    edges = [link for link in network.links if link.is_edge]
    components = list(nx.connected_components(graph))
    bridges = [
        tuple(sorted((network.name(a), network.name(b)), key=name_key)) for a, b in network.bridges
    ]
    cross_share, ei = sector_mix(graph)
    wished = len(network.wished)
    all_links = m + wished
    return NetworkMeasures(
        nodes=n,
        links=m,
        density=nx.density(graph),
        average_degree=2 * m / n if n else 0.0,
        degree_centralization=degree_centralization(graph),
        components=len(components),
        largest_component=max((len(c) for c in components), default=0),
        isolates=nx.number_of_isolates(graph),
        bridges=sorted(bridges, key=lambda pair: (name_key(pair[0]), name_key(pair[1]))),
        communities=sum(1 for group in groups if len(group) > 1),
        modularity=nx.community.modularity(graph, groups, weight="weight") if m else 0.0,
        clustering=nx.average_clustering(graph) if n else 0.0,
        cross_sector_share=cross_share,
        ei_index=ei,
        difficult_links=sum(1 for link in edges if link.status == "difficile"),
        mean_level=_mean([link.level for link in edges if link.level is not None]),
        wished_links=wished,
        wished_share=wished / all_links if all_links else None,
        **network_scores(network),
    )
