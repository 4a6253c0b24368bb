"""The processes the bench starts: gunicorn, the background worker, a throw-away PostgreSQL.

Each is started in its own process group and stopped by its own pid (never by name), and
the bench stops them all on exit, whatever happens.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class BenchError(RuntimeError):
    """Something the bench needs is missing or broke: the message says what."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(url: str, folder: Path) -> dict:
    """The environment of every process serving or computing for the bench's database."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "banc-secret-de-mesure",
        "HUEY_DB": str(folder / "jobs.sqlite"),
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Process:
    """A child process in its own group, its output kept in a log file."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path):
        self.name, self.log = name, log
        self._log_file = log.open("wb")
        self.popen = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        self._log_file.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=timeout)
            except ProcessLookupError:
                pass
        self._log_file.close()


class Gunicorn(Process):
    """The app served by gunicorn's sync workers, as in production.

    By default the bench's app (tests/bench/wsgi_bench.py: its floor routes, its timing
    header); `production=True` serves `wsgi:app` with the command line of the README's
    production section and nothing else."""

    def __init__(
        self, env: dict, workers: int, log: Path, production: bool = False, threads: int = 0
    ):
        self.port = free_port()
        self.workers = workers
        self.base = f"http://127.0.0.1:{self.port}"
        self.ready_path = "/connexion" if production else "/_floor"
        bind = ["--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"]
        if threads:  # gunicorn's gthread workers, `threads` requests at a time each
            bind += ["--threads", str(threads)]
        if production:
            command = [str(BIN / "gunicorn"), *bind, "wsgi:app"]
        else:
            command = [str(BIN / "gunicorn"), "tests.bench.wsgi_bench:app", *bind]
            command += ["--timeout", "120", "--backlog", "2048"]
        # gunicorn 27 would otherwise share a control socket in ~/.gunicorn
        command.append("--no-control-socket")
        super().__init__("gunicorn", command, env, log)
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise BenchError(f"gunicorn s'est arrêté au démarrage :\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}{self.ready_path}", timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn ne répond pas après {timeout} s :\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_rss(self) -> list[float]:
        """Each worker's peak resident memory in MB (read before stopping them)."""
        return [peak_rss_mb(pid) for pid in self.worker_pids()]


class Worker(Process):
    """The background worker (huey_consumer), as `make run` starts it."""

    def __init__(self, env: dict, log: Path):
        command = [
            str(BIN / "huey_consumer"),
            "allervers.worker.huey",
            "-w",
            "1",
            "-k",
            "process",
            "-d",
            "0.1",
            "-m",
            "0.5",
        ]
        super().__init__("huey", command, env, log)

    def job_pids(self) -> list[int]:
        """The consumer and its job process (`-k process`)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [self.pid, *(int(pid) for pid in children.read_text().split())]
        except OSError:
            return [self.pid]

    def peak_rss(self) -> float:
        return max(peak_rss_mb(pid) for pid in self.job_pids())


# ----- PostgreSQL -------------------------------------------------------------------------------

DATABASE = "allervers_bench"


def psql(port: int, sql: str, database: str = "postgres") -> subprocess.CompletedProcess:
    command = ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database]
    return subprocess.run(
        [*command, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )


class Postgres:
    """A database `allervers_bench` on the local server, or on a throw-away cluster when
    none answers (as .ci/run does); `reason` says why PostgreSQL is skipped otherwise."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.cluster, self.reason = folder, 5432, None, None
        if shutil.which("psql") is None:
            self.reason = "psql introuvable (paquet postgresql-client absent)"
            return
        if psql(5432, "select 1").returncode != 0:
            self._start_cluster()
        if self.reason is None:
            self._create_database()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _start_cluster(self) -> None:
        initdb = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not initdb:
            self.reason = "aucun serveur sur 127.0.0.1:5432 et PostgreSQL n'est pas installé"
            return
        binaries = initdb[-1].parent
        data = self.folder / "pg"
        data.mkdir()
        as_postgres = [] if os.geteuid() != 0 else ["su", "postgres", "-c"]
        if as_postgres:
            shutil.chown(self.folder, "postgres")
            shutil.chown(data, "postgres")
        self.port = free_port()
        start = (
            f"{binaries}/pg_ctl -D {data}/data -l {data}/log -w start -o "
            f"'-p {self.port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off'"
        )
        for step in (f"{binaries}/initdb -A trust --no-sync -U postgres -D {data}/data", start):
            done = subprocess.run(
                [*as_postgres, step] if as_postgres else ["sh", "-c", step],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                self.reason = (
                    f"le cluster PostgreSQL jetable n'a pas démarré : {done.stderr[-300:]}"
                )
                return
        self.cluster = (as_postgres, f"{binaries}/pg_ctl -D {data}/data -m immediate stop")

    def _create_database(self) -> None:
        psql(self.port, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        done = psql(self.port, f"CREATE DATABASE {DATABASE}")
        if done.returncode != 0:
            self.reason = f"impossible de créer la base {DATABASE} : {done.stderr.strip()}"

    def stop(self) -> None:
        if self.reason is None:
            psql(self.port, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        if self.cluster is not None:
            as_postgres, command = self.cluster
            subprocess.run(
                [*as_postgres, command] if as_postgres else ["sh", "-c", command],
                capture_output=True,
            )
