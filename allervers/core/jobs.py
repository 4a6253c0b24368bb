"""Background jobs (Huey): the long computations run in a worker process, never in a request.

Storage: Redis when REDIS_URL is set (production), else a SQLite file beside the database
(`instance/jobs.sqlite`, or HUEY_DB). Either way a queued job survives a restart of the web
server or of the worker. The worker is `huey_consumer allervers.worker.huey` (`make run`
starts it); tests run jobs inline (`huey.immediate = True`).
"""

import os
from collections.abc import Callable
from functools import wraps

from flask import Flask, has_app_context
from huey import RedisHuey, SqliteHuey

from allervers.config import INSTANCE_DIR
from allervers.core.database import reading


def make_huey():
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return RedisHuey("allervers", url=redis_url)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    filename = os.environ.get("HUEY_DB") or str(INSTANCE_DIR / "jobs.sqlite")
    return SqliteHuey("allervers", filename=filename)


huey = make_huey()
_app_factory: Callable[[], Flask] | None = None
_worker_app: Flask | None = None


def use_app_factory(factory: Callable[[], Flask]) -> None:
    """The worker's entry module (allervers/worker.py) hands over the app factory: the jobs
    need an app, and this module, below every other, may not import the one above them all."""
    global _app_factory
    _app_factory = factory


def worker_app() -> Flask:
    """The app of the worker process, made once, for the database and the configuration."""
    global _worker_app
    if _worker_app is None:
        if _app_factory is None:
            raise RuntimeError("Pas d'application pour les calculs : lancez allervers.worker.huey")
        _worker_app = _app_factory()
    return _worker_app


def with_app(function):
    """Run a job inside an app context: the worker's own, or the caller's when run inline."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with reading():  # a job reads for seconds; it writes through write_transaction()
            if has_app_context():
                return function(*args, **kwargs)
            with worker_app().app_context():
                return function(*args, **kwargs)

    return wrapper
