"""Before/after: two snapshots of a map side by side."""

import pytest

from allervers.network import LinkIn, StructureIn, compare

STRUCTURES = [
    StructureIn(1, "CCAS", "social"),
    StructureIn(2, "CAF", "droits"),
    StructureIn(3, "Mission locale", "emploi"),
    StructureIn(4, "CMP", "sante"),
    StructureIn(5, "SPIP", "justice"),
]
BEFORE = [
    LinkIn(1, 2, "existant", 1),
    LinkIn(1, 3, "souhaite", None),
    LinkIn(2, 4, "existant", 2),
    LinkIn(1, 4, "existant", 3),
]
AFTER = [
    LinkIn(1, 2, "existant", 3),
    LinkIn(1, 3, "existant", 1),
    LinkIn(1, 4, "difficile", 2),
    LinkIn(3, 5, "existant", 0),
]


@pytest.fixture
def comparison():
    return compare((STRUCTURES, BEFORE), (STRUCTURES, AFTER))


def _pairs(changes):
    return [(c.source, c.target, c.before, c.after) for c in changes]


def test_links_added_and_removed(comparison):
    assert _pairs(comparison.links_added) == [
        ("CCAS", "Mission locale", None, 1),
        ("Mission locale", "SPIP", None, 0),
    ]
    assert _pairs(comparison.links_removed) == [("CAF", "CMP", 2, None)]
    assert _pairs(comparison.wished_met) == [("CCAS", "Mission locale", None, 1)]


def test_levels_raised_and_lowered(comparison):
    assert _pairs(comparison.levels_raised) == [("CAF", "CCAS", 1, 3)]
    assert _pairs(comparison.levels_lowered) == [("CCAS", "CMP", 3, 2)]


def test_sectors_reached(comparison):
    assert comparison.sectors_reached == ["emploi", "justice"]
    assert comparison.sectors_lost == []


def test_metric_deltas(comparison):
    deltas = comparison.deltas
    assert deltas["links"] == 1
    assert deltas["wished_links"] == -1
    assert deltas["isolates"] == -2  # Mission locale and SPIP now have links
    assert deltas["difficult_links"] == 1
    assert deltas["density"] == pytest.approx(4 / 10 - 3 / 10)
    assert deltas["mean_level"] == pytest.approx(1.5 - 2.0)
    assert deltas["ei_index"] == pytest.approx(1.0 - 1.0)
    assert deltas["mean_trust"] is None
    assert "bridges" not in deltas
    assert comparison.before.links == 3
    assert comparison.after.links == 4


def test_comparison_is_json_friendly(comparison):
    data = comparison.to_json()
    assert data["links_added"][0]["source"] == "CCAS"
    assert data["deltas"]["density"] == 0.1


def test_same_snapshot_changes_nothing():
    same = compare((STRUCTURES, BEFORE), (STRUCTURES, BEFORE))
    assert same.links_added == same.links_removed == same.levels_raised == []
    assert all(value in (0, None) for value in same.deltas.values())
