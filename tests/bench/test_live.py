"""The live workshop bench's own arithmetic: delays per viewer, and its section of BENCHMARKS.md."""

from tests.bench import live, report

POST = {"email": "a@banc.test", "map_id": 1, "started": 100.0, "ms": 50.0, "ok": True}


def viewer(email: str, map_id: int, seen: list) -> dict:
    return {"email": email, "map_id": map_id, "seen": seen}


def test_delay_is_measured_for_every_other_viewer_of_the_map():
    outputs = [
        {
            "viewers": [
                viewer("a@banc.test", 1, [[100.2, 5]]),  # the author: not counted
                viewer("b@banc.test", 1, [[100.5, 4], [101.25, 5]]),  # v4 is before the POST
                viewer("c@banc.test", 1, [[100.75, 7]]),  # a later version includes it
                viewer("d@banc.test", 2, [[100.1, 9]]),  # another map
                viewer("e@banc.test", 1, []),  # never saw it
            ]
        }
    ]
    found, unseen = live.delays([POST, {**POST, "ok": False}], [5, None], outputs)
    assert sorted(found) == [750.0, 1250.0]
    assert unseen == 1


def result(ratio: float = 1.1, p95: float = 1500.0) -> dict:
    return {
        "viewers": 60,
        "editors": 10,
        "seconds": 120,
        "processes": 4,
        "structures": 12,
        "posts": 160,
        "posts_ok": 160,
        "pairs": 4640,
        "unseen": 0,
        "delay": {"p50": 900.0, "p95": p95, "max": 2500.0},
        "requests": 12000,
        "per_second": 100.0,
        "by_name": {"GET graphe.json": {"count": 10, "p50": 20.0, "p95": 80.0}},
        "errors": 0,
        "error_messages": [],
        "lost": 0,
        "unmatched": 0,
        "doubled": 0,
        "rows_over_one": 0,
        "pages": [
            {"label": "Annuaire", "quiet_p95": 40.0, "live_p95": 40.0 * ratio, "ratio": ratio}
        ],
        "server": {
            "workers": 4,
            "cpu_seconds": 60.0,
            "worker_cpu_seconds": 1.0,
            "machine_cpu_seconds": 150.0,
            "rss_mb_mean": 500.0,
            "rss_mb_max": 520.0,
            "load_before": [1.0, 1.0, 1.0],
        },
        "clients_cpu_seconds": 20.0,
    }


def kept(**figures) -> dict:
    return {
        "databases": {"sqlite": result(**figures)},
        "skipped": {},
        "machine": {"load_before": ["1", "1", "1"]},
        "seconds": 200.0,
    }


def test_section_marks_targets_and_explains_misses():
    met = "\n".join(report.live_section(kept()))
    assert "| 1500 ✓ | < 2000 |" in met
    assert "Toutes les cibles de l'atelier en direct sont atteintes." in met
    missed = "\n".join(report.live_section(kept(ratio=1.5, p95=2600.0)))
    assert "| 2600 ✗ | < 2000 |" in missed
    assert "**SQLite, délai**" in missed
    assert "**SQLite, autres pages** : Annuaire × 1.50" in missed


def test_section_replaces_its_old_self_and_keeps_the_rest():
    text = "# Mesures\n\n## Charge\n\nx\n\n## Calculs de fond\n\ny\n"
    first = report.with_live_section(text, kept())
    assert first.index("## Charge") < first.index("## Atelier en direct")
    assert first.index("## Atelier en direct") < first.index("## Calculs de fond")
    again = report.with_live_section(first, kept(p95=2600.0))
    assert again.count("## Atelier en direct") == 1
    assert "2600 ✗" in again
    assert again.endswith("## Calculs de fond\n\ny\n")
