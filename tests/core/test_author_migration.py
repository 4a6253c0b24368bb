"""Migration 0010 on a SQLite database that holds data: the rebuilt initiatives table keeps its
rows, its references and its full-text triggers (migrations run with foreign keys off)."""

from flask_migrate import upgrade
from sqlalchemy import inspect, text

from allervers import create_app
from allervers.extensions import db
from tests.conftest import config_for_tests

ROWS = (
    "INSERT INTO users (id, email, name, password_hash, role, is_enabled) "
    "VALUES (1, 'a@exemple.fr', 'A', 'x', 'stagiaire', 1)",
    "INSERT INTO initiatives (id, title, status, visibility, author_id, territory_kinds, "
    "non_take_up, is_reference, search_text, effects_count, version) VALUES "
    "(1, 'Maraude', 'en_cours', 'base', 1, '[]', '[]', 0, 'maraude du marche', 1, 1)",
    "INSERT INTO effects (id, initiative_id, observed_on, dimension, version) "
    "VALUES (1, 1, '2026-10-01', 'personnes', 1)",
)


def search(word: str) -> list[int]:
    query = text("SELECT rowid FROM initiatives_fts WHERE initiatives_fts MATCH :word")
    return list(db.session.scalars(query, {"word": word}))


def test_author_becomes_optional_without_losing_rows_or_the_search(tmp_path):
    scratch = create_app(config_for_tests(f"sqlite:///{tmp_path / 'scratch.db'}"))
    with scratch.app_context():
        upgrade(revision="0008")
        for statement in ROWS:
            db.session.execute(text(statement))
        db.session.commit()
        db.session.remove()
        upgrade()
        author = next(
            c for c in inspect(db.engine).get_columns("initiatives") if c["name"] == "author_id"
        )
        assert author["nullable"] is True
        assert db.session.scalar(text("SELECT count(*) FROM effects")) == 1
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
        assert db.session.scalar(text("PRAGMA foreign_keys")) == 1
        assert search("marche") == [1]
        db.session.execute(
            text("UPDATE initiatives SET search_text = 'permanence', author_id = NULL")
        )
        db.session.commit()
        assert (search("marche"), search("permanence")) == ([], [1])
        db.session.remove()
        db.engine.dispose()
