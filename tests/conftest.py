"""Fixtures: the app on a migrated test database, clients signed in per role, record factories."""

import contextvars
import gc
import os
import socket
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, make_url, text

from allervers import create_app
from allervers.analysis import cache
from allervers.auth import security_log
from allervers.auth.models import User
from allervers.auth.passwords import hash_password
from allervers.core.jobs import huey
from allervers.core.timeutil import utcnow
from allervers.directory.models import ReferentAttachment
from allervers.directory.services import build_structure
from allervers.extensions import db
from allervers.training.models import Group, InvitationCode, Membership, TrainingSession
from tests.helpers import TEST_PASSWORD, sign_in

# CI runs the suite twice: on SQLite, then with TEST_DATABASE_URL pointing at a throwaway
# PostgreSQL database. The schema always comes from the migrations, never from create_all().
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")

# Background jobs run inline, in the request that queues them; tests/analysis/test_worker.py
# runs a real worker process.
huey.immediate = True


def config_for_tests(database_url: str, **overrides) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "REDIS_URL": None,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",  # real scrypt, cheaper for the suite
        "SERVER_NAME": None,
        # The test's own session reads and writes between requests: its transactions begin
        # at its first write (sqlite3's default), so its reads see what requests committed.
        "SQLITE_BEGIN_OUTSIDE_REQUESTS": "AT_FIRST_WRITE",
        "MAIL_SERVER": None,  # no e-mail unless a test starts its SMTP server (smtp_server)
        **overrides,
    }


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _postgres_for_this_worker(url: str) -> str:
    """Under pytest-xdist each worker gets its own database beside TEST_DATABASE_URL's.

    The tests empty every table after each test: two workers sharing one database would
    empty each other's tables mid-test.
    """
    url = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url.render_as_string(hide_password=False)
    name = f"{url.database}_{worker}"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A migrated, empty database for the whole run (one per xdist worker)."""
    if POSTGRES_URL:
        url = _postgres_for_this_worker(POSTGRES_URL)
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(config_for_tests(url))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()
    if POSTGRES_URL:
        gc.collect()  # a connection left open then warns in the test that leaked it (slow: PG only)
        gc.freeze()  # what is alive now lives all run: later collections skip it
    return url


def _empty_tables() -> None:
    cache.forget_parsed()
    db.session.remove()
    # The security log refuses deletions but the purge's (auth/security_log.py).
    with db.engine.begin() as connection, security_log.deletions_allowed(connection):
        if connection.dialect.name == "postgresql":
            _delete_postgres_rows(connection)
        else:
            connection.execute(text("PRAGMA foreign_keys = OFF"))
            for table in db.metadata.sorted_tables:
                connection.execute(text(f"DELETE FROM {table.name}"))
            connection.execute(text("PRAGMA foreign_keys = ON"))


def _delete_postgres_rows(connection) -> None:
    """Deletes rows, dependants first, and restarts the ids of the tables that had some.

    TRUNCATE makes new files for every table and index (about 0.5 s a test); a test leaves
    only a few rows, which DELETE removes in milliseconds.
    """
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.use_alter:  # the one reference that closes a cycle (structures ↔ users)
                column = table.c[key.parent.name]
                connection.execute(table.update().where(column.is_not(None)).values({column: None}))
    for table in reversed(db.metadata.sorted_tables):
        if not connection.execute(table.delete()).rowcount:
            continue
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and len(table.primary_key.columns) == 1
            ):
                connection.execute(
                    text("SELECT setval(pg_get_serial_sequence(:table, :column), 1, false)"),
                    {"table": table.name, "column": column.name},
                )


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Flask reuses an app context that is already pushed, so without this the test's context
    would share `g` (Flask-Login's cached user, the CSRF token) between requests and hide bugs.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # the request changed rows behind the test's session
        return response


class MemoryBytecodeCache(BytecodeCache):
    """Templates compiled once for the whole run, not once per test's app."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


@pytest.fixture
def app(database_url) -> Iterator[Flask]:
    app = create_app(config_for_tests(database_url))
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    with app.app_context():
        yield app
        _empty_tables()
        db.session.remove()
        db.engine.dispose()
    if POSTGRES_URL:
        gc.collect()  # a connection left open then warns in the test that leaked it (slow: PG only)


@pytest.fixture
def client(app):
    return app.test_client()


