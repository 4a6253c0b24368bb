"""The analysis bench's report: its section of BENCHMARKS.md, replaced in place."""

from tests.bench import analysis


def _near(kinds: dict, broken: int = 0) -> dict:
    return {
        "maps": 3,
        "all_near": 3 - broken,
        "short": 0,
        "broken": broken,
        "kinds": kinds,
        "places": {"même commune": 10, "intercommunalité voisine": 5},
    }


def _results(cold: float) -> dict:
    timing = {
        "size": (150, 320),
        "cold": [cold] * 20,
        "cached": {"analyse_map": [3.0] * 5, "graph_data": [1.0] * 5, "analyse.json": [25.0] * 5},
    }
    return {"SQLite": {"timing": timing, "bench": _near({"mêmes publics": 4}, broken=1)}}


def test_section_marks_targets_met_and_missed():
    text = analysis.section(_results(80.0), _near({"a": 1, "b": 1, "c": 2}))
    assert "| SQLite | 150 / 320 | 80.0 | 80.0 ✓ | < 100 |" in text
    assert "25.00 ✗ | < 20 |" in text  # the slowest cached call misses its target
    assert "| 1 ✗ |" in text  # the rule broken on one map
    assert "Démo : 3 sortes de raisons ✓" in text


def test_write_replaces_only_its_section(tmp_path, monkeypatch):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(
        "# Banc\n\n## Pages\n\nA\n\n" + analysis.SECTION + "\n\nvieux\n\n## Après\n\nB\n"
    )
    monkeypatch.setattr(analysis, "BENCHMARKS", path)
    analysis.write(analysis.SECTION + "\n\nneuf\n")
    text = path.read_text()
    assert "vieux" not in text
    assert "neuf" in text
    assert text.index("## Pages") < text.index("neuf") < text.index("## Après")
