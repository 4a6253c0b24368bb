"""`make bench-analysis`: a map's analysis timed, and the suggestions measured for nearness.

Not a test: figures against their targets, written as the section « Analyse d'une carte et
suggestions » of BENCHMARKS.md (the rest of the file stays as the last `make bench` wrote it).

1. On the département data set (tests/bench/data.py), one trainee's map grown to 150
   structures and 320 links, every link rated and every structure's influence declared:
   the analysis computed cold (nothing cached but the process-wide directory read) 20 times,
   then read from the cache 200 times (`analyse_map`, the graph, `analyse.json` through the
   test client). Targets: cold < 100 ms, every cached call < 20 ms (p95).
2. Suggestions for every trainee's map of the data set and of the demo: the top 5 are within
   the focal structure's EPCI or a neighbouring one unless fewer than 5 candidates are; the
   kinds of reasons that appear (the demo must show at least 3).

On SQLite, then on PostgreSQL when a server answers on 127.0.0.1 (BENCH_DATABASES=sqlite
skips it).
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import delete, select

from allervers import create_app
from allervers.analysis import cache, services
from allervers.auth.models import User
from allervers.demo.loader import load_demo
from allervers.extensions import db
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry
from allervers.network import suggestions as suggesting
from tests.bench import data
from tests.bench.report import mark
from tests.helpers import sign_in

# The bench's databases and job queue: a throw-away folder (set by main()).
FOLDER = Path(tempfile.gettempdir())

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "BENCHMARKS.md"
SECTION = "## Analyse d'une carte et suggestions"
MAP_STRUCTURES, MAP_LINKS = 150, 320
COLD_RUNS, CACHED_RUNS = 20, 200
COLD_TARGET_MS, CACHED_TARGET_MS = 100, 20
TOP = 5
PG_URL = "postgresql+psycopg://postgres@127.0.0.1/allervers_bench_analysis"


def say(message: str) -> None:
    print(message, flush=True)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def timed(call, runs: int, before=None) -> list[float]:
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def app_for(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b", "REDIS_URL": None})
    with app.app_context():
        upgrade()
    return app


def grow_map(map_id: int) -> None:
    """The trainee's map to 150 structures of the data set and 320 links, all rated."""
    rng = random.Random(17)
    cooperation_map = db.session.get(CooperationMap, map_id)
    db.session.execute(delete(CooperationLink).where(CooperationLink.map_id == map_id))
    db.session.execute(delete(MapEntry).where(MapEntry.map_id == map_id))
    placed = [cooperation_map.focal_structure_id]
    pool = [sid for sid in db.session.scalars(select(data.Structure.id)) if sid not in placed]
    placed += rng.sample(pool, MAP_STRUCTURES - 1)
    data.bulk_plain(MapEntry, [data.entry_row(rng, map_id, sid) for sid in placed])
    rows = []
    for pair in data.pick_pairs(rng, placed, MAP_LINKS):
        row = data.link_row(rng, map_id, pair)
        row.update({name: rng.randint(1, 4) for name in RATINGS})
        rows.append(row)
    data.bulk_plain(CooperationLink, rows)
    cooperation_map.content_version += 1
    db.session.commit()


RATINGS = (
    "trust_reliability",
    "trust_mission",
    "trust_dialogue",
    "value_influence",
    "value_involvement",
    "value_resources",
)


