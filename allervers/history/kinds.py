"""The kinds of records whose history is kept: their model, name in URLs, title and page."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from flask import url_for


@dataclass(frozen=True)
class Kind:
    name: str  # stored in history_events.kind
    slug: str  # in URLs, in French
    label: str
    model: type
    title: Callable[[object], str]
    url: Callable[[object], str]


def _map_url(record) -> str:
    return url_for("maps.show_map", map_id=record.map_id)


def _initiative_url(initiative_id: int) -> str:
    return url_for("initiatives.show_initiative", initiative_id=initiative_id)


def _effect_title(effect) -> str:
    from allervers.core.timeutil import french_date
    from allervers.initiatives.charts import indicator_name

    return f"{indicator_name(effect)} ({french_date(effect.observed_on)})"


@cache
def kinds() -> dict[str, Kind]:
    """Imported on first use: the models import the whole app."""
    from allervers.directory.models import Structure
    from allervers.initiatives.models import Effect, Initiative
    from allervers.maps.models import CooperationLink, CooperationMap, MapEntry
    from allervers.training.models import Group, TrainingSession

    every = (
        Kind(
            "structure",
            "structure",
            "Structure",
            Structure,
            lambda s: s.name,
            lambda s: url_for("directory.show_structure", structure_id=s.id),
        ),
        Kind(
            "map",
            "carte",
            "Carte",
            CooperationMap,
            lambda m: m.title,
            lambda m: url_for("maps.show_map", map_id=m.id),
        ),
        Kind(
            "entry",
            "structure-de-carte",
            "Structure d'une carte",
            MapEntry,
            lambda e: e.structure.name,
            _map_url,
        ),
        Kind(
            "link",
            "lien",
            "Lien de coopération",
            CooperationLink,
            lambda lk: f"{lk.source.name} – {lk.target.name}",
            _map_url,
        ),
        Kind(
            "initiative",
            "initiative",
            "Initiative",
            Initiative,
            lambda i: i.title,
            lambda i: _initiative_url(i.id),
        ),
        Kind(
            "effect",
            "effet",
            "Effet",
            Effect,
            _effect_title,
            lambda e: _initiative_url(e.initiative_id),
        ),
        Kind(
            "session",
            "session",
            "Session",
            TrainingSession,
            lambda s: s.title,
            lambda s: url_for("training.show_session", session_id=s.id),
        ),
        Kind(
            "group",
            "groupe",
            "Groupe",
            Group,
            lambda g: g.name,
            lambda g: url_for("training.show_group", group_id=g.id),
        ),
    )
    return {kind.name: kind for kind in every}


@cache
def by_slug() -> dict[str, Kind]:
    return {kind.slug: kind for kind in kinds().values()}


@cache
def by_model() -> dict[type, str]:
    return {kind.model: kind.name for kind in kinds().values()}
