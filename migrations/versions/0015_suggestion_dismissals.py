"""suggestion dismissals: the suggested partners a map's editors set aside

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 12:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "suggestion_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dismissed_by_id"],
            ["users.id"],
            name=op.f("fk_suggestion_dismissals_dismissed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["cooperation_maps.id"],
            name=op.f("fk_suggestion_dismissals_map_id_cooperation_maps"),
        ),
        sa.ForeignKeyConstraint(
            ["structure_id"],
            ["structures.id"],
            name=op.f("fk_suggestion_dismissals_structure_id_structures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_dismissals")),
        sa.UniqueConstraint(
            "map_id", "structure_id", name=op.f("uq_suggestion_dismissals_map_id")
        ),
    )


def downgrade():
    op.drop_table("suggestion_dismissals")
