"""When the database fails: a French page (503, 507, 409), never a traceback, nothing half-saved.

The failures are injected into the app's own engine (every statement, or every write,
raises what the database driver raises); tests/faults/ does it for real against gunicorn.
"""

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event, update

from allervers.core.models import ConflictAwareSession, EditConflictError
from allervers.extensions import db
from allervers.maps.models import CooperationMap
from tests.helpers import post_form, text

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def failing_database(error: Exception, only=None):
    """Every statement (or those starting with a verb of `only`) raises `error`."""

    def fail(_cursor, statement, _parameters, _context):
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb != "BEGIN" and (only is None or verb in only):
            raise error

    event.listen(db.engine, "do_execute", fail)
    try:
        yield
    finally:
        event.remove(db.engine, "do_execute", fail)


def driver_error(kind: str, tmp_path) -> Exception:
    """The exception the database in use raises, made for real where it can be."""
    if db.engine.dialect.name == "postgresql":
        import psycopg

        return {
            "outage": psycopg.OperationalError("server closed the connection unexpectedly"),
            "disk_full": psycopg.errors.DiskFull("could not extend file: No space left"),
            "read_only": psycopg.errors.ReadOnlySqlTransaction("read-only transaction"),
        }[kind]
    if kind == "outage":
        return sqlite3.OperationalError("unable to open database file")
    path = tmp_path / "failing.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x TEXT)").connection.commit()
    if kind == "read_only":
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        statement = "INSERT INTO t VALUES ('x')"
    else:
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA max_page_count = 2")
        statement = "INSERT INTO t VALUES (zeroblob(100000))"
    try:
        connection.execute(statement)
    except sqlite3.OperationalError as error:
        return error
    finally:
        connection.close()
    raise AssertionError("SQLite accepted the write")


def edit_map(client, world, title: str, htmx: bool = False):
    cooperation_map = world["map"]
    data = {
        "title": title,
        "territory": "Orléans",
        "focal_structure_id": str(world["structure"].id),
        "version": str(cooperation_map.version),
    }
    path = f"/cartes/{cooperation_map.id}/modifier"
    return post_form(client, path, data, htmx=htmx, token_from=path)


def assert_no_traceback(response) -> None:
    body = text(response)
    assert "Traceback" not in body
    assert "sqlalchemy" not in body.lower()
    assert "sqlite" not in body.lower()


def test_a_database_outage_gives_a_french_503_page(client_as, tmp_path):
    client = client_as("formateur")
    with failing_database(driver_error("outage", tmp_path)):
        page = client.get("/")
        fragment = client.get("/cartes", headers={"HX-Request": "true"})
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert "Service momentanément indisponible" in text(page)
    assert "Se connecter" in text(page)  # who is signed in cannot be read during the outage
    assert_no_traceback(page)
    assert fragment.status_code == 503
    assert "<html" not in text(fragment)
    assert "Service momentanément indisponible" in text(fragment)
    assert client.get("/").status_code == 200  # and back as soon as the database is


def test_a_pool_that_cannot_give_a_connection_is_an_outage(client_as, monkeypatch):
    from sqlalchemy.exc import TimeoutError as PoolTimeoutError

    client = client_as("formateur")

    def exhausted(*_args, **_kwargs):
        raise PoolTimeoutError("QueuePool limit reached")

    monkeypatch.setattr(db.engine.pool, "connect", exhausted)
    response = client.get("/cartes")
    monkeypatch.undo()
    assert response.status_code == 503
    assert "Service momentanément indisponible" in text(response)


@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [
        ("disk_full", 507, "l'espace disque du serveur est plein"),
        ("read_only", 503, "la base de données est en lecture seule"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_write_says_why_and_saves_nothing(
    client_as, world, tmp_path, kind, status, message, htmx
):
    client = client_as("stagiaire")
    with failing_database(driver_error(kind, tmp_path), only=WRITES):
        response = edit_map(client, world, "Titre jamais enregistré", htmx=htmx)
    assert response.status_code == status
    assert "Enregistrement impossible" in text(response)
    assert message in text(response)
    assert "Rien n'a été enregistré" in text(response)
    assert ("<html" in text(response)) is not htmx
    assert_no_traceback(response)
    db.session.refresh(world["map"])
    assert world["map"].title == "Ma carte"
    assert edit_map(client, world, "Titre enregistré").status_code == 303


def test_a_query_the_database_refuses_is_a_500_not_an_outage(client_as, tmp_path):
    client = client_as("formateur")
    if db.engine.dialect.name == "postgresql":
        import psycopg

        bug = psycopg.errors.UndefinedColumn('column "nope" does not exist')
    else:
        bug = sqlite3.OperationalError("no such column: nope")
        bug.sqlite_errorname = "SQLITE_ERROR"
    with failing_database(bug):
        response = client.get("/cartes")
    assert response.status_code == 500
    assert_no_traceback(response)


def test_a_save_that_loses_the_race_is_an_edit_conflict(client_as, world):
    """What PostgreSQL lets happen: both read version 1, the second UPDATE finds no row."""
    cooperation_map = world["map"]
    seen = cooperation_map.version  # the second has read it
    with db.engine.begin() as other:  # the first saves meanwhile
        other.execute(
            update(CooperationMap)
            .where(CooperationMap.id == cooperation_map.id)
            .values(title="Le premier", version=seen + 1)
        )
    cooperation_map.title = "Le second"
    with pytest.raises(EditConflictError):
        db.session.commit()
    assert db.session.get(CooperationMap, cooperation_map.id).title == "Le premier"


def test_a_conflict_no_view_expected_gives_the_409_page(client_as, world, monkeypatch):
    client = client_as("stagiaire")

    def lost_race(_session):
        raise EditConflictError

    monkeypatch.setattr(ConflictAwareSession, "commit", lost_race)
    response = post_form(client, f"/cartes/{world['map'].id}/supprimer", token_from="/")
    monkeypatch.undo()
    assert response.status_code == 409
    assert "Quelqu'un a modifié ces informations en même temps que vous" in text(response)
