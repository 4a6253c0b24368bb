"""The plain values the analysis takes and returns, and the small helpers they share."""

import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

EDGE_STATUSES = ("existant", "difficile")
WISHED = "souhaite"
FEASIBILITY_ORDER = {"facile": 0, "possible": 1, "difficile": 2}
JSON_DECIMALS = 4

Ratings = tuple[int | None, int | None, int | None]
NO_RATINGS: Ratings = (None, None, None)


# ---------------------------------------------------------------- input


@dataclass(frozen=True)
class StructureIn:
    """A structure on the map (a node), or a candidate from the directory."""

    id: int
    name: str
    sector: str | None
    departement: str | None = None
    publics: frozenset[str] = frozenset()
    commune: str | None = None  # INSEE code
    epci: str | None = None  # SIREN of its intercommunalité
    influence: int | None = None  # Net-Map declared influence, 0–5 (on a map)
    position: str | None = None  # Net-Map position towards aller-vers: moteur … reserve


@dataclass(frozen=True)
class LinkIn:
    """A cooperation link as recorded; `reports` > 1 only in an aggregate (maps reporting it)."""

    source: int
    target: int
    status: str
    level: int | None
    direction: str = "mutuel"
    desired_level: int | None = None
    feasibility: str | None = None
    obstacles: str | None = None
    trust: Ratings = NO_RATINGS
    value: Ratings = NO_RATINGS
    publics: frozenset[str] = frozenset()
    reports: int = 1

    @property
    def pair(self) -> tuple[int, int]:
        return (min(self.source, self.target), max(self.source, self.target))

    @property
    def is_edge(self) -> bool:
        return self.status in EDGE_STATUSES


# ---------------------------------------------------------------- output


@dataclass
class StructureMeasures:
    id: int
    name: str
    sector: str | None
    degree: int
    weighted_degree: int
    betweenness: float
    closeness: float
    eigenvector: float
    community: int
    constraint: float | None
    effective_size: float | None
    is_articulation_point: bool
    core_number: int
    influence_declared: int | None = None
    position: str | None = None
    network_influence: float = 0.0  # eigenvector / the map's highest, 0–1
    trust: float | None = None  # PARTNER: mean trust score of its rated links, 1–4
    value: float | None = None
    rated_links: int = 0


@dataclass
class NetworkMeasures:
    nodes: int
    links: int
    density: float
    average_degree: float
    degree_centralization: float
    components: int
    largest_component: int
    isolates: int
    bridges: list[tuple[str, str]]
    communities: int
    modularity: float
    clustering: float
    cross_sector_share: float | None
    ei_index: float | None
    difficult_links: int
    mean_level: float | None
    mean_trust: float | None  # PARTNER network trust score: mean of the rated links' scores
    mean_value: float | None
    wished_links: int
    wished_share: float | None
    trust_rated: int = 0  # links with their three trust items
    value_rated: int = 0
    ratings_partial: int = 0  # links with some items only (left out of the scores)


@dataclass
class Gap:
    """A need and its possibility: a wished link, or an existing one to strengthen."""

    source: str
    target: str
    source_id: int
    target_id: int
    kind: str  # "souhaité" or "à renforcer"
    current_level: int | None
    desired_level: int | None
    size: int
    feasibility: str | None
    obstacles: str | None


@dataclass
class Reason:
    """One part of a suggestion's score: why, in plain French, and how many points."""

    kind: str  # one of suggestions.REASON_KINDS
    label: str  # short, for the score's breakdown
    text: str
    points: float


@dataclass
class Suggestion:
    structure: str
    structure_id: int
    score: float  # the sum of the reasons' points
    kind: str  # the kind of its strongest reason
    reason: str  # every reason's text, in one paragraph
    shared: list[str]  # common partners' names, or shared publics' codes
    reasons: list[Reason] = field(default_factory=list)
    near: bool = False  # in the focal structure's commune, EPCI or a neighbouring EPCI
    on_map: bool = False


@dataclass
class LinkRating:
    """PARTNER scores of one link: the mean of its three trust (value) items, 1–4."""

    source: str
    target: str
    source_id: int
    target_id: int
    trust: float | None
    value: float | None


