"""`analyse()`: from structures and links to every result the pages show."""

from collections.abc import Sequence

from allervers.network.diagnostic import EXPLANATIONS, diagnose
from allervers.network.gaps import gap_list
from allervers.network.graph import build_network
from allervers.network.measures import communities, network_measures, structure_measures
from allervers.network.model import Analysis, LinkIn, StructureIn
from allervers.network.suggestions import suggest


def analyse(
    structures: Sequence[StructureIn],
    links: Sequence[LinkIn],
    *,
    focal: int | None = None,
    sectors: Sequence[tuple[str, str]] = (),
    directory: Sequence[StructureIn] = (),
    publics: Sequence[tuple[str, str]] = (),
    seed: int = 42,
) -> Analysis:
    """Analyse one map, or an aggregate from `aggregate()`.

    `focal`: the map's own structure (suggestions, and the side of a bridge that is « the
    network »). `sectors` and `publics`: (code, label) vocabularies, for the sectors with no
    link and for the words of the reasons. `directory`: candidate structures for the
    « same publics, same département » suggestions. `seed`: Louvain's seed.
    """
    network = build_network(structures, links)
    groups = communities(network, seed)
    rows = structure_measures(network, groups)
    measures = network_measures(network, groups)
    gaps = gap_list(network)
    return Analysis(
        network=measures,
        structures=rows,
        gaps=gaps,
        suggestions=suggest(network, focal, directory, dict(publics)),
        diagnostic=diagnose(network, measures, rows, gaps, focal, dict(sectors)),
        explanations=dict(EXPLANATIONS),
        focal=focal,
    )
