"""The Alembic migrations produce exactly the models' schema (SQLite, and PostgreSQL in CI)."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from allervers import create_app
from allervers.core.database import include_in_schema
from allervers.extensions import db
from tests.conftest import config_for_tests


def schema_differences() -> list:
    with db.engine.connect() as connection:
        opts = {"compare_type": True, "include_name": include_in_schema}
        context = MigrationContext.configure(connection, opts=opts)
        return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_the_models(app):
    assert schema_differences() == []


def test_every_model_table_exists(app):
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_downgrade_then_upgrade_round_trip(tmp_path):
    """On a scratch SQLite file: the whole chain goes down and up again cleanly."""
    scratch = create_app(config_for_tests(f"sqlite:///{tmp_path / 'scratch.db'}"))
    with scratch.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        assert schema_differences() == []
        db.session.remove()
        db.engine.dispose()


def test_analysis_payloads_are_compressed_with_lz4_on_postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite does not compress")
    with db.engine.connect() as connection:
        method = connection.execute(
            text(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = 'analysis_results'::regclass AND attname = 'payload'"
            )
        ).scalar()
    assert method == "l"


def test_a_table_others_reference_is_rebuilt_with_its_data(tmp_path):
    """SQLite rebuilds a table to alter it (copy, drop, rename): with the demonstration's
    maps, accounts and links pointing at the structures, the drop must not trip the foreign
    keys, down then up again (0017 rebuilds `structures`). As `flask db upgrade` runs it: each
    transaction begins at once (BEGIN IMMEDIATE), which the suite's other apps defer."""
    from allervers.demo.loader import load_demo
    from allervers.directory.models import Structure

    config = config_for_tests(f"sqlite:///{tmp_path / 'scratch.db'}")
    config["SQLITE_BEGIN_OUTSIDE_REQUESTS"] = "IMMEDIATE"
    scratch = create_app(config)
    with scratch.app_context():
        upgrade()
        load_demo()
        count = db.session.query(Structure).count()
        db.session.remove()
        downgrade(revision="0016")
        upgrade()
        assert db.session.query(Structure).count() == count
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        db.session.remove()
        db.engine.dispose()
