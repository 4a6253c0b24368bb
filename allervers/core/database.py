"""Engine settings that depend on the database in use, and SQLite's write transactions.

SQLite lets one writer at a time in, and in WAL mode readers never wait. A transaction that
begins deferred, reads, then writes cannot wait its turn: if another worker committed since
its first read, SQLite refuses at once ("database is locked", SQLITE_BUSY_SNAPSHOT) whatever
the busy timeout. So a transaction that is going to write begins with `BEGIN IMMEDIATE`,
which takes the write lock up front and waits for it (busy_timeout); one that only reads
begins deferred, so that pages never queue behind a save.

Which is which: a request that changes something (POST and the like) writes; a GET reads —
its few writes (a visit, a cached analysis) go through `write_transaction()`; command-line
tools write; background jobs read for seconds, then store their result through
`write_transaction()`. PostgreSQL needs none of this: row locks and the version columns
do the work there.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, current_app, has_app_context, has_request_context, request
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from allervers.extensions import db

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BEGIN_KEY = "allervers_begin"  # how the connection's current transaction began
# The sqlite3 module's own way, for the test suite's session outside requests: no transaction
# until the first INSERT/UPDATE/DELETE, so its reads always see the latest commit.
AT_FIRST_WRITE = "AT_FIRST_WRITE"
_lock_up_front: ContextVar[bool | None] = ContextVar("sqlite_lock_up_front", default=None)


def load_models() -> None:
    """Import every domain's models so that SQLAlchemy and Alembic know all the tables."""
    from allervers.admin import models as _admin  # noqa: F401
    from allervers.analysis import models as _analysis  # noqa: F401
    from allervers.auth import models as _auth  # noqa: F401
    from allervers.directory import models as _directory  # noqa: F401
    from allervers.followup import models as _followup  # noqa: F401
    from allervers.history import models as _history  # noqa: F401
    from allervers.initiatives import models as _initiatives  # noqa: F401
    from allervers.maps import models as _maps  # noqa: F401
    from allervers.training import models as _training  # noqa: F401


def configure_engine(app: Flask) -> None:
    load_models()
    app.teardown_appcontext(end_session)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        event.listen(db.engine, "connect", _sqlite_connect)
        event.listen(db.engine, "begin", _sqlite_begin)


def end_session(_error: BaseException | None) -> None:
    """Close the request's session; a connection the server dropped (PostgreSQL restarted
    while the page was rendered) is discarded, and the answer already made still goes out.

    Runs before Flask-SQLAlchemy's own teardown (registered later, called first).
    """
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("Connexion à la base perdue en fin de requête : %s", error)
        db.session.registry.clear()


def _sqlite_connect(connection, _record) -> None:
    """Foreign keys on; WAL and a busy timeout so several workers can share the file.

    `isolation_level = None` stops the sqlite3 module from emitting its own (deferred)
    BEGIN: `_sqlite_begin` emits the right one (SQLAlchemy's documented recipe).
    """
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    mode = begin_mode()
    connection.info[BEGIN_KEY] = mode
    driver = connection.connection.driver_connection
    if mode == AT_FIRST_WRITE:
        driver.isolation_level = "DEFERRED"  # sqlite3 begins before the first write
        return
    driver.isolation_level = None
    connection.exec_driver_sql(f"BEGIN {mode}")


def begin_mode() -> str:
    """IMMEDIATE for a transaction that is going to write, DEFERRED for one that reads."""
    wanted = _lock_up_front.get()
    if wanted is None and has_request_context():
        wanted = request.method not in SAFE_METHODS
    if wanted is not None:
        return "IMMEDIATE" if wanted else "DEFERRED"
    if has_app_context():
        return current_app.config.get("SQLITE_BEGIN_OUTSIDE_REQUESTS", "IMMEDIATE")
    return "IMMEDIATE"


@contextmanager
def write_transaction(keep_loaded: bool = False) -> Iterator[None]:
    """Run the writes of a reading request or job in their own IMMEDIATE transaction.

    The reading transaction ends here (it has only read: committing it loses nothing) and
    the next one takes the write lock up front, so the write waits its turn instead of
    failing when another worker saved meanwhile. Read again inside what the write depends
    on. The block commits its writes itself; the lock is released at its end.

    `keep_loaded`: for writes made with SQL statements only (no ORM object involved), the
    objects the request has loaded stay loaded instead of being read again after the commits.
    """
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, not keep_loaded
    try:
        if db.engine.dialect.name != "sqlite" or _current_mode() != "DEFERRED":
            yield
        else:
            with _immediate_transaction(session):
                yield
    finally:
        session.expire_on_commit = expire_on_commit


@contextmanager
def _immediate_transaction(session) -> Iterator[None]:
    session.commit()
    token = _lock_up_front.set(True)
    try:
        yield
    except BaseException:
        session.rollback()
        raise
    else:
        session.commit()
    finally:
        _lock_up_front.reset(token)


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begin deferred (a background job that reads for seconds must not hold
    the write lock meanwhile); its writes use `write_transaction()`."""
    token = _lock_up_front.set(False)
    try:
        yield
    finally:
        _lock_up_front.reset(token)


def _current_mode() -> str:
    session = db.session()
    if session.in_transaction():
        return session.connection().info.get(BEGIN_KEY, "DEFERRED")
    return begin_mode()


def include_in_schema(name: str | None, type_: str, _parent_names) -> bool:
    """What the models describe. The full-text index of initiatives is each database's own
    (SQLite FTS5 tables; a PostgreSQL stored tsvector column and its GIN index) and is created
    by its migrations."""
    if type_ == "table" and name and name.startswith("initiatives_fts"):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name == "ix_initiatives_fulltext")


def reserve_ids(model, count: int) -> list[int] | None:
    """On PostgreSQL, `count` ids taken from the table's sequence, to set on new rows before a
    bulk insert: with their keys known, SQLAlchemy sends one prepared INSERT many times
    instead of building INSERT … RETURNING statements of thousands of parameters, which
    psycopg parses in Python (a third of a 5,000-row import). None elsewhere."""
    if count == 0 or db.session.get_bind().dialect.name != "postgresql":
        return None
    table = model.__table__
    query = text(
        "SELECT nextval(pg_get_serial_sequence(:table, :column)) FROM generate_series(1, :count)"
    )
    values = {"table": table.name, "column": table.primary_key.columns[0].name, "count": count}
    return list(db.session.scalars(query, values))
