"""Fixtures of the fault tests: a database migrated (`flask db upgrade`) and seeded once,
and gunicorn servers stopped at the end of the test whatever happens.

On SQLite each test gets its own copy of that database. On PostgreSQL (TEST_DATABASE_URL set)
it lives in a schema of its own beside the suite's tables, shared by the tests and dropped at
the end.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from tests.faults.server import SECRET_KEY, Browser, Database, Gunicorn, migrate, seed

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def in_schema(url: str, schema: str) -> str:
    """The URL of `url`'s database with `schema` first on the search path."""
    changed = make_url(url).set(drivername="postgresql+psycopg")
    changed = changed.update_query_dict({"options": f"-csearch_path={schema}"})
    return changed.render_as_string(hide_password=False)


@contextmanager
def postgres_schema(url: str, schema: str) -> Iterator[Database]:
    """A schema of its own in the suite's database, dropped afterwards (a database of its
    own would cost a checkpoint to create and to drop: seconds, a minute on a busy server)."""
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"), poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield Database(in_schema(url, schema))
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


@contextmanager
def database_copy(template: Database, folder: Path) -> Iterator[Database]:
    """A copy of the template on SQLite; on PostgreSQL the template itself (the tests count
    relative to before)."""
    if not template.is_sqlite:
        yield template
        return
    path = folder / "allervers.db"
    original, target = sqlite3.connect(template.path), sqlite3.connect(path)
    original.backup(target)
    original.close()
    target.close()
    yield Database(f"sqlite:///{path}")


@contextmanager
def gunicorn(database: Database, folder: Path, preexec_fn=None, **env) -> Iterator[Gunicorn]:
    settings = {
        "DATABASE_URL": database.url,
        "SECRET_KEY": SECRET_KEY,
        "REDIS_URL": "",
        "HUEY_DB": str(folder / "jobs.sqlite"),
        **env,
    }
    logs = len(list(folder.glob("gunicorn-*.log")))
    server = Gunicorn(settings, folder / f"gunicorn-{logs}.log", preexec_fn)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Iterator[tuple[Database, dict]]:
    """The migrated and seeded database every test starts from."""
    folder = tmp_path_factory.mktemp("faults")
    with ExitStack() as stack:
        if POSTGRES_URL:
            schema = f"faults_{os.getpid()}"
            database = stack.enter_context(postgres_schema(POSTGRES_URL, schema))
        else:
            database = Database(f"sqlite:///{folder / 'template.db'}")
        migrate(database.url, folder / "migrate.log")
        yield database, seed(database.url)


@pytest.fixture
def database(template, tmp_path) -> Iterator[Database]:
    """A copy of the template for this test alone."""
    with database_copy(template[0], tmp_path) as copy:
        yield copy


@pytest.fixture
def world(template) -> dict:
    return template[1]


@pytest.fixture
def start_server(tmp_path) -> Iterator:
    """start_server(database, **env) → a running Gunicorn, stopped after the test."""
    with ExitStack() as stack:
        yield lambda database, **env: stack.enter_context(gunicorn(database, tmp_path, **env))


@pytest.fixture
def signed_in(world):
    """signed_in(server, role) → a Browser with that person's session."""

    def make(server: Gunicorn, role: str = "stagiaire") -> Browser:
        return Browser(server.url).sign_in(world["emails"][role])

    return make
