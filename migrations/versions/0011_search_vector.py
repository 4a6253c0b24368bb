"""initiatives: a stored French tsvector for the full-text search (PostgreSQL only)

With the expression index of 0007, PostgreSQL often chose to scan the table and compute
to_tsvector('french', search_text) for every initiative on each search (0.5 s for 500
initiatives of a few pages each: the function is far costlier than the planner assumes). A
generated column is computed once per write; the search and its GIN index read it. SQLite keeps
its FTS5 table. Like the index, the column is each database's own, outside the models.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 18:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE initiatives ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('french', search_text)) STORED"
    )
    op.execute("DROP INDEX IF EXISTS ix_initiatives_fulltext")
    op.execute("CREATE INDEX ix_initiatives_fulltext ON initiatives USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_initiatives_fulltext")
    op.execute("ALTER TABLE initiatives DROP COLUMN search_vector")
    op.execute(
        "CREATE INDEX ix_initiatives_fulltext ON initiatives USING gin "
        "(to_tsvector('french', search_text))"
    )
