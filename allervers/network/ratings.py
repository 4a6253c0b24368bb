"""Trust and value scores as PARTNER computes them, on each link's three items (1–4).

PARTNER (Varda, Chandra, Stern and Lurie 2008, « Core dimensions of connectivity in public
health collaboratives », J Public Health Manag Pract 14(5); the PARTNER tool of the University
of Colorado Denver) asks, for each relationship, three trust items (reliability, support of the
mission, openness to discussion) and three value items (power/influence, level of involvement,
resource contribution), each on 1–4. A relationship's trust score is the mean of its three trust
items, its value score the mean of its three value items; an organisation's score is the mean of
the scores of its relationships; the network's, the mean over all scored relationships.

Here the relationships are the map's existing and difficult links (wished links do not exist
yet). A score needs its three items, as in PARTNER's questionnaire: a link rated on one or two
items only counts as « partial » and is left out of the means (the page says how many).
"""

import statistics

from allervers.network.graph import Network
from allervers.network.model import LinkRating, Ratings, item_score


def is_partial(items: Ratings) -> bool:
    rated = sum(item is not None for item in items)
    return 0 < rated < len(items)


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def link_ratings(network: Network) -> list[LinkRating]:
    """The scored links (at least one of the two scores), in name order; computed once per
    network (the structures' scores, the network's and the page's list share them)."""
    if "ratings" not in network.memo:
        network.memo["ratings"] = _link_ratings(network)
    return network.memo["ratings"]


def _link_ratings(network: Network) -> list[LinkRating]:
    rows = []
    for link in network.links:
        if not link.is_edge:
            continue
        trust, value = item_score(link.trust), item_score(link.value)
        if trust is None and value is None:
            continue
        source, target = sorted(link.pair, key=network.key)
        rows.append(
            LinkRating(
                source=network.name(source),
                target=network.name(target),
                source_id=source,
                target_id=target,
                trust=trust,
                value=value,
            )
        )
    return rows


def structure_scores(network: Network) -> dict[int, tuple[float | None, float | None, int]]:
    """Per structure: (trust, value, number of its links with at least one score)."""
    trust: dict[int, list[float]] = {node: [] for node in network.structures}
    value: dict[int, list[float]] = {node: [] for node in network.structures}
    rated: dict[int, int] = dict.fromkeys(network.structures, 0)
    for row in link_ratings(network):
        for node in (row.source_id, row.target_id):
            rated[node] += 1
            if row.trust is not None:
                trust[node].append(row.trust)
            if row.value is not None:
                value[node].append(row.value)
    return {node: (_mean(trust[node]), _mean(value[node]), rated[node]) for node in rated}


def network_scores(network: Network) -> dict[str, float | int | None]:
    """mean_trust, mean_value (PARTNER's network scores), trust_rated, value_rated and
    ratings_partial (links with some items only)."""
    rows = link_ratings(network)
    trusts = [row.trust for row in rows if row.trust is not None]
    values = [row.value for row in rows if row.value is not None]
    edges = [link for link in network.links if link.is_edge]
    partial = sum(1 for link in edges if is_partial(link.trust) or is_partial(link.value))
    return {
        "mean_trust": _mean(trusts),
        "mean_value": _mean(values),
        "trust_rated": len(trusts),
        "value_rated": len(values),
        "ratings_partial": partial,
    }
