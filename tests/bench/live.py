"""The live workshop: 2 rooms of 30 trainees with their group map open, 10 of them adding links.

Against the README's production command line (`gunicorn --workers 4 … wsgi:app`, sync
workers, and the background worker), on the bench's département plus the two rooms of
`data.build_workshop()`:

1. a handful of main pages timed one request at a time, without viewers;
2. 60 viewers (tests/bench/live_client.py, in PROCESSES processes of their own so that the
   client does not share the server's GIL) poll the live feed every second as live.js does,
   and fetch the graph and the key figures when the map changed; 5 per room add a link every
   5 to 10 s, for SECONDS (BENCH_SECONDS);
3. meanwhile the same pages timed again, the server's CPU time and memory read from /proc;
4. then, from what every viewer saw and what the database holds: for each POST and each
   *other* viewer of that map, the time from the POST's start to that viewer's first graph
   fetched at the POST's version or later; the errors, the lost and the doubled links.

BENCH_LIVE_TIMINGS=1 serves the bench's app instead (tests/bench/wsgi_bench.py, same workers)
and adds, per path, the server's own time, SQL time and CPU time: where a slow request waited.
Not for the figures of BENCHMARKS.md: for finding out why.

The version a POST created is read from the database afterwards (map_activity: an author's
changes in version order are their successful POSTs in time order), so measuring asks the
server nothing more than the workshop does.
"""

import json
import os
import threading
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import func, select

from allervers.auth.models import User
from allervers.extensions import db
from allervers.maps.models import CooperationLink, MapActivity
from tests.bench.client import Browser
from tests.bench.data import Manifest, WorkshopGroup
from tests.bench.load import cpu_seconds, machine_busy_seconds, server_side
from tests.bench.pages import percentile
from tests.bench.servers import BIN, BenchError, Gunicorn, Process, Worker

SECONDS = int(os.environ.get("BENCH_SECONDS", 120))
PROCESSES = 4
EDITORS_PER_ROOM = 5
POLL_SECONDS = 1.0
EDIT_EVERY = (5.0, 10.0)
DRAIN_SECONDS = 15  # the viewers keep watching after the last POST, so that they can see it
WORKERS = 4  # the README's production section
# BENCH_LIVE_THREADS=4 tries `--threads 4` (gthread workers) instead of the README's sync ones.
THREADS = int(os.environ.get("BENCH_LIVE_THREADS", 0))
TARGET_MS = 2000
PAGE_RATIO = 1.2
PAGE_RUNS = int(os.environ.get("BENCH_LIVE_PAGE_RUNS", 30))
PAGE_WARM_UP = 3
SEED = 2026


def other_pages(manifest: Manifest) -> list[tuple[str, str]]:
    """The main pages a trainee of another group opens during the workshop."""
    trainee = manifest.trainees[0]
    map_url = f"/cartes/{trainee.map_id}"
    return [
        ("Tableau de bord", "/"),
        ("Annuaire, première page", "/annuaire"),
        ("Espace de travail d'une carte personnelle", map_url),
        ("Page du groupe", f"/groupes/{trainee.group_id}"),
        ("Base des initiatives, première page", "/initiatives"),
        ("Analyse de la carte, en cache", f"{map_url}/analyse"),
    ]


def time_pages(browser: Browser, pages: list[tuple[str, str]], until: float | None = None) -> dict:
    """Each page PAGE_RUNS times, round robin (a passing peak touches every page alike), one
    request at a time; round trips in ms. Stops early at `until` (a wall-clock time)."""
    for _label, path in pages * PAGE_WARM_UP:
        browser.get(f"{browser.base}{path}").raise_for_status()
    times: dict[str, list[float]] = {label: [] for label, _ in pages}
    for _ in range(PAGE_RUNS):
        for label, path in pages:
            if until is not None and time.time() > until:
                return times
            began = time.perf_counter()
            response = browser.get(f"{browser.base}{path}")
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                raise BenchError(f"{label} : réponse {response.status_code}")
            times[label].append(elapsed)
    return times


