"""Migration 0012 on a database that holds référents: their self-declared structure becomes a
pending request, so that no right they may have given themselves survives the upgrade."""

from flask_migrate import upgrade
from sqlalchemy import text

from allervers import create_app
from allervers.extensions import db
from tests.conftest import config_for_tests

ROWS = (
    "INSERT INTO structures (id, name, has_custom_sector, thematiques, search_text, version) "
    "VALUES (1, 'CCAS', 0, '[]', 'ccas', 1)",
    "INSERT INTO users (id, email, name, password_hash, role, is_enabled, structure_id) VALUES "
    "(1, 'r@exemple.fr', 'R', 'x', 'referent', 1, 1), "
    "(2, 's@exemple.fr', 'S', 'x', 'stagiaire', 1, 1), "
    "(3, 'n@exemple.fr', 'N', 'x', 'referent', 1, NULL)",
)


def test_existing_referents_get_a_pending_request_not_a_right(tmp_path):
    scratch = create_app(config_for_tests(f"sqlite:///{tmp_path / 'scratch.db'}"))
    with scratch.app_context():
        upgrade(revision="0011")
        for statement in ROWS:
            db.session.execute(text(statement))
        db.session.commit()
        db.session.remove()
        upgrade()
        rows = db.session.execute(
            text("SELECT user_id, structure_id, status, decided_at FROM referent_attachments")
        ).all()
        assert [tuple(row) for row in rows] == [(1, 1, "requested", None)]
        db.session.remove()
        db.engine.dispose()
