"""SQLite's transactions: the write lock is taken up front by what writes, never by what reads.

tests/faults/test_concurrency.py shows what this buys with real concurrent requests; here,
which BEGIN each kind of work starts with, and that the pages which write while being read
do it in a transaction of their own that holds the lock.
"""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from allervers.core.database import BEGIN_KEY, reading, write_transaction
from allervers.extensions import db
from tests.conftest import POSTGRES_URL
from tests.helpers import csrf_token

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="the BEGIN statements of SQLite")
WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def statements():
    """(how the transaction began, SQL verb) of every statement run meanwhile."""
    seen = []

    def spy(connection, _cursor, statement, *_args):
        seen.append((connection.info.get(BEGIN_KEY), statement.split(None, 1)[0].upper()))

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)


def begins(seen) -> set[str]:
    return {mode for mode, verb in seen if verb == "BEGIN"}


def test_a_page_read_begins_deferred_and_a_form_sent_begins_immediate(client_as, world):
    client = client_as("stagiaire")
    with statements() as seen:
        assert client.get(f"/cartes/{world['map'].id}").status_code == 200
    assert begins(seen) == {"DEFERRED"}
    path = f"/cartes/{world['map'].id}/modifier"
    data = {"csrf_token": csrf_token(client, path), "title": "Carte renommée",
            "version": str(world["map"].version)}  # fmt: skip
    with statements() as seen:
        assert client.post(path, data=data).status_code in (303, 422)
    assert begins(seen) == {"IMMEDIATE"}


def test_pages_that_write_while_read_write_in_a_transaction_holding_the_lock(client_as, world):
    group = world["group"].id
    pages = {
        "formateur": [
            f"/groupes/{group}/analyse",  # claims the computation, stores the result
            f"/groupes/{group}/tableau-de-bord",  # notes the visit
            f"/groupes/{group}/auto-positionnement",  # seeds the statements, once
        ],
        "stagiaire": [f"/cartes/{world['map'].id}/analyse"],  # stores the analysis
    }
    for role, paths in pages.items():
        client = client_as(role)
        for path in paths:
            with statements() as seen:
                assert client.get(path).status_code == 200, path
            writes = [mode for mode, verb in seen if verb in WRITES]
            assert writes, f"{path} n'écrit plus rien : ce test ne vérifie plus rien"
            assert set(writes) == {"IMMEDIATE"}, path


def test_outside_requests_the_configured_begin_and_jobs_read_deferred(app):
    app.config["SQLITE_BEGIN_OUTSIDE_REQUESTS"] = "IMMEDIATE"  # what the CLI runs with
    db.session.remove()
    with statements() as seen:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
        with reading():  # a background job
            db.session.execute(text("SELECT 1"))
            with write_transaction():  # its result, stored
                db.session.execute(text("SELECT 2"))
    assert [mode for mode, verb in seen if verb == "BEGIN"] == [
        "IMMEDIATE",
        "DEFERRED",
        "IMMEDIATE",
    ]