class Sampler(threading.Thread):
    """Every second, the resident memory of gunicorn's master and workers (summed)."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.samples, self.stopping = pids, [], threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(1.0):
            self.samples.append(sum(rss_mb(pid) for pid in self.pids))

    def stop(self) -> list[float]:
        self.stopping.set()
        self.join()
        return self.samples


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def plan(base: str, folder: Path, rooms: list[WorkshopGroup]) -> dict:
    """Who watches which map from which process: the rooms spread over every process."""
    viewers = [
        {"email": email, "map_id": room.map_id, "editor": number < EDITORS_PER_ROOM}
        for room in rooms
        for number, email in enumerate(room.trainees)
    ]
    processes = [viewers[index::PROCESSES] for index in range(PROCESSES)]
    return {
        "base": base,
        "folder": str(folder),
        "processes": processes,
        "seconds": SECONDS,
        "drain_seconds": DRAIN_SECONDS,
        "poll_seconds": POLL_SECONDS,
        "edit_every": EDIT_EVERY,
        "seed": SEED,
    }


def start_clients(folder: Path, plan_path: Path, env: dict) -> list[Process]:
    command = [str(BIN / "python"), "-m", "tests.bench.live_client", str(plan_path)]
    return [
        Process(f"viewers-{n}", [*command, str(n)], env, folder / f"viewers-{n}.log")
        for n in range(PROCESSES)
    ]


def wait_ready(folder: Path, clients: list[Process], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for client in clients:
            if not client.alive():
                raise BenchError(f"{client.name} s'est arrêté :\n{client.log_tail()}")
        ready = [folder / f"ready-{n}" for n in range(len(clients))]
        if all(path.exists() for path in ready):
            failed = [msg for path in ready for msg in json.loads(path.read_text())]
            if failed:
                raise BenchError("connexion des spectateurs : " + "; ".join(failed[:3]))
            return
        time.sleep(0.2)
    raise BenchError(f"les spectateurs ne sont pas prêts après {timeout:.0f} s")


def signal_start(folder: Path, start: float | None) -> None:
    """The start time for every client (None: called off), written whole then renamed."""
    draft = folder / "go.draft"
    draft.write_text(json.dumps({"start": start}), encoding="utf-8")
    draft.replace(folder / "go")


def wait_clients(clients: list[Process], deadline: float) -> None:
    for client in clients:
        while client.alive():
            if time.time() > deadline:
                raise BenchError(f"{client.name} ne s'est pas arrêté :\n{client.log_tail()}")
            time.sleep(0.2)
        if client.popen.returncode != 0:
            raise BenchError(f"{client.name} a échoué :\n{client.log_tail()}")


def run_live(
    app, env: dict, folder: Path, manifest: Manifest, rooms: list[WorkshopGroup], label: str
) -> dict:
    """Serve, load and measure the live workshop on one database; returns its figures."""
    folder = folder / f"live-{label}"
    folder.mkdir()
    diagnose = bool(os.environ.get("BENCH_LIVE_TIMINGS"))
    if diagnose:
        (folder / "timings").mkdir()
        env = {**env, "BENCH_TIMINGS": str(folder / "timings")}
    worker = Worker(env, folder / "huey.log")
    server = None
    clients: list[Process] = []
    try:
        log = folder / "gunicorn.log"
        server = Gunicorn(env, workers=WORKERS, log=log, production=not diagnose, threads=THREADS)
        pages = other_pages(manifest)
        reader = Browser(server.base, manifest.trainees[0].email)
        quiet = time_pages(reader, pages)
        plan_path = folder / "plan.json"
        plan_path.write_text(json.dumps(plan(server.base, folder, rooms)), encoding="utf-8")
        clients = start_clients(folder, plan_path, env)
        try:
            wait_ready(folder, clients)
        except BenchError:
            signal_start(folder, None)
            raise
        server_pids = [server.pid, *server.worker_pids()]
        before = {pid: cpu_seconds(pid) for pid in [*server_pids, *worker.job_pids()]}
        machine_before = machine_busy_seconds()
        load_before = [round(value, 2) for value in os.getloadavg()]
        start = time.time() + 1.0
        signal_start(folder, start)
        sampler = Sampler(server_pids)
        sampler.start()
        time.sleep(max(0.0, start + min(5.0, SECONDS / 10) - time.time()))
        busy = time_pages(reader, pages, until=start + SECONDS)
        time.sleep(max(0.0, start + SECONDS - time.time()))
        memory = sampler.stop()  # the measured window only
        cpu_server = sum(cpu_seconds(pid) - before[pid] for pid in server_pids)
        cpu_worker = sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in worker.job_pids())
        cpu_machine = machine_busy_seconds() - machine_before
        wait_clients(clients, deadline=start + SECONDS + DRAIN_SECONDS + 60)
        worker_pids = server.worker_pids()
        if sorted(worker_pids) != sorted(server_pids[1:]):
            raise BenchError("un worker gunicorn a été relancé pendant l'atelier (son journal)")
    finally:
        for client in clients:
            client.stop()
        if server is not None:
            server.stop()
        worker.stop()
    outputs = [json.loads((folder / f"client-{n}.json").read_text()) for n in range(PROCESSES)]
    with app.app_context():
        checked = check_database(rooms, outputs)
        db.session.remove()
    result = summarise(outputs, checked, rooms)
    result["pages"] = pages_figures(quiet, busy)
    result["server"] = {
        "workers": WORKERS,
        "threads": THREADS,
        "cpu_seconds": round(cpu_server, 1),
        "worker_cpu_seconds": round(cpu_worker, 1),
        "machine_cpu_seconds": round(cpu_machine, 1),
        "rss_mb_mean": sum(memory) / len(memory) if memory else float("nan"),
        "rss_mb_max": max(memory, default=float("nan")),
        "load_before": load_before,
    }
    result["clients_cpu_seconds"] = round(sum(out["cpu_seconds"] for out in outputs), 1)
    if diagnose:
        result["server_side"] = server_side(folder / "timings", start)
    return result


def check_database(rooms: list[WorkshopGroup], outputs: list[dict]) -> dict:
    """The version each successful POST created (its author's changes, in order), the POSTs
    whose link is not on the map at the end, and the pairs with more than one live link."""
    map_ids = [room.map_id for room in rooms]
    posts = sorted((p for out in outputs for p in out["posts"]), key=lambda p: p["started"])
    ids = dict(db.session.execute(select(User.email, User.id)).all())
    activity = defaultdict(list)
    rows = db.session.scalars(
        select(MapActivity)
        .where(MapActivity.map_id.in_(map_ids), MapActivity.kind == "link")
        .order_by(MapActivity.version)
    )
    for row in rows:
        activity[(row.map_id, row.actor_id)].append(row)
    live = defaultdict(int)
    for map_id, low, high in db.session.execute(
        select(
            CooperationLink.map_id, CooperationLink.pair_low_id, CooperationLink.pair_high_id
        ).where(CooperationLink.map_id.in_(map_ids), CooperationLink.deleted_at.is_(None))
    ):
        live[(map_id, low, high)] += 1
    rows_per_pair = db.session.execute(
        select(func.count())
        .select_from(CooperationLink)
        .where(CooperationLink.map_id.in_(map_ids))
        .group_by(CooperationLink.map_id, CooperationLink.pair_low_id, CooperationLink.pair_high_id)
    ).scalars()
    versions, lost, mismatched = [], 0, 0
    queues = {key: list(value) for key, value in activity.items()}
    for post in posts:
        if not post["ok"]:
            versions.append(None)
            continue
        low, high = post["pair"]
        if live[(post["map_id"], low, high)] == 0:
            lost += 1
        queue = queues.get((post["map_id"], ids[post["email"]]), [])
        change = queue.pop(0) if queue else None
        if change is None or sorted((change.structure_id, change.other_id)) != [low, high]:
            mismatched += 1
            versions.append(None)
        else:
            versions.append(change.version)
    return {
        "posts": posts,
        "versions": versions,
        "lost": lost,
        "unmatched": mismatched,
        "doubled": sum(1 for count in live.values() if count > 1),
        "rows_over_one": sum(1 for count in rows_per_pair if count > 1),
    }


def delays(posts: list[dict], versions: list, outputs: list[dict]) -> tuple[list[float], int]:
    """For each POST and each other viewer of its map: ms from the POST's start to the first
    graph that viewer fetched at the POST's version or later; and the pairs never seen."""
    viewers = [v for out in outputs for v in out["viewers"]]
    found, unseen = [], 0
    for post, version in zip(posts, versions, strict=True):
        if version is None:
            continue
        for viewer in viewers:
            if viewer["map_id"] != post["map_id"] or viewer["email"] == post["email"]:
                continue
            seen = min((at for at, v in viewer["seen"] if v >= version), default=None)
            if seen is None:
                unseen += 1
            else:
                found.append((seen - post["started"]) * 1000)
    return found, unseen


def summarise(outputs: list[dict], checked: dict, rooms: list[WorkshopGroup]) -> dict:
    found, unseen = delays(checked["posts"], checked["versions"], outputs)
    times = defaultdict(list)
    errors = defaultdict(int)
    for out in outputs:
        for name, values in out["times"].items():
            times[name] += values
        for message, count in out["errors"].items():
            errors[message] += count
    requests = sum(out["requests"] for out in outputs)
    posts = checked["posts"]
    return {
        "viewers": sum(len(room.trainees) for room in rooms),
        "editors": EDITORS_PER_ROOM * len(rooms),
        "seconds": SECONDS,
        "processes": PROCESSES,
        "structures": len(rooms[0].structures),
        "posts": len(posts),
        "posts_ok": sum(1 for p in posts if p["ok"]),
        "post_p95": percentile([p["ms"] for p in posts], 95),
        "pairs": len(found) + unseen,
        "unseen": unseen,
        "delay": {
            "p50": percentile(found, 50),
            "p95": percentile(found, 95),
            "max": max(found, default=float("nan")),
        },
        "requests": requests,
        "per_second": requests / SECONDS,
        "by_name": {
            name: {
                "count": len(values),
                "p50": percentile(values, 50),
                "p95": percentile(values, 95),
            }
            for name, values in sorted(times.items())
        },
        "errors": sum(errors.values()),
        "error_messages": sorted(errors.items(), key=lambda item: -item[1])[:10],
        "lost": checked["lost"],
        "unmatched": checked["unmatched"],
        "doubled": checked["doubled"],
        "rows_over_one": checked["rows_over_one"],
        "rooms": [asdict(room) | {"trainees": len(room.trainees)} for room in rooms],
    }


def pages_figures(quiet: dict, busy: dict) -> list[dict]:
    rows = []
    for label, values in quiet.items():
        alone, during = percentile(values, 95), percentile(busy.get(label, []), 95)
        rows.append(
            {
                "label": label,
                "quiet_p95": alone,
                "live_p95": during,
                "ratio": during / alone if alone else float("nan"),
                "runs": [len(values), len(busy.get(label, []))],
            }
        )
    return rows


def targets(result: dict) -> dict[str, bool]:
    """Each target of issue #16 met or not."""
    return {
        "delay": result["delay"]["p95"] < TARGET_MS and result["unseen"] == 0,
        "errors": result["errors"] == 0,
        "lost": result["lost"] == 0 and result["unmatched"] == 0,
        "doubled": result["doubled"] == 0 and result["rows_over_one"] == 0,
        "pages": all(row["ratio"] <= PAGE_RATIO for row in result["pages"]),
    }
