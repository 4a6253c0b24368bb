"""live workshop: the maps' activity feed, and a lock set when a workshop is closed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 09:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "map_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("map_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=True),
        sa.Column("other_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("screen", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_map_activity_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["map_id"],
            ["cooperation_maps.id"],
            name=op.f("fk_map_activity_map_id_cooperation_maps"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_activity")),
    )
    op.create_index("ix_map_activity_map_version", "map_activity", ["map_id", "version"])
    with op.batch_alter_table("cooperation_maps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("locked_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cooperation_maps_locked_by_id_users"), "users", ["locked_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("cooperation_maps", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cooperation_maps_locked_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("locked_by_id")
        batch_op.drop_column("locked_at")
    op.drop_index("ix_map_activity_map_version", table_name="map_activity")
    op.drop_table("map_activity")
