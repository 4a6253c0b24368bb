"""The real background worker: a job queued by a page runs in another process, even one
started after the job was queued (a job survives a restart of the worker)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from allervers.analysis import cache
from allervers.core.jobs import huey
from allervers.extensions import db
from allervers.maps import services as maps
from tests.helpers import text

CONSUMER = Path(sys.executable).parent / "huey_consumer"


@pytest.fixture
def job_queue(tmp_path):
    """Jobs go to a SQLite queue file instead of running inline, for the time of the test."""
    filename = str(tmp_path / "jobs.sqlite")
    saved = dict(huey.storage_kwargs)
    huey.storage_kwargs["filename"] = filename
    huey.immediate = False
    yield filename
    huey.immediate = True
    huey.storage_kwargs.clear()
    huey.storage_kwargs.update(saved)


def start_worker(database_url: str, queue: str, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HUEY_DB": queue,
        "SECRET_KEY": "worker-test",
        "REDIS_URL": "",
    }
    return subprocess.Popen(
        [str(CONSUMER), "allervers.worker.huey", "-w", "1", "-k", "process", "-d", "0.05"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def wait_for_result(key: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()  # see what the worker committed
        stored = cache.load(key)
        if stored.payload is not None and stored.pending_version is None:
            return stored.payload
        time.sleep(0.1)
    raise AssertionError(f"le calcul de {key} n'est pas arrivé en {seconds} s")


def test_a_queued_aggregate_is_computed_by_a_worker_started_later(
    client_as, world, database_url, job_queue, make_structure, tmp_path
):
    maps.add_entry(world["group_map"], make_structure(name="Mission locale d'Orléans"), {})
    client = client_as("formateur")
    path = f"/groupes/{world['group'].id}/analyse"
    key = f"groupe-{world['group'].id}"

    waiting = text(client.get(path))
    assert "Calcul en cours" in waiting
    assert huey.pending_count() == 1
    text(client.get(path))
    assert huey.pending_count() == 1  # polling does not queue it again

    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = start_worker(database_url, job_queue, log)
        try:
            payload = wait_for_result(key)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{log_path.read_text()}") from None
        finally:
            stop_worker(worker)
    assert payload["analysis"]["network"]["nodes"] == 3
    done = text(client.get(path))
    assert "Calcul en cours" not in done
    assert "Mission locale d'Orléans" in done
