"""Possible partners for the map's own structure, each with its reasons and their points.

Candidates: the structures of the map it has no link with (wished ones included), and the
directory's structures of its département that are not on the map. Each reason adds points
(`POINTS`); a candidate needs at least one reason that is about cooperation (common partners,
a part of the network out of reach, the same publics, a wish of the group), a complementary
sector counting alone only on the map or next door. Structures near the focal one (same
commune, same intercommunalité or a neighbouring one) come first, then the score, then the name:
a partner 70 km away is suggested only when nothing nearer is.
"""

import heapq
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from allervers.network.graph import Network
from allervers.network.model import Community, Reason, StructureIn, Suggestion, name_key

MAX_SUGGESTIONS = 10
COMMON_PARTNERS = "partenaires communs"
STRUCTURAL_HOLE = "trou structural"
COMPLEMENTARY_SECTOR = "secteur complémentaire"
SAME_PUBLICS = "mêmes publics"
GROUP_WISH = "souhait du groupe"
PROXIMITY = "proximité"
REASON_KINDS = (
    COMMON_PARTNERS,
    STRUCTURAL_HOLE,
    COMPLEMENTARY_SECTOR,
    SAME_PUBLICS,
    GROUP_WISH,
    PROXIMITY,
)
COOPERATION_KINDS = {COMMON_PARTNERS, STRUCTURAL_HOLE, SAME_PUBLICS, GROUP_WISH}
# Points of each reason (the score is their sum).
PER_COMMON_PARTNER, MAX_COMMON = 1.0, 3.0
HOLE_POINTS = 2.0
SECTOR_POINTS = 1.0
PER_PUBLIC, MAX_PUBLICS = 0.5, 1.5
PER_WISH, MAX_WISHES = 1.0, 2.0
SAME_COMMUNE, SAME_EPCI, NEIGHBOUR_EPCI = 2.0, 1.5, 1.0
NUMBERS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit"}