@dataclass
class Community:
    """A Louvain group of two structures or more, named by its dominant sectors."""

    number: int
    label: str
    sectors: list[str]  # dominant sector codes
    members: list[str]
    member_ids: list[int]


@dataclass
class SectorMix:
    """Krackhardt's E-I index of one sector: its links outside (E) against inside (I)."""

    sector: str
    label: str
    structures: int
    internal: int
    external: int
    ei_index: float | None


@dataclass
class PerceptionGap:
    """Maps of one aggregate that report the same link at different levels."""

    source: str
    target: str
    source_id: int
    target_id: int
    levels: list[int]
    spread: int


@dataclass
class InfluenceGap:
    """Maps of one aggregate that declare a different Net-Map influence for one structure."""

    structure: str
    structure_id: int
    influences: list[int]  # a key named `values` would hide behind dict.values in templates
    spread: int


@dataclass
class RatingGap:
    """Maps of one aggregate that score one link's trust (or value) differently, 1–4."""

    source: str
    target: str
    source_id: int
    target_id: int
    measure: str  # "trust" or "value"
    scores: list[float]
    spread: float


@dataclass
class Analysis:
    network: NetworkMeasures
    structures: list[StructureMeasures]
    gaps: list[Gap]
    suggestions: list[Suggestion]
    diagnostic: list[str]
    explanations: dict[str, str]
    focal: int | None = None
    ratings: list[LinkRating] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    ei_by_sector: list[SectorMix] = field(default_factory=list)
    netmap: list[str] = field(default_factory=list)  # Net-Map diagnostic sentences

    def to_json(self) -> dict[str, Any]:
        """Keys: network, structures, gaps, suggestions, diagnostic, explanations, focal,
        ratings, communities, ei_by_sector, netmap."""
        return to_json(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Analysis":
        """The analysis back from `to_json()` (floats keep their 4 decimals)."""
        network = {
            **data["network"],
            "bridges": [tuple(pair) for pair in data["network"]["bridges"]],
        }
        return cls(
            network=NetworkMeasures(**network),
            structures=[StructureMeasures(**row) for row in data["structures"]],
            gaps=[Gap(**gap) for gap in data["gaps"]],
            suggestions=[
                Suggestion(**{**item, "reasons": [Reason(**r) for r in item.get("reasons", ())]})
                for item in data["suggestions"]
            ],
            diagnostic=list(data["diagnostic"]),
            explanations=dict(data["explanations"]),
            focal=data.get("focal"),
            ratings=[LinkRating(**item) for item in data.get("ratings", ())],
            communities=[Community(**item) for item in data.get("communities", ())],
            ei_by_sector=[SectorMix(**item) for item in data.get("ei_by_sector", ())],
            netmap=list(data.get("netmap", ())),
        )


@dataclass
class PairChange:
    """One link seen in two snapshots; a level is None when the link is absent or has none."""

    source: str
    target: str
    source_id: int
    target_id: int
    before: int | None
    after: int | None


@dataclass
class Comparison:
    links_added: list[PairChange]
    links_removed: list[PairChange]
    levels_raised: list[PairChange]
    levels_lowered: list[PairChange]
    sectors_reached: list[str]
    sectors_lost: list[str]
    deltas: dict[str, float | None]
    before: NetworkMeasures
    after: NetworkMeasures
    wished_met: list[PairChange] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return to_json(self)


# ---------------------------------------------------------------- helpers


def item_score(items: Ratings) -> float | None:
    """A PARTNER score: the mean of the three items, None unless all three are rated."""
    if any(item is None for item in items):
        return None
    return sum(items) / len(items)


@lru_cache(maxsize=8192)
def name_key(name: str) -> tuple[str, str]:
    """French sort order: accents and case ignored first (« Épicerie » by « Epicerie »)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return (plain.casefold(), name)


def clean_float(value: float, decimals: int = JSON_DECIMALS) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else round(value, decimals)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return clean_float(value)
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:  # what `asdict` does, without its deep copies (5× faster)
        return {name: _jsonable(getattr(value, name)) for name in fields}
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_jsonable(item) for item in items]
    return value


def to_json(result: Any) -> dict[str, Any]:
    """`asdict` with floats rounded to 4 decimals, NaN and infinities as None, tuples as lists."""
    return _jsonable(result)
