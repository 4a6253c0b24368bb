"""`make bench`: the app at the scale of a département, measured; writes BENCHMARKS.md.

Not a test: it prints figures against their targets and keeps them in BENCHMARKS.md at the
root. On SQLite (a throw-away file), then on PostgreSQL (a database `allervers_bench` on
127.0.0.1:5432, or a throw-away cluster; skipped, with the reason, when neither is possible):

1. the data set of tests/bench/data.py (fixed seed);
2. the group, session and territory aggregates computed by a real background worker
   (`huey_consumer`, as `make run` starts it): time in the job, peak memory;
3. the server time of every main page and fragment against the floor (gunicorn, 1 worker,
   one request at a time: tests/bench/pages.py);
4. the territory drawn in Chromium (SQLite only: it measures the browser, not the database);
5. the load test: 100 trainees for 2 minutes against gunicorn with 2 workers (Locust,
   tests/bench/load.py), with each worker's peak memory.

6. the live workshop: 2 rooms of 30 trainees watching their group map while 10 of them add
   links, against the README's production command line (tests/bench/live.py).

BENCH_RUNS, BENCH_USERS and BENCH_SECONDS shorten a trial run; BENCH_DATABASES=sqlite skips
PostgreSQL (BENCHMARKS.md then says so). `--live` (`make bench-live`) runs only the live
workshop, keeps its figures in instance/bench-live-results.json and rewrites only its section
of BENCHMARKS.md.
"""

import json
import logging
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

# Before the app is imported: its job queue and secret key must not land in instance/.
FOLDER = Path(tempfile.mkdtemp(prefix="allervers-bench-"))
os.environ.update(
    {"HUEY_DB": str(FOLDER / "jobs-bench.sqlite"), "REDIS_URL": "", "SECRET_KEY": "banc"}
)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from allervers import create_app  # noqa: E402
from allervers.analysis import cache, scopes  # noqa: E402
from allervers.auth.models import User  # noqa: E402
from allervers.extensions import db  # noqa: E402
from tests.bench import data, live, load, pages, report  # noqa: E402
from tests.bench.browser import territory_in_chromium  # noqa: E402
from tests.bench.client import Browser  # noqa: E402
from tests.bench.servers import (  # noqa: E402
    BIN,
    ROOT,
    BenchError,
    Gunicorn,
    Postgres,
    Worker,
    app_environment,
)

JOB_TIMEOUT = 300


def say(message: str) -> None:
    print(message, flush=True)


