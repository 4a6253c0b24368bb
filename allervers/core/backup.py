"""Backups: an online copy of the SQLite file, pg_dump / pg_restore for PostgreSQL.

SQLite uses its backup API, which copies a consistent state while the app keeps running
(and writes into the live file the same way on restore). PostgreSQL uses its own tools, in
the custom format; they must be of the server's major version.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from allervers.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# What the restore prompt counts, so that the person sees what they are about to replace.
COUNTED = {"users": "comptes", "cooperation_maps": "cartes", "initiatives": "initiatives"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in French."""


def database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("Base SQLite en mémoire ou en URI : rien à sauvegarder sur disque.")
    return Path(url.database)


def default_path(url: URL) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = ".db" if is_sqlite(url) else ".dump"
    return Path(current_app.instance_path) / "backups" / f"allervers-{stamp}{suffix}"


def backup(path: Path | None = None) -> Path:
    """Write a backup of the configured database to `path` (a dated file by default)."""
    url = database_url()
    target = Path(path) if path else default_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partiel")  # never a truncated file under its name
    partial.unlink(missing_ok=True)
    try:
        if is_sqlite(url):
            _sqlite_backup(sqlite_file(url), partial)
        else:
            _pg_dump(url, partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(path: Path) -> None:
    """Replace the whole content of the configured database with the backup at `path`."""
    url = database_url()
    _check_kind(url, path)
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold a lock on what is replaced
    if is_sqlite(url):
        _sqlite_restore(path, sqlite_file(url))
    else:
        _pg_restore(url, path)


# ----- SQLite ---------------------------------------------------------------------------------


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"La base {source} n'existe pas.")
    with _sqlite(source) as live, _sqlite(target) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("La copie est endommagée : sauvegarde abandonnée.")


def _sqlite_restore(source: Path, target: Path) -> None:
    with _sqlite(source) as saved, _sqlite(target) as live:
        saved.backup(live)


def _sqlite(path: Path) -> closing[sqlite3.Connection]:
    """A connection closed on leaving the `with` (sqlite3's own `with` only commits)."""
    return closing(sqlite3.connect(path, timeout=30))


def _sqlite_counts(path: Path) -> dict[str, int]:
    with _sqlite(path) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in COUNTED
        }


# ----- PostgreSQL -----------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} est introuvable : installez le client PostgreSQL (paquet postgresql-client, "
            "de la même version majeure que le serveur) ou ajoutez-le au PATH."
        )
    return found


def _libpq(url: URL) -> tuple[str, dict]:
    """The URL for pg_dump / pg_restore, without the password (passed in the environment,
    where `ps` does not show it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} a échoué :\n{result.stderr.strip()}")


def _pg_dump(url: URL, target: Path) -> None:
    dsn, env = _libpq(url)
    command = [_tool("pg_dump"), "--format=custom", f"--file={target}", f"--dbname={dsn}"]
    _run(command, env, "pg_dump")


def _pg_restore(url: URL, source: Path) -> None:
    dsn, env = _libpq(url)
    command = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",  # all or nothing
        "--exit-on-error",
        f"--dbname={dsn}",
        str(source),
    ]
    _run(command, env, "pg_restore")


# ----- what a restore replaces ----------------------------------------------------------------


def _check_kind(url: URL, path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    expected, label = (SQLITE_MAGIC, "SQLite") if is_sqlite(url) else (PG_DUMP_MAGIC, "pg_dump")
    if not head.startswith(expected):
        raise BackupError(
            f"{path} n'est pas une sauvegarde {label} : la base configurée est "
            f"{'SQLite' if is_sqlite(url) else 'PostgreSQL'}."
        )
    if is_sqlite(url):
        try:
            _sqlite_counts(path)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} n'est pas une sauvegarde d'Aller-vers ({error}).") from None


def _live_summary() -> str:
    try:
        tables = set(inspect(db.engine).get_table_names())
        counts = {
            table: db.session.scalar(select(func.count()).select_from(db.metadata.tables[table]))
            for table in COUNTED
            if table in tables
        }
        revision = (
            db.session.scalar(text("SELECT version_num FROM alembic_version"))
            if "alembic_version" in tables
            else None
        )
    except SQLAlchemyError:
        return "illisible"
    finally:
        db.session.remove()
    return f"{_counted(counts)}, révision des migrations {revision or 'aucune'}"


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} Mo".replace(".", ",")


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(table, 0)} {label}" for table, label in COUNTED.items())


def describe_restore(path: Path) -> list[str]:
    """The lines printed before a restore: what is replaced, by what."""
    url = database_url()
    _check_kind(url, path)
    stat = path.stat()
    written = datetime.fromtimestamp(stat.st_mtime).strftime("%d/%m/%Y à %H:%M")
    lines = [
        f"Base actuelle : {url.render_as_string(hide_password=True)} ({_live_summary()}).",
        f"Sauvegarde : {path} ({megabytes(stat.st_size)}, écrite le {written}"
        + (f" ; {_counted(_sqlite_counts(path))})." if is_sqlite(url) else ")."),
        "Tout le contenu actuel de la base sera remplacé par celui de la sauvegarde.",
    ]
    return lines
