"""Before/after: what changed between two snapshots of a map."""

from collections.abc import Sequence
from dataclasses import fields

from allervers.network.graph import Network, build_network
from allervers.network.measures import communities, network_measures
from allervers.network.model import (
    WISHED,
    Comparison,
    LinkIn,
    NetworkMeasures,
    PairChange,
    StructureIn,
    name_key,
)

Snapshot = tuple[Sequence[StructureIn], Sequence[LinkIn]]


def _measures(network: Network, seed: int) -> NetworkMeasures:
    return network_measures(network, communities(network, seed))


def _sectors(network: Network) -> set[str]:
    graph = network.graph
    return {graph.nodes[node]["sector"] for node in graph if graph.degree(node)} - {None}


def deltas(before: NetworkMeasures, after: NetworkMeasures) -> dict[str, float | None]:
    """after − before for every numeric measure; None when either side has no value."""
    result: dict[str, float | None] = {}
    for item in fields(NetworkMeasures):
        old, new = getattr(before, item.name), getattr(after, item.name)
        if isinstance(old, list) or isinstance(new, list):
            continue
        result[item.name] = None if old is None or new is None else new - old
    return result


def compare(before: Snapshot, after: Snapshot, *, seed: int = 42) -> Comparison:
    """Links added and removed (existing or difficult ones), levels raised and lowered, wishes
    met (a `souhaite` link that now exists), sectors reached or lost (present at an end of an
    existing link), and the deltas of the network measures."""
    old, new = build_network(*before), build_network(*after)
    names = {key: structure.name for key, structure in old.structures.items()}
    names.update({key: structure.name for key, structure in new.structures.items()})

    def change(pair: tuple[int, int], was: LinkIn | None, now: LinkIn | None) -> PairChange:
        source, target = sorted(pair, key=lambda node: (name_key(names[node]), node))
        return PairChange(
            source=names[source],
            target=names[target],
            source_id=source,
            target_id=target,
            before=was.level if was else None,
            after=now.level if now else None,
        )

    old_edges = {link.pair: link for link in old.links if link.is_edge}
    new_edges = {link.pair: link for link in new.links if link.is_edge}
    old_wished = {link.pair for link in old.links if link.status == WISHED}
    new_pairs = new_edges.keys() - old_edges.keys()
    added = [change(pair, None, new_edges[pair]) for pair in new_pairs]
    removed = [change(pair, old_edges[pair], None) for pair in old_edges.keys() - new_edges.keys()]
    kept = [
        change(pair, old_edges[pair], new_edges[pair])
        for pair in old_edges.keys() & new_edges.keys()
    ]
    raised = [c for c in kept if None not in (c.before, c.after) and c.after > c.before]
    lowered = [c for c in kept if None not in (c.before, c.after) and c.after < c.before]
    met = [change(pair, None, new_edges[pair]) for pair in new_pairs & old_wished]

    def ordered(changes: list[PairChange]) -> list[PairChange]:
        return sorted(changes, key=lambda c: (name_key(c.source), name_key(c.target), c.source_id))

    measures_before, measures_after = _measures(old, seed), _measures(new, seed)
    return Comparison(
        links_added=ordered(added),
        links_removed=ordered(removed),
        levels_raised=ordered(raised),
        levels_lowered=ordered(lowered),
        sectors_reached=sorted(_sectors(new) - _sectors(old)),
        sectors_lost=sorted(_sectors(old) - _sectors(new)),
        deltas=deltas(measures_before, measures_after),
        before=measures_before,
        after=measures_after,
        wished_met=ordered(met),
    )