class Inbox:
    """An aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd names it
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app) -> Iterator[Inbox]:
    """A real SMTP server on a free local port, and the app configured to send to it."""
    port = free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_USE_SSL=False,
        MAIL_SENDER="Aller-vers <ne-pas-repondre@allervers.test>",
    )
    try:
        yield controller.handler
    finally:
        controller.stop()


# ----- factories ------------------------------------------------------------------------------


@pytest.fixture
def make_structure(app):
    def make(**overrides):
        fields = {
            "name": "CCAS d'Orléans",
            "commune": "Orléans",
            "postal_code": "45000",
            "typology": "CCAS",
            **overrides,
        }
        structure = build_structure(**fields)
        db.session.add(structure)
        db.session.commit()
        return structure

    return make


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(role: str = "stagiaire", **overrides) -> User:
        number = next(counter)
        fields = {
            "email": f"{role}{number}@exemple.fr",
            "name": f"{role.capitalize()} {number}",
            "role": role,
            "password_hash": hash_password(TEST_PASSWORD),
            **overrides,
        }
        user = User(**fields)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_session(app):
    def make(**overrides) -> TrainingSession:
        fields = {
            "title": "La pratique de l'Aller Vers les publics – module 2",
            "module": "Module 2",
            "audience": "Travailleurs sociaux de niveau 6",
            "objectives": ["Objectif un", "Objectif deux"],
            "registration_deadline": date(2021, 11, 19),
            **overrides,
        }
        training = TrainingSession(**fields)
        db.session.add(training)
        db.session.commit()
        return training

    return make


@pytest.fixture
def make_group(app):
    counter = iter(range(1, 10_000))

    def make(training, *, trainers=(), trainees=(), code: str | None = None, **overrides):
        number = next(counter)
        group = Group(
            session=training, **{"name": f"Groupe {number}", "city": "Orléans", **overrides}
        )
        group.invitation_codes.append(
            InvitationCode(code=code or f"TST{number:06d}", created_at=utcnow())
        )
        for person, role in [(p, "formateur") for p in trainers] + [
            (p, "stagiaire") for p in trainees
        ]:
            group.memberships.append(Membership(user=person, role=role, joined_at=utcnow()))
        db.session.add(group)
        db.session.commit()
        return group

    return make


@pytest.fixture
def make_attachment(app):
    """A référent's attachment to a structure, approved (by nobody in particular) unless said."""

    def make(user: User, structure, status: str = "approved") -> ReferentAttachment:
        now = utcnow()
        attachment = ReferentAttachment(
            user_id=user.id, structure_id=structure.id, status=status, requested_at=now
        )
        if status != "requested":
            attachment.decided_at = now
        db.session.add(attachment)
        db.session.commit()
        return attachment

    return make


# ----- a small world: one session, two groups, one person per role ----------------------------


@pytest.fixture
def world(make_user, make_session, make_group, make_structure, make_attachment):
    """Everyone the permission tests need, as a dict of records."""
    structure = make_structure()
    people = {
        "admin": make_user("admin"),
        "formateur": make_user("formateur"),
        "formateur_autre": make_user("formateur"),
        "stagiaire": make_user("stagiaire", structure_id=structure.id, job_title="ASS"),
        "stagiaire_autre": make_user("stagiaire"),
        "referent": make_user("referent", structure_id=structure.id),
    }
    make_attachment(people["referent"], structure)  # granted: the rights come from here
    training = make_session()
    group = make_group(
        training,
        name="Groupe 1 Orléans",
        trainers=[people["formateur"]],
        trainees=[people["stagiaire"]],
        code="ORLAAA111",
    )
    other = make_group(
        training,
        name="Groupe 2 Tours",
        city="Tours",
        trainers=[people["formateur_autre"]],
        trainees=[people["stagiaire_autre"]],
        code="TOUBBB222",
    )
    return {
        **people,
        "session": training,
        "group": group,
        "other_group": other,
        "structure": structure,
        **_world_maps(people, structure, group, make_structure),
    }


def _world_maps(people, focal, group, make_structure) -> dict:
    """The trainee's own map (focal structure, a partner, one link) and the group's map."""
    from allervers.maps import services as maps

    partner = make_structure(name="CAF du Loiret", typology="CAF", acronym="CAF")
    own = maps.create_map(people["stagiaire"], "Ma carte", "Orléans", focal.id)
    maps.add_entry(own, partner, {"influence": 4})
    link, _created = maps.save_link(own, focal.id, partner.id, {"level": 2, "status": "existant"})
    entry = next(e for e in own.live_entries if e.structure_id == partner.id)
    return {
        "map": own,
        "partner": partner,
        "link": link,
        "entry": entry,
        "group_map": maps.group_map(group),
    }


@pytest.fixture
def client_as(app, world):
    """client_as("formateur") → a test client signed in as that person of the world."""

    def make(who: str):
        client = app.test_client()
        if who != "anonyme":
            response = sign_in(client, world[who].email)
            assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return make