def time_analysis(url: str, map_id: int, email: str) -> dict:
    """In a fresh process, as in a server worker (not in the one that built the data set, whose
    heap slows the garbage collector): run by `--time URL MAP EMAIL`, prints its figures."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b", "REDIS_URL": None})
    with app.app_context():
        cooperation_map = db.session.get(CooperationMap, map_id)
        key = services.map_cache_key(cooperation_map.id)

        def forget():
            cache.forget([key])
            db.session.commit()
            cache._parsed.clear()

        # The directory read and the list of communes, loaded once per process.
        timed(lambda: services.analyse_map(cooperation_map), 2, before=forget)
        cold = timed(lambda: services.analyse_map(cooperation_map), COLD_RUNS, before=forget)
        analysis = services.analyse_map(cooperation_map)
        cached = timed(lambda: services.analyse_map(cooperation_map), CACHED_RUNS)
        services.graph_data(cooperation_map)
        graph = timed(lambda: services.graph_data(cooperation_map), CACHED_RUNS)
        size = (analysis.network.nodes, analysis.network.links + analysis.network.wished_links)
    client = app.test_client()
    with app.app_context():
        assert sign_in(client, email, data.PASSWORD).status_code == 303
    path = f"/cartes/{map_id}/analyse.json"
    assert client.get(path).status_code == 200
    endpoint = timed(lambda: client.get(path), CACHED_RUNS)
    return {
        "size": size,
        "cold": cold,
        "cached": {"analyse_map": cached, "graph_data": graph, "analyse.json": endpoint},
    }


def time_in_fresh_process(url: str, map_id: int, email: str) -> dict:
    command = [sys.executable, "-m", "tests.bench.analysis", "--time", url, str(map_id), email]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def nearness(app, map_ids: list[int]) -> dict:
    """Top 5 of each map's suggestions: how many are near, and whether a far one was ranked
    while a near candidate was left out (never, if the ranking holds)."""
    kinds: Counter = Counter()
    maps_with = all_near = short = broken = 0
    places: Counter = Counter()
    with app.app_context():
        for map_id in map_ids:
            cooperation_map = db.session.get(CooperationMap, map_id)
            suggestions = services.analyse_map(cooperation_map).suggestions
            if not suggestions:
                continue
            maps_with += 1
            for item in suggestions:
                kinds.update(reason.kind for reason in item.reasons)
            top = suggestions[:TOP]
            for item in top:
                place = next(
                    (r.label for r in item.reasons if r.kind == suggesting.PROXIMITY), None
                )
                places[place or ("même département" if item.near else "plus loin")] += 1
            if all(item.near for item in top):
                all_near += 1
                continue
            near_total = sum(item.near for item in suggestions)
            if near_total < TOP and all(item.near for item in suggestions[:near_total]):
                short += 1
            else:
                broken += 1
    return {
        "maps": maps_with,
        "all_near": all_near,
        "short": short,
        "broken": broken,
        "kinds": dict(kinds),
        "places": dict(places),
    }


def run_database(kind: str, url: str) -> dict:
    say(f"\n== {kind} ==")
    app = app_for(url)
    with app.app_context():
        manifest = data.build()
        trainee_maps = [trainee.map_id for trainee in manifest.trainees]
    trainee = manifest.trainees[0]
    with app.app_context():
        grow_map(trainee.map_id)
    result = {"timing": time_in_fresh_process(url, trainee.map_id, trainee.email)}
    say(f"  cold p95 {p95(result['timing']['cold']):.1f} ms")
    result["bench"] = nearness(app, trainee_maps)
    say(f"  suggestions : {result['bench']}")
    return result


def demo_nearness() -> dict:
    app = app_for(f"sqlite:///{FOLDER / 'demo.sqlite'}")
    with app.app_context():
        load_demo()
        owners = select(User.id).where(User.role == "stagiaire")
        map_ids = list(
            db.session.scalars(select(CooperationMap.id).where(CooperationMap.owner_id.in_(owners)))
        )
    return nearness(app, map_ids)


def postgres_ready() -> bool:
    if os.environ.get("BENCH_DATABASES", "sqlite,postgresql") == "sqlite":
        return False
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "allervers_bench_analysis"],
        capture_output=True,
    )
    made = subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", "allervers_bench_analysis"],
        capture_output=True,
    )
    return made.returncode == 0


def section(results: dict, demo: dict) -> str:
    lines = [
        SECTION,
        "",
        "`make bench-analysis` (`tests/bench/analysis.py`). Une carte du jeu "
        "de données agrandie à 150 structures et 320 liens, tous notés (confiance et valeur), "
        "l'influence de chaque structure déclarée ; temps dans le processus, en ms. « À froid » : "
        "rien de la carte en cache (ni en base ni en mémoire), l'annuaire du département et la "
        "liste des communes déjà lus par le processus, comme dans un worker qui tourne ; le "
        "calcul comprend l'écriture du résultat en cache.",
        "",
        "| Base | Structures / liens | Calcul à froid p50 | p95 | cible | En cache : analyse p95 | "
        "graphe p95 | `analyse.json` p95 | cible |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, result in results.items():
        timing = result["timing"]
        cold = p95(timing["cold"])
        cached = {name: p95(values) for name, values in timing["cached"].items()}
        worst = max(cached.values())
        lines.append(
            f"| {kind} | {timing['size'][0]} / {timing['size'][1]} | "
            f"{statistics.median(timing['cold']):.1f} | {cold:.1f} {mark(cold < COLD_TARGET_MS)} | "
            f"< {COLD_TARGET_MS} | {cached['analyse_map']:.2f} | {cached['graph_data']:.2f} | "
            f"{cached['analyse.json']:.2f} {mark(worst < CACHED_TARGET_MS)} | "
            f"< {CACHED_TARGET_MS} |"
        )
    lines += [
        "",
        "Suggestions : les 5 premières de chaque carte de stagiaire sont dans "
        "l'intercommunalité (EPCI) de sa structure ou une EPCI voisine, sauf s'il y a moins de "
        "5 candidates proches (elles viennent alors toutes d'abord).",
        "",
        "| Données | Cartes avec suggestions | Top 5 tous proches | Moins de 5 proches, "
        "toutes d'abord | Règle non tenue | Sortes de raisons |",
        "|---|---|---|---|---|---|",
    ]
    rows = [(f"banc ({kind})", result["bench"]) for kind, result in results.items()]
    rows.append(("démo", demo))
    for label, near in rows:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(near["kinds"].items()))
        lines.append(
            f"| {label} | {near['maps']} | {near['all_near']} | {near['short']} | "
            f"{near['broken']} {mark(near['broken'] == 0)} | {len(near['kinds'])} : {kinds} |"
        )
    lines += [
        "",
        f"Démo : {len(demo['kinds'])} sortes de raisons {mark(len(demo['kinds']) >= 3)} "
        "(cible : au moins 3). Places des 5 premières (banc, SQLite) : "
        + ", ".join(
            f"{place} {count}"
            for place, count in sorted(next(iter(results.values()))["bench"]["places"].items())
        )
        + ".",
        "",
    ]
    return "\n".join(lines)


def write(text_section: str, section: str = SECTION) -> None:
    """Replace `section` of BENCHMARKS.md (up to the next one) with `text_section`."""
    current = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else ""
    if section in current:
        start = current.index(section)
        end = current.find("\n## ", start + len(section))
        current = current[:start] + text_section + (current[end + 1 :] if end >= 0 else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text_section
    BENCHMARKS.write_text(current, encoding="utf-8")


def main() -> None:
    global FOLDER
    FOLDER = Path(tempfile.mkdtemp(prefix="allervers-bench-analysis-"))
    os.environ.update({"HUEY_DB": str(FOLDER / "jobs.sqlite"), "REDIS_URL": "", "SECRET_KEY": "b"})
    results = {"SQLite": run_database("SQLite", f"sqlite:///{FOLDER / 'bench.sqlite'}")}
    if postgres_ready():
        results["PostgreSQL"] = run_database("PostgreSQL", PG_URL)
    demo = demo_nearness()
    say(f"\n== démo ==\n  {demo}")
    text_section = section(results, demo)
    write(text_section)
    say("\n" + text_section)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--time"]:
        print(json.dumps(time_analysis(sys.argv[2], int(sys.argv[3]), sys.argv[4])))
    else:
        main()
