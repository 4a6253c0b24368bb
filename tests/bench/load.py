"""The load test: 100 trainees for 2 minutes against gunicorn (2 workers), with Locust.

Locust runs in its own process (headless), so it does not share the GIL with the server;
on a 2-core machine it still shares the CPU with the server and the background worker,
which is why the CPU time of each process is measured too.
"""

import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.pages import percentile
from tests.bench.servers import BIN, BenchError, Gunicorn, Process, Worker

USERS = int(os.environ.get("BENCH_USERS", 100))
SPAWN_RATE = 5  # users per second: the rooms sign in over twenty seconds, then the workshop
DURATION = int(os.environ.get("BENCH_SECONDS", 120))  # measured, once everyone has signed in
RAMP = -(-USERS // SPAWN_RATE) + 2
TARGET_P95_MS = 150
# What the room asks for when the server answers at once: an action every 3 s on average
# (1 to 5 s), each action 2.2 requests on average (the task weights of locustfile.py).
REQUESTS_PER_ACTION = 2.2
THINK_SECONDS = 3


@dataclass
class LoadResult:
    users: int
    seconds: float
    requests: int
    errors: int
    p50: float
    p95: float
    p99: float
    by_name: list[dict] = field(default_factory=list)
    error_messages: list = field(default_factory=list)
    sign_in: dict = field(default_factory=dict)
    server: dict = field(default_factory=dict)  # the same requests as the server saw them
    workers_peak_mb: list[float] = field(default_factory=list)
    job_worker_peak_mb: float = 0.0
    cpu_seconds: dict = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {**self.__dict__, "per_second": self.per_second}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(env: dict, folder: Path, manifest: Path, worker: Worker, label: str) -> LoadResult:
    """Start gunicorn with 2 workers, run Locust against it, stop gunicorn."""
    timings = folder / f"timings-{label}"
    timings.mkdir()
    env = {**env, "BENCH_TIMINGS": str(timings)}
    server = Gunicorn(env, workers=2, log=folder / f"gunicorn-load-{label}.log")
    try:
        records = folder / f"locust-{label}.json"
        command = [
            str(BIN / "locust"),
            "-f",
            "tests/bench/locustfile.py",
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(SPAWN_RATE),
            "--run-time",
            f"{RAMP + DURATION}s",
            "--host",
            server.base,
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ]
        locust_env = {**env, "BENCH_MANIFEST": str(manifest), "BENCH_RECORDS": str(records)}
        pids = {"gunicorn": server.worker_pids(), "calculateur": worker.job_pids()}
        before = {pid: cpu_seconds(pid) for group in pids.values() for pid in group}
        machine_before, started = machine_busy_seconds(), time.monotonic()
        locust = Process("locust", command, locust_env, folder / f"locust-{label}.log")
        try:
            locust_cpu = wait_for(locust, deadline=time.monotonic() + DURATION + 120)
        finally:
            locust.stop()
        if not records.exists():
            raise BenchError(f"Locust n'a rien enregistré :\n{locust.log_tail()}")
        cpu = {
            name: sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in group)
            for name, group in pids.items()
        }
        cpu["locust"] = locust_cpu
        cpu["machine"] = machine_busy_seconds() - machine_before  # PostgreSQL's share is in it
        cpu["wall"] = time.monotonic() - started
        rows = json.loads(records.read_text())
        result = summarise(rows)
        since = min((row[0] for row in rows if row[4]), default=0.0)
        result.server = server_side(timings, since)
        result.workers_peak_mb = server.peak_rss()
        result.job_worker_peak_mb = worker.peak_rss()
        result.cpu_seconds = {name: round(value, 1) for name, value in cpu.items()}
        return result
    finally:
        server.stop()


def machine_busy_seconds() -> float:
    """CPU time every process of the machine has used so far (all cores, from /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def wait_for(locust: Process, deadline: float) -> float:
    """Wait for Locust to finish; returns the CPU time it used (read while it runs)."""
    used = 0.0
    while locust.alive():
        if time.monotonic() > deadline:
            raise BenchError(f"Locust ne s'est pas arrêté à temps :\n{locust.log_tail()}")
        used = max(used, cpu_seconds(locust.pid))
        time.sleep(0.5)
    return used


def server_side(folder: Path, since: float) -> dict:
    """Server time and CPU time per request of the measured workshop (from `since`), from the
    lines the bench's workers wrote."""
    rows = []
    for path in folder.glob("timings-*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            name, wall, elapsed, sql, cpu = line.split("\t")
            if float(wall) >= since and not name.endswith(" /connexion"):
                rows.append((name, float(elapsed), float(sql), float(cpu)))
    if not rows:
        return {}
    by_name = defaultdict(list)
    for row in rows:
        by_name[row[0]].append(row)
    paths = [
        {
            "name": name,
            "count": len(items),
            "p95": percentile([item[1] for item in items], 95),
            "cpu_mean": sum(item[3] for item in items) / len(items),
            "cpu_total_s": sum(item[3] for item in items) / 1000,
        }
        for name, items in by_name.items()
    ]
    return {
        "requests": len(rows),
        "p50": percentile([row[1] for row in rows], 50),
        "p95": percentile([row[1] for row in rows], 95),
        "mean": sum(row[1] for row in rows) / len(rows),
        "sql_mean": sum(row[2] for row in rows) / len(rows),
        "cpu_mean": sum(row[3] for row in rows) / len(rows),
        "cpu_total_s": sum(row[3] for row in rows) / 1000,
        "paths": sorted(paths, key=lambda item: -item["cpu_total_s"])[:12],
    }


def summarise(records: list) -> LoadResult:
    """The workshop's figures (requests made once everyone had signed in); the sign-ins and
    the errors of the whole run."""
    errors, messages = defaultdict(int), defaultdict(int)
    for _start, name, _time, error, _measured in records:
        if error:
            errors[name] += 1
            messages[f"{name} : {error}"] += 1
    sign_ins = [row[2] for row in records if row[1] == "POST connexion"]
    records = [row for row in records if row[4] and "connexion" not in row[1]]
    times = [row[2] for row in records]
    by_name = defaultdict(list)
    for _start, name, response_time, _error, _measured in records:
        by_name[name].append(response_time)
    rows = [
        {
            "name": name,
            "count": len(values),
            "errors": errors[name],
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
        }
        for name, values in sorted(by_name.items(), key=lambda item: -len(item[1]))
    ]
    first = min((row[0] for row in records), default=0)
    last = max((row[0] + row[2] / 1000 for row in records), default=0)
    return LoadResult(
        users=USERS,
        seconds=round(last - first, 1),
        requests=len(records),
        errors=sum(errors.values()),
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        p99=percentile(times, 99),
        by_name=rows,
        sign_in={
            "count": len(sign_ins),
            "p50": percentile(sign_ins, 50),
            "p95": percentile(sign_ins, 95),
        },
        error_messages=sorted(messages.items(), key=lambda item: -item[1])[:10],
    )
