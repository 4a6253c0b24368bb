"""The plain values the analysis takes and returns, and the small helpers they share."""

import math
import unicodedata
from dataclasses import asdict, dataclass, field
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
    mean_trust: float | None
    mean_value: float | None
    wished_links: int
    wished_share: float | None


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
class Suggestion:
    structure: str
    structure_id: int
    score: float
    kind: str  # "partenaires communs" or "mêmes publics"
    reason: str
    shared: list[str]


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
class Analysis:
    network: NetworkMeasures
    structures: list[StructureMeasures]
    gaps: list[Gap]
    suggestions: list[Suggestion]
    diagnostic: list[str]
    explanations: dict[str, str]
    focal: int | None = None

    def to_json(self) -> dict[str, Any]:
        """Keys: network, structures, gaps, suggestions, diagnostic, explanations, focal."""
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
            suggestions=[Suggestion(**suggestion) for suggestion in data["suggestions"]],
            diagnostic=list(data["diagnostic"]),
            explanations=dict(data["explanations"]),
            focal=data.get("focal"),
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
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_jsonable(item) for item in items]
    return value


def to_json(result: Any) -> dict[str, Any]:
    """`asdict` with floats rounded to 4 decimals, NaN and infinities as None, tuples as lists."""
    return _jsonable(asdict(result))
