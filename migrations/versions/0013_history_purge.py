"""history: old values erased from an entry (personal data typed by mistake), who and when

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 04:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("history_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("purged_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_history_events_purged_by_id_users"),
            "users",
            ["purged_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("history_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_history_events_purged_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("purged_by_id")
        batch_op.drop_column("purged_at")
