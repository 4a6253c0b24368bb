"""Property: any map the app can hold survives CSV export → import into a fresh map, with the
same structures, the same links (same direction) and every field of each, texts included."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allervers.core import vocab
from allervers.core.privacy import find_personal_data
from allervers.maps import services as maps
from allervers.maps.models import (
    DIRECTIONS,
    FEASIBILITIES,
    FREQUENCIES,
    POSITIONS,
    STATUSES,
    TRUST_RATINGS,
    VALUE_RATINGS,
)
from tests.maps.test_roundtrip import content, round_trip

# CI draws the same examples every run; ROUNDTRIP_EXAMPLES=500 hunts with fresh ones.
EXAMPLES = int(os.environ.get("ROUNDTRIP_EXAMPLES", "30"))
ROUND_TRIP = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="ROUNDTRIP_EXAMPLES" not in os.environ,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Names a directory may hold: formula characters, separators, quotes, accents.
NAMES = [
    "CCAS de Gien",
    "=Maison des solidarités",
    "-Collectif « Solidaires »",
    "@Accueil de jour ; Nord",
    '+Plus "Loin"',
    "'=Association Quote",
    "Épicerie l'Étape, Orléans",
    "Centre social Zèbre",
]
TRICKY = ["=", "+", "-", "@", "'", ";", ",", '"', "\n", "\r", "\t", "é", "«", "»", "|"]
# What the forms keep: trimmed, no control character but tab and line breaks, identifying no one.
TEXT = (
    st.text(
        st.characters(
            codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff"
        )
        | st.sampled_from(TRICKY),
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda value: value and not find_personal_data(value))
)


def maybe(strategy):
    return st.none() | strategy


def codes(name: str):
    return st.lists(st.sampled_from([entry.code for entry in vocab.load(name)]), unique=True)


@st.composite
def link_fields(draw) -> dict:
    status = draw(st.sampled_from(list(STATUSES)))
    level = st.integers(0, 5)
    wished = status == "souhaite"
    fields = {
        "status": status,
        "level": None if wished else draw(level),
        "desired_level": draw(level if wished else maybe(level)),
        "direction": draw(st.sampled_from(list(DIRECTIONS))),
        "frequency": draw(maybe(st.sampled_from(list(FREQUENCIES)))),
        "feasibility": draw(maybe(st.sampled_from(list(FEASIBILITIES)))),
        "resources": draw(codes("ressources")),
        "publics": draw(codes("publics")),
        "note": draw(maybe(TEXT)),
        "obstacles": draw(maybe(TEXT)),
    }
    for name in (*TRUST_RATINGS, *VALUE_RATINGS):
        fields[name] = draw(maybe(st.integers(1, 4)))
    return fields


ENTRY_FIELDS = st.fixed_dictionaries(
    {
        "influence": maybe(st.integers(0, 5)),
        "position": maybe(st.sampled_from(list(POSITIONS))),
        "note": maybe(TEXT),
    }
)


@st.composite
def map_specs(draw) -> tuple[dict, list]:
    """({structure index: entry fields}, [(source index, target index, link fields)])."""
    placed = draw(st.lists(st.sampled_from(range(len(NAMES))), unique=True, min_size=1))
    entries = {index: draw(ENTRY_FIELDS) for index in placed}
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(placed), st.sampled_from(placed)).filter(
                lambda pair: pair[0] != pair[1]
            ),
            unique_by=frozenset,
            max_size=8,
        )
    )
    return entries, [(source, target, draw(link_fields())) for source, target in pairs]


@pytest.fixture
def directory(make_structure) -> list:
    communes = ["Gien", "Montargis", "Orléans", "Tours", "Blois", "Vierzon", "Dreux", None]
    return [
        make_structure(name=name, commune=commune, typology="Autre")
        for name, commune in zip(NAMES, communes, strict=True)
    ]


@pytest.fixture
def owner(make_user):
    return make_user("stagiaire")


@ROUND_TRIP
@given(spec=map_specs())
def test_any_map_survives_export_then_import(directory, owner, spec):
    entries, links = spec
    source = maps.create_map(owner, "Carte tirée au sort", None, None)
    for index, fields in entries.items():
        maps.add_entry(source, directory[index], fields)
    for first, second, fields in links:
        maps.save_link(source, directory[first].id, directory[second].id, fields)
    held = content(source)
    assert len(held["links"]) == len(links)
    assert content(round_trip(source, owner)) == held
