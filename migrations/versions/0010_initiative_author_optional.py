"""an initiative's author becomes optional: a deleted account leaves its shared initiatives

SQLite cannot drop a NOT NULL in place: the batch operation rebuilds the table, which drops
the triggers that keep the full-text table in step (migration 0007); they are created again.
migrations/env.py turns SQLite's foreign keys off while migrating, as the rebuild requires.

Downgrading fails while initiatives without an author exist.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


SQLITE_TRIGGERS = (
    "CREATE TRIGGER initiatives_fts_insert AFTER INSERT ON initiatives BEGIN "
    "INSERT INTO initiatives_fts(rowid, title, search_text) "
    "VALUES (new.id, new.title, new.search_text); END",
    "CREATE TRIGGER initiatives_fts_delete AFTER DELETE ON initiatives BEGIN "
    "INSERT INTO initiatives_fts(initiatives_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); END",
    "CREATE TRIGGER initiatives_fts_update AFTER UPDATE OF title, search_text ON initiatives BEGIN "
    "INSERT INTO initiatives_fts(initiatives_fts, rowid, title, search_text) "
    "VALUES ('delete', old.id, old.title, old.search_text); "
    "INSERT INTO initiatives_fts(rowid, title, search_text) "
    "VALUES (new.id, new.title, new.search_text); END",
)


def _set_author_nullable(nullable):
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table('initiatives', schema=None) as batch_op:
        batch_op.alter_column('author_id', existing_type=sa.Integer(), nullable=nullable)
    if sqlite:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS initiatives_fts_{trigger}")
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade():
    _set_author_nullable(True)


def downgrade():
    _set_author_nullable(False)
