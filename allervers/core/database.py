"""Engine settings that depend on the database in use."""

from flask import Flask
from sqlalchemy import event

from allervers.extensions import db


def load_models() -> None:
    """Import every domain's models so that SQLAlchemy and Alembic know all the tables."""
    from allervers.analysis import models as _analysis  # noqa: F401
    from allervers.auth import models as _auth  # noqa: F401
    from allervers.directory import models as _directory  # noqa: F401
    from allervers.followup import models as _followup  # noqa: F401
    from allervers.initiatives import models as _initiatives  # noqa: F401
    from allervers.maps import models as _maps  # noqa: F401
    from allervers.training import models as _training  # noqa: F401


def configure_engine(app: Flask) -> None:
    load_models()
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(connection, _record) -> None:
    """Foreign keys on; WAL and a busy timeout so several workers can share the file."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


def include_in_schema(name: str | None, type_: str, _parent_names) -> bool:
    """What the models describe. The full-text index of initiatives is each database's own
    (SQLite FTS5 tables; a PostgreSQL stored tsvector column and its GIN index) and is created
    by its migrations."""
    if type_ == "table" and name and name.startswith("initiatives_fts"):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name == "ix_initiatives_fulltext")
