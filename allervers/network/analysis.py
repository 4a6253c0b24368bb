"""`analyse()`: from structures and links to every result the pages show."""

from collections.abc import Collection, Mapping, Sequence

from allervers.network.diagnostic import EXPLANATIONS, diagnose
from allervers.network.gaps import gap_list
from allervers.network.graph import build_network
from allervers.network.measures import (
    communities,
    community_list,
    ei_by_sector,
    network_measures,
    structure_measures,
)
from allervers.network.model import Analysis, LinkIn, StructureIn
from allervers.network.netmap import netmap_sentences
from allervers.network.ratings import link_ratings
from allervers.network.suggestions import Proximity, suggest


def analyse(
    structures: Sequence[StructureIn],
    links: Sequence[LinkIn],
    *,
    focal: int | None = None,
    sectors: Sequence[tuple[str, str]] = (),
    directory: Sequence[StructureIn] = (),
    publics: Sequence[tuple[str, str]] = (),
    seed: int = 42,
    wishes: Mapping[int, int] | None = None,
    proximity: Proximity | None = None,
    exclude: Collection[int] = (),
) -> Analysis:
    """Analyse one map, or an aggregate from `aggregate()`.

    `focal`: the map's own structure (suggestions, and the side of a bridge that is « the
    network »). `sectors` and `publics`: (code, label) vocabularies, for the sectors with no
    link and for the words of the reasons. `directory`: candidate structures of the focal
    structure's département for the suggestions; `wishes` (structure → other members of the
    group wishing a link with it), `proximity` (the focal structure's neighbouring EPCIs and
    place names) and `exclude` (dismissed structures) refine them. `seed`: Louvain's seed.
    """
    network = build_network(structures, links)
    groups = communities(network, seed)
    rows = structure_measures(network, groups)
    measures = network_measures(network, groups)
    gaps = gap_list(network)
    sector_labels = dict(sectors)
    named = community_list(network, groups, sector_labels)
    return Analysis(
        network=measures,
        structures=rows,
        gaps=gaps,
        suggestions=suggest(
            network,
            focal,
            directory,
            dict(publics),
            sector_labels=sector_labels,
            communities=named,
            wishes=wishes,
            proximity=proximity,
            exclude=exclude,
        ),
        diagnostic=diagnose(network, measures, rows, gaps, focal, sector_labels),
        explanations=dict(EXPLANATIONS),
        focal=focal,
        ratings=link_ratings(network),
        communities=named,
        ei_by_sector=ei_by_sector(network.graph, sector_labels),
        netmap=netmap_sentences(network, rows, focal),
    )