def build(url: str) -> tuple:
    """Migrate and fill the database; returns the app, the manifest and the build time."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "banc", "REDIS_URL": None})
    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's step-by-step log
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        started = time.perf_counter()
        manifest = data.build()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))  # as autovacuum would soon after
            db.session.commit()
        seconds = time.perf_counter() - started
        db.session.remove()
    return app, manifest, seconds


def wait_fresh(app, key: str) -> dict:
    deadline = time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        with app.app_context():
            stored = cache.load(key)
            if stored.payload is not None and stored.pending_version is None:
                return stored.payload
        time.sleep(0.1)
    raise BenchError(f"le calculateur n'a pas produit {key} en {JOB_TIMEOUT} s")


def compute_aggregates(app, base: str, manifest: data.Manifest, worker: Worker) -> list[dict]:
    """Each aggregate queued by its page, computed by the worker, one after the other."""
    formateur, admin = Browser(base, manifest.formateur), Browser(base, manifest.admin)
    with app.app_context():
        viewer = db.session.scalar(select(User).where(User.email == manifest.admin))
        territory_key = scopes.territory_scope(viewer, "", "").key
    jobs = [
        ("Agrégat d'un groupe", formateur, f"/groupes/{manifest.group_id}/analyse", None),
        ("Agrégat d'une session", formateur, f"/sessions/{manifest.session_id}/analyse", None),
        ("Territoire du département", admin, "/territoire", territory_key),
    ]
    results = []
    for label, browser, path, key in jobs:
        key = key or ("groupe-" if "groupes" in path else "session-") + path.split("/")[2]
        started = time.perf_counter()
        browser.get(f"{base}{path}").raise_for_status()
        payload = wait_fresh(app, key)
        network = payload["analysis"]["network"]
        results.append(
            {
                "label": label,
                "maps": payload["maps"],
                "nodes": network["nodes"],
                "links": network["links"] + network["wished_links"],
                "job_seconds": payload["seconds"],
                "wall_seconds": time.perf_counter() - started,
            }
        )
        say(
            f"  {label} : {payload['maps']} cartes, {network['nodes']} structures, "
            f"{results[-1]['links']} liens — {payload['seconds']:.2f} s dans le job"
        )
    return results


def bench_database(kind: str, url: str, stack: ExitStack, with_browser: bool) -> dict:
    say(f"\n== {kind} ==")
    app, manifest, build_seconds = build(url)
    say(f"  Données générées en {build_seconds:.1f} s : {manifest.sizes}")
    manifest_path = FOLDER / f"manifest-{kind}.json"
    manifest_path.write_text(json.dumps(manifest.as_dict()), encoding="utf-8")
    env = app_environment(url, FOLDER)
    env["HUEY_DB"] = str(FOLDER / f"jobs-{kind}.sqlite")
    worker = Worker(env, FOLDER / f"huey-{kind}.log")
    stack.callback(worker.stop)
    server = Gunicorn(env, workers=1, log=FOLDER / f"gunicorn-pages-{kind}.log")
    stack.callback(server.stop)
    aggregates = compute_aggregates(app, server.base, manifest, worker)
    worker_peak = worker.peak_rss()

    chromium = None
    if with_browser:  # before the pages pass edits a map (the territory would be recomputed)
        chromium = territory_in_chromium(server.base, manifest.admin)
        say(f"  Territoire dans Chromium : {report.chromium_text(chromium)}")
    say(f"  Temps serveur de chaque page ({pages.RUNS} requêtes après {pages.WARM_UP} à blanc)")
    bench = pages.PagesBench(server.base, manifest, app, manifest.trainee_focal)
    measures = [m.as_dict() for m in bench.run(progress=lambda m: say(report.page_line(m)))]
    server.stop()

    say(f"  Charge : {load.USERS} stagiaires pendant {load.DURATION} s, gunicorn 2 workers")
    loaded = load.run_load(env, FOLDER, manifest_path, worker, kind)
    say(report.load_line(loaded.as_dict()))
    worker.stop()
    workshop = live_workshop(app, env, manifest, kind)
    return {
        "url": url.split("@")[-1] if kind == "postgresql" else "fichier SQLite jetable",
        "build_seconds": build_seconds,
        "sizes": manifest.sizes,
        "aggregates": aggregates,
        "worker_peak_mb": worker_peak,
        "pages": measures,
        "chromium": chromium,
        "load": loaded.as_dict(),
        "live": workshop,
    }


def live_workshop(app, env: dict, manifest: data.Manifest, kind: str) -> dict:
    """The two rooms added to the data set, then the live workshop measured."""
    with app.app_context():
        rooms = data.build_workshop()
        db.session.remove()
    say(
        f"  Atelier en direct : {len(rooms)} groupes de {len(rooms[0].trainees)} spectateurs, "
        f"{live.EDITORS_PER_ROOM * len(rooms)} ajoutent des liens pendant {live.SECONDS} s "
        f"(gunicorn {live.WORKERS} workers, commande de production)"
    )
    result = live.run_live(app, env, FOLDER, manifest, rooms, kind)
    say(report.live_line(result))
    return result


def bench_live_database(kind: str, url: str) -> dict:
    """`--live`: the data set, then only the live workshop."""
    say(f"\n== {kind} ==")
    app, manifest, build_seconds = build(url)
    say(f"  Données générées en {build_seconds:.1f} s")
    env = app_environment(url, FOLDER)
    env["HUEY_DB"] = str(FOLDER / f"jobs-{kind}.sqlite")
    return live_workshop(app, env, manifest, kind)


def database_url(kind: str, wanted: list[str], stack: ExitStack, skipped: dict) -> str | None:
    """Where to measure `kind`, or None (and why, in `skipped`)."""
    if kind not in wanted:
        skipped[kind] = "BENCH_DATABASES ne le demandait pas"
        return None
    if kind == "sqlite":
        return f"sqlite:///{FOLDER / 'bench.db'}"
    postgres = Postgres(FOLDER)
    stack.callback(postgres.stop)
    if postgres.reason:
        say(f"\nPostgreSQL : ignoré ({postgres.reason})")
        skipped[kind] = postgres.reason
        return None
    return postgres.url


def check_tools() -> None:
    missing = [
        name for name in ("gunicorn", "huey_consumer", "locust") if not (BIN / name).exists()
    ]
    if missing:
        raise BenchError(f"introuvable dans {BIN} : {', '.join(missing)} (lancez `make setup`)")


def main() -> int:
    started = time.monotonic()
    only_live = "--live" in sys.argv[1:]
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    results = {"databases": {}, "skipped": {}, "machine": machine()}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the cleanups run
    try:
        check_tools()
        with ExitStack() as stack:
            if not os.environ.get("BENCH_KEEP"):
                stack.callback(shutil.rmtree, FOLDER, ignore_errors=True)
            for kind in ("sqlite", "postgresql"):
                url = database_url(kind, wanted, stack, results["skipped"])
                if url and only_live:
                    results["databases"][kind] = bench_live_database(kind, url)
                elif url:
                    with_browser = kind == "sqlite"
                    results["databases"][kind] = bench_database(kind, url, stack, with_browser)
    except BenchError as error:
        print(f"\nLe banc s'est arrêté : {error}", file=sys.stderr)
        return 1
    results["seconds"] = time.monotonic() - started
    if only_live:
        return write_live(results)
    write_json(ROOT / report.LIVE_RESULTS, report.live_results(results))
    kept = ROOT / report.RESULTS
    kept.parent.mkdir(exist_ok=True)
    kept.write_text(json.dumps(results, indent=1), encoding="utf-8")
    target = ROOT / "BENCHMARKS.md"
    target.write_text(report.markdown(results), encoding="utf-8")
    if os.environ.get("BENCH_KEEP"):
        say(f"Fichiers du banc (journaux, bases) gardés dans {FOLDER}")
    say(f"\n{target.name} écrit. Durée totale du banc : {results['seconds'] / 60:.1f} min")
    return 0


def write_json(path: Path, content: dict) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(content, indent=1), encoding="utf-8")


def write_live(results: dict) -> int:
    """`--live`: its figures apart, and its section of BENCHMARKS.md rewritten in place."""
    write_json(ROOT / report.LIVE_RESULTS, results)
    target = ROOT / "BENCHMARKS.md"
    before = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(report.with_live_section(before, results), encoding="utf-8")
    if os.environ.get("BENCH_KEEP"):
        say(f"Fichiers du banc (journaux, bases) gardés dans {FOLDER}")
    minutes = results["seconds"] / 60
    say(f"\nSection « Atelier en direct » de {target.name} écrite ; durée {minutes:.1f} min")
    return 0


def machine() -> dict:
    cpu = "inconnu"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().split()[1]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(terse=True),
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load_before": Path("/proc/loadavg").read_text().split()[:3],
    }


if __name__ == "__main__":
    sys.exit(main())