def french_list(items: Sequence[str], limit: int | None = None) -> str:
    """« A », « A et B », « A, B et C »; past `limit` items: « A, B et 3 autres »."""
    items = list(items)
    if limit is not None and len(items) > limit:
        return f"{', '.join(items[:limit])} et {len(items) - limit} autres"
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def _count(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def number_word(count: int) -> str:
    return NUMBERS.get(count, str(count))


def _public_label(code: str, labels: Mapping[str, str]) -> str:
    label = labels.get(code, code)
    # "Jeunes de 16 à 25 ans" reads "jeunes de 16 à 25 ans" mid-sentence; acronyms stay as they are.
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


@dataclass(frozen=True)
class Proximity:
    """Where the focal structure is: the EPCIs next to its own, and names for the sentences."""

    nearby_epcis: frozenset[str] = frozenset()
    names: Mapping[str, str] = field(default_factory=dict)  # INSEE or EPCI code → name


@dataclass
class Context:
    network: Network
    focal: StructureIn
    partners: set[int]
    partner_sectors: set[str]
    publics: set[str]
    unreached: dict[int, Community]  # structure → its community the focal does not reach
    public_words: Mapping[str, str]  # code → label as read mid-sentence
    sector_labels: Mapping[str, str]
    wishes: Mapping[int, int]
    proximity: Proximity


def _common(context: Context, candidate: StructureIn, describe: bool) -> Reason | None:
    graph = context.network.graph
    if candidate.id not in graph:
        return None
    common = context.partners.intersection(graph.adj[candidate.id])
    if not common:
        return None
    points = min(MAX_COMMON, PER_COMMON_PARTNER * len(common))
    if not describe:
        return Reason(COMMON_PARTNERS, "", "", points)
    names = sorted((context.network.name(node) for node in common), key=name_key)
    if len(names) == 1:
        text = f"Coopère déjà avec {names[0]}, l'un de vos partenaires."
    elif len(names) <= 3:
        text = (
            f"Coopère déjà avec {french_list(names)}, {number_word(len(names))} de vos partenaires."
        )
    else:
        text = f"Coopère déjà avec {len(names)} de vos partenaires, dont {french_list(names[:3])}."
    return Reason(
        COMMON_PARTNERS,
        _count(len(names), "partenaire commun", "partenaires communs"),
        text,
        points,
    )


def _hole(context: Context, candidate: StructureIn, describe: bool) -> Reason | None:
    community = context.unreached.get(candidate.id)
    if community is None:
        return None
    others = [name for name in community.members if name != candidate.name][:2]
    text = (
        f"Relie une partie du réseau que vous n'atteignez pas : le groupe « {community.label} » "
        f"({len(community.members)} structures, avec {french_list(others)})."
    )
    return Reason(STRUCTURAL_HOLE, "partie du réseau non atteinte", text, HOLE_POINTS)


def _sector(context: Context, candidate: StructureIn, describe: bool) -> Reason | None:
    sector = candidate.sector
    if not sector or sector == context.focal.sector or sector in context.partner_sectors:
        return None
    label = context.sector_labels.get(sector, sector)
    text = f"Secteur « {label} » absent de vos partenaires."
    return Reason(COMPLEMENTARY_SECTOR, f"secteur {label}", text, SECTOR_POINTS)


def _publics(context: Context, candidate: StructureIn, describe: bool) -> Reason | None:
    shared = context.publics & candidate.publics
    if not shared:
        return None
    points = min(MAX_PUBLICS, PER_PUBLIC * len(shared))
    if not describe:
        return Reason(SAME_PUBLICS, "", "", points)
    words = sorted((context.public_words.get(code, code) for code in shared), key=name_key)
    text = f"Accompagne les mêmes publics : {french_list(words)}."
    return Reason(
        SAME_PUBLICS, _count(len(shared), "public commun", "publics communs"), text, points
    )


def _wish(context: Context, candidate: StructureIn, describe: bool) -> Reason | None:
    count = context.wishes.get(candidate.id, 0)
    if not count:
        return None
    if count == 1:
        text = "Un lien avec elle est souhaité sur une autre carte du groupe."
    else:
        text = f"Un lien avec elle est souhaité sur {number_word(count)} autres cartes du groupe."
    points = min(MAX_WISHES, PER_WISH * count)
    return Reason(
        GROUP_WISH, f"souhaitée sur {_count(count, 'carte', 'cartes')} du groupe", text, points
    )


def _proximity(context: Context, candidate: StructureIn, describe: bool) -> Reason | None:
    focal, names = context.focal, context.proximity.names
    if focal.commune and candidate.commune == focal.commune:
        name = names.get(focal.commune, "")
        text = f"Même commune{f' ({name})' if name else ''}."
        return Reason(PROXIMITY, "même commune", text, SAME_COMMUNE)
    if focal.epci and candidate.epci == focal.epci:
        name = names.get(focal.epci, "")
        text = f"Même intercommunalité{f' ({name})' if name else ''}."
        return Reason(PROXIMITY, "même intercommunalité", text, SAME_EPCI)
    if candidate.epci and candidate.epci in context.proximity.nearby_epcis:
        name = names.get(candidate.epci, "")
        text = f"Intercommunalité voisine{f' ({name})' if name else ''}."
        return Reason(PROXIMITY, "intercommunalité voisine", text, NEIGHBOUR_EPCI)
    return None


REASONS = (_common, _hole, _wish, _publics, _sector, _proximity)


def _suggestion(
    context: Context, candidate: StructureIn, on_map: bool, describe: bool = True
) -> Suggestion | None:
    """The candidate's suggestion, or None; without `describe`, only its score and rank (the
    sentences are written for the ten kept: a département has thousands of candidates)."""
    reasons = [reason for find in REASONS if (reason := find(context, candidate, describe))]
    kinds = {reason.kind for reason in reasons}
    near = PROXIMITY in kinds or not context.focal.epci  # without an EPCI: the département
    close = any(r.kind == PROXIMITY and r.points >= SAME_EPCI for r in reasons)
    if not kinds & COOPERATION_KINDS and not (COMPLEMENTARY_SECTOR in kinds and (on_map or close)):
        return None
    strongest = max(
        (reason for reason in reasons if reason.kind != PROXIMITY), key=lambda r: r.points
    )
    shared = next((r for r in reasons if r.kind == COMMON_PARTNERS), None)
    return Suggestion(
        structure=candidate.name,
        structure_id=candidate.id,
        score=round(sum(reason.points for reason in reasons), 2),
        kind=strongest.kind,
        reason=" ".join(reason.text for reason in reasons) if describe else "",
        shared=(
            _shared(context, candidate) if shared else sorted(context.publics & candidate.publics)
        )
        if describe
        else [],
        reasons=reasons,
        near=near,
        on_map=on_map,
    )


def _shared(context: Context, candidate: StructureIn) -> list[str]:
    common = context.partners.intersection(context.network.graph.adj[candidate.id])
    return sorted((context.network.name(node) for node in common), key=name_key)


def _unreached(network: Network, focal: int, communities: Sequence[Community]) -> dict:
    """Structures of communities where the focal structure has no partner (itself excluded)."""
    graph = network.graph
    partners = set(graph.adj[focal]) if focal in graph else set()
    result = {}
    for community in communities:
        members = set(community.member_ids)
        if focal in members or members & partners:
            continue
        for node in members:
            if graph.degree(node):
                result[node] = community
    return result


def suggest(
    network: Network,
    focal: int | None,
    directory: Sequence[StructureIn],
    public_labels: Mapping[str, str],
    *,
    sector_labels: Mapping[str, str] | None = None,
    communities: Sequence[Community] = (),
    wishes: Mapping[int, int] | None = None,
    proximity: Proximity | None = None,
    exclude: Collection[int] = (),
) -> list[Suggestion]:
    """At most ten, near ones first, then the best score, then by name.

    `wishes`: structure id → how many other maps of the group wish a link with it.
    `exclude`: structures the trainee dismissed."""
    if focal is None:
        return []
    structure = network.structures.get(focal) or next(
        (item for item in directory if item.id == focal), None
    )
    if structure is None:
        return []
    graph = network.graph
    partners = set(graph.adj[focal]) if focal in graph else set()
    publics = set(structure.publics)
    linked = {focal}
    for link in network.links:
        if focal in link.pair:
            publics |= link.publics
            linked.update(link.pair)
    context = Context(
        network=network,
        focal=structure,
        partners=partners,
        partner_sectors={network.structures[node].sector for node in partners} - {None},
        publics=publics,
        unreached=_unreached(network, focal, communities),
        public_words={code: _public_label(code, public_labels) for code in public_labels},
        sector_labels=sector_labels or {},
        wishes=wishes or {},
        proximity=proximity or Proximity(),
    )
    excluded = set(exclude) | linked
    found = []  # (rank, candidate, on the map)
    for candidate in network.structures.values():
        if candidate.id not in excluded and (item := _suggestion(context, candidate, True, False)):
            found.append((_rank(item), candidate, True))
    for candidate in directory:
        if candidate.id in excluded or candidate.id in network.structures:
            continue
        if candidate.departement != structure.departement or not structure.departement:
            continue
        if rank := _directory_rank(context, candidate):
            found.append((rank, candidate, False))
    best = heapq.nsmallest(MAX_SUGGESTIONS, found, key=lambda item: item[0])
    return [_suggestion(context, candidate, on_map) for _rank_, candidate, on_map in best]


def _directory_rank(context: Context, candidate: StructureIn) -> tuple | None:
    """The rank `_suggestion` would give a directory structure, or None when it would not
    qualify, without writing its reasons: a département has thousands of candidates. Off the
    map it has no partner there, so only publics, wishes, sector and nearness count (tests check
    both ways agree)."""
    focal = context.focal
    shared = len(context.publics & candidate.publics)
    wishes = context.wishes.get(candidate.id, 0)
    if focal.commune and candidate.commune == focal.commune:
        place = SAME_COMMUNE
    elif focal.epci and candidate.epci == focal.epci:
        place = SAME_EPCI
    elif candidate.epci and candidate.epci in context.proximity.nearby_epcis:
        place = NEIGHBOUR_EPCI
    else:
        place = 0.0
    sector = candidate.sector
    complementary = bool(
        sector and sector != focal.sector and sector not in context.partner_sectors
    )
    if not (shared or wishes or (complementary and place >= SAME_EPCI)):
        return None
    score = (
        min(MAX_PUBLICS, PER_PUBLIC * shared)
        + min(MAX_WISHES, PER_WISH * wishes)
        + (SECTOR_POINTS if complementary else 0.0)
        + place
    )
    near = bool(place) or not focal.epci
    return (not near, -round(score, 2), name_key(candidate.name), candidate.id)


def _rank(item: Suggestion) -> tuple:
    """Near ones first, then the best score, then the name."""
    return (not item.near, -item.score, name_key(item.structure), item.structure_id)
