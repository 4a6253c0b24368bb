"""The app as it is served: gunicorn (two sync workers) on a SQLite database migrated and
loaded with the demonstration (`flask db upgrade`, `flask demo`), as `make run` prepares it.

The Werkzeug test client is lenient where a real server is not (it let a status line
« 0 en_cours » through); these tests speak HTTP to gunicorn.
"""

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.faults.conftest import gunicorn
from tests.faults.server import Browser, Database, Gunicorn, flask_command

DEMO_PASSWORD = "aller-vers-demo"  # README.md, « Comptes de démonstration »
DEMO_ACCOUNTS = {
    "stagiaire": "stagiaire.ccas@demo.allervers.fr",
    "formateur": "formateur.orleans@demo.allervers.fr",
    "referent": "referent.epicerie@demo.allervers.fr",
    "admin": "admin@demo.allervers.fr",
}


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Database:
    folder = tmp_path_factory.mktemp("demo")
    database = Database(f"sqlite:///{folder / 'demo.db'}")
    log = folder / "flask.log"
    flask_command(database.url, log, "db", "upgrade")
    flask_command(database.url, log, "demo", HUEY_DB=str(folder / "jobs.sqlite"))
    return database


@pytest.fixture(scope="session")
def demo_server(demo_database, tmp_path_factory) -> Iterator[Gunicorn]:
    """One server for the session; its tests only read, or write what they then check."""
    folder = tmp_path_factory.mktemp("served")
    with ExitStack() as stack:
        yield stack.enter_context(gunicorn(demo_database, folder))


@pytest.fixture
def browser_as(demo_server):
    """browser_as(role) → a Browser signed in on the demo server (None: anonymous)."""

    def make(role: str | None) -> Browser:
        browser = Browser(demo_server.url)
        if role is not None:
            browser.sign_in(DEMO_ACCOUNTS[role], DEMO_PASSWORD)
        return browser

    return make
