"""Possibilities to cooperate: partners of partners, directory structures with the same publics."""

import heapq
from collections import defaultdict
from collections.abc import Mapping, Sequence

import networkx as nx

from allervers.network.graph import Network
from allervers.network.model import StructureIn, Suggestion, name_key

MAX_SUGGESTIONS = 10
MIN_COMMON_PARTNERS = 2
COMMON_PARTNERS = "partenaires communs"
SAME_PUBLICS = "mêmes publics"
NUMBERS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit"}


def french_list(items: Sequence[str], limit: int | None = None) -> str:
    """« A », « A et B », « A, B et C »; past `limit` items: « A, B et 3 autres »."""
    items = list(items)
    if limit is not None and len(items) > limit:
        return f"{', '.join(items[:limit])} et {len(items) - limit} autres"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def number_word(count: int) -> str:
    return NUMBERS.get(count, str(count))


def _common_partners(network: Network, focal: int) -> list[Suggestion]:
    """Structures linked to at least two partners of the focal structure, scored by Adamic-Adar.

    Adamic-Adar sums 1/log(degree) over the shared partners: a partner who knows few others
    says more about the fit than a hub who knows everyone. Any link already on the map,
    wished ones included, rules a structure out.
    """
    graph = network.graph
    on_map = {end for link in network.links if focal in link.pair for end in link.pair}
    on_map.add(focal)
    common: dict[int, list[int]] = defaultdict(list)
    for partner in graph.adj[focal]:
        for other in graph.adj[partner]:
            if other not in on_map:
                common[other].append(partner)
    candidates = sorted(
        (node for node, partners in common.items() if len(partners) >= MIN_COMMON_PARTNERS),
        key=network.key,
    )
    suggestions = []
    for _focal, node, score in nx.adamic_adar_index(graph, [(focal, node) for node in candidates]):
        names = sorted((network.name(partner) for partner in common[node]), key=name_key)
        if len(names) <= 3:
            count = number_word(len(names))
            reason = f"Coopère déjà avec {french_list(names)}, {count} de vos partenaires."
        else:
            reason = (
                f"Coopère déjà avec {len(names)} de vos partenaires, dont {french_list(names[:3])}."
            )
        suggestions.append(
            Suggestion(
                structure=network.name(node),
                structure_id=node,
                score=round(score, 3),
                kind=COMMON_PARTNERS,
                reason=reason,
                shared=names,
            )
        )
    return suggestions


def _public_label(code: str, labels: Mapping[str, str]) -> str:
    label = labels.get(code, code)
    # "Jeunes de 16 à 25 ans" reads "jeunes de 16 à 25 ans" mid-sentence; acronyms stay as they are.
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _same_publics(
    network: Network,
    focal: StructureIn,
    directory: Sequence[StructureIn],
    labels: Mapping[str, str],
) -> list[Suggestion]:
    """Directory structures absent from the map, in the focal structure's département, serving at
    least one public that the focal structure serves or that its links concern; the score is the
    number of such publics. The best MAX_SUGGESTIONS only, in the order of `suggest`."""
    if not focal.departement:
        return []
    publics = set(focal.publics)
    for link in network.links:
        if focal.id in link.pair:
            publics |= link.publics
    placed = set(network.structures) | {focal.id}
    matches = [
        (candidate, shared)
        for candidate in directory
        if candidate.id not in placed
        and candidate.departement == focal.departement
        and (shared := publics & candidate.publics)
    ]
    # A département has thousands of candidates: only the best few can be suggested.
    best = heapq.nsmallest(
        MAX_SUGGESTIONS,
        matches,
        key=lambda match: (-len(match[1]), name_key(match[0].name), match[0].id),
    )
    return [_same_publics_suggestion(candidate, shared, labels) for candidate, shared in best]


def _same_publics_suggestion(candidate: StructureIn, shared: set, labels) -> Suggestion:
    words = sorted((_public_label(code, labels) for code in shared), key=name_key)
    return Suggestion(
        structure=candidate.name,
        structure_id=candidate.id,
        score=float(len(shared)),
        kind=SAME_PUBLICS,
        reason=(
            f"Accompagne les mêmes publics ({french_list(words)}) dans le même "
            "département, mais n'est pas sur la carte."
        ),
        shared=sorted(shared),
    )


def suggest(
    network: Network,
    focal: int | None,
    directory: Sequence[StructureIn],
    public_labels: Mapping[str, str],
) -> list[Suggestion]:
    """Both kinds together, best score first then by name; at most ten."""
    if focal is None:
        return []
    suggestions = []
    if focal in network.graph:
        suggestions += _common_partners(network, focal)
    focal_structure = network.structures.get(focal) or next(
        (structure for structure in directory if structure.id == focal), None
    )
    if focal_structure is not None:
        suggestions += _same_publics(network, focal_structure, directory, public_labels)
    suggestions.sort(key=lambda item: (-item.score, name_key(item.structure), item.structure_id))
    return suggestions[:MAX_SUGGESTIONS]
