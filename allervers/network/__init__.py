"""Cooperation analysis: pure functions from structures and links to plain results.

No Flask, no database: callers pass `StructureIn` / `LinkIn` values (and the vocabularies
they need, e.g. the sector list) and get dataclasses back (`dataclasses.asdict` or
`Analysis.to_json()` for JSON). Same input, same output: nodes and edges enter the graph in
French name order, Louvain has a fixed seed, every list is sorted, ties go to the name.

The graph
    Undirected. Every structure is a node, isolated ones included. `existant` and `difficile`
    links are edges; `souhaite` links are needs, not edges: they are counted
    (`wished_links`, `wished_share` = wished / (edges + wished)) and listed in the gaps.
    A link whose ends are not among the structures, or that joins a structure to itself,
    is left out. Edge attributes: `level`, `status`, `reports` (maps reporting it, 1 for a
    single map) and `weight` = (level + 1) × reports — level 0 « se connaître » still
    weighs 1, a link without a level counts as level 0. If a pair appears more than once,
    its links are merged with the aggregation rule below.

Which measures use the weight
    Tie strength feeds what is about closeness of work: Louvain communities, modularity
    and eigenvector influence. `weighted_degree` is the plain sum of levels. Betweenness,
    closeness, Burt's constraint and effective size, articulation points, bridges, cores
    and clustering are structural and use the unweighted graph (a level is a strength,
    not a distance), so they equal networkx's own values and the published ones.

Formulas and thresholds
    - betweenness, closeness: networkx's definitions, computed by igraph (tested equal),
      normalised (betweenness by (n − 1)(n − 2); closeness
      with the Wasserman–Faust correction for disconnected graphs).
    - eigenvector: networkx's power iteration, weighted, max 1000 steps, tol 1e-6, on the
      structures that have links; isolates 0. If it fails to converge: degree / ‖degree‖.
      Above 500 linked structures igraph's ARPACK solver computes it (tested equal to 1e-4).
    - community: Louvain (seed), numbered from 1 by size, then by first name.
      `communities` counts the groups of two structures or more; `Analysis.communities` lists
      them, each named by its dominant sectors: the (at most two) sectors holding a third of
      its members and at least two of them (one in a pair), else « secteurs variés ».
    - ei_by_sector: Krackhardt's E-I per sector, E its links to another known sector, I its
      links inside; most inward-looking first.
    - constraint (Burt): c_i = Σ_j (p_ij + Σ_q p_iq·p_qj)², p_ij = 1/deg(i); effective size
      (Borgatti) = n − 2t/n. Computed from each neighbourhood; None for an isolate.
    - degree_centralization (Freeman): Σ (d_max − d_i) / ((n − 1)(n − 2)); 0 below 3 nodes.
    - components counts isolates as components; `largest_component` is the biggest's size.
    - cross_sector_share = E / (E + I), ei_index = (E − I) / (E + I) (Krackhardt), over edges
      whose two ends have a known sector (E: different sectors, I: the same); None when none.
    - mean_level: over edges with a level. Trust and value as PARTNER computes them
      (ratings.py): a link's score is the mean of its three items when all three are rated;
      a structure's, the mean of its links' scores; the network's (`mean_trust`,
      `mean_value`), the mean over all scored links, with `trust_rated`, `value_rated` and
      `ratings_partial` (links rated on some items only, left out).
    - network_influence: eigenvector / the map's highest (0–1), beside the Net-Map influence
      a trainee declares (0–5) and its position; netmap.py turns them into sentences.
    - density reads « dense » from 0.5 and « clairsemé » below 0.2 in the diagnostic.

Gaps (need and possibility)
    Wished links, and edges whose desired level exceeds their level. Size: desired − level;
    a wished link counts from −1 (no link is one step below level 0), so desired + 1.
    Sorted by feasibility (facile, possible, difficile, unknown), larger gap, names.

Suggestions (for the focal structure, at most 10; suggestions.py)
    Candidates: structures of the map it has no link with (wished included), and the
    directory's structures of its département. Points: 1 per common partner (max 3); 2 for a
    community it does not reach (structural hole); 1 for a sector absent from its partners;
    0.5 per shared public (max 1.5); 1 per other map of the group wishing it (max 2); same
    commune 2, same EPCI 1.5, a neighbouring EPCI 1. Score = the sum. Near ones (commune,
    EPCI, neighbouring EPCI; the département when the focal EPCI is unknown) first, then the
    score, then the name.

Aggregation (`aggregate`, also used to merge duplicates of one pair)
    Each map counts once per pair. If any report says `existant` or `difficile`, the link
    exists: `difficile` when strictly more than half of those reports say so, level = the
    median of their levels rounded down, reports = how many of them; wished reports then
    only feed the desired level, feasibility, obstacles and publics. Otherwise the link
    stays `souhaite`. Desired level and ratings: medians rounded down; feasibility: the
    most reported, the harder on a tie; obstacles: the distinct texts; publics: the union;
    direction kept only if every report agrees. Reports that disagree on the level are
    perception gaps.

Positions (`layout`)
    For big graphs the server places the structures (igraph's Fruchterman-Reingold, seeded),
    and the browser draws them as they are.

Diagnostic
    Sentences in a fixed order (size, density, pieces, isolates, passeurs, points de
    fragilité, bridges, the only bridge to a sector, sectors with no link, cross-sector
    share, needs, the caution that a higher level is not always better). « The only bridge
    to a sector »: a bridge such that a sector present on the far side is absent from the
    side holding the focal structure (without one, the larger side).
"""

from allervers.network.aggregate import aggregate
from allervers.network.analysis import analyse
from allervers.network.compare import compare
from allervers.network.diagnostic import EXPLANATIONS
from allervers.network.layout import layout
from allervers.network.model import (
    Analysis,
    Comparison,
    Gap,
    LinkIn,
    NetworkMeasures,
    PairChange,
    PerceptionGap,
    StructureIn,
    StructureMeasures,
    Suggestion,
)

__all__ = [
    "EXPLANATIONS",
    "Analysis",
    "Comparison",
    "Gap",
    "LinkIn",
    "NetworkMeasures",
    "PairChange",
    "PerceptionGap",
    "StructureIn",
    "StructureMeasures",
    "Suggestion",
    "aggregate",
    "analyse",
    "compare",
    "layout",
]
