"""referent attachments: a référent's rights on a structure are granted, never self-declared

Until now a référent's rights followed users.structure_id, which the person sets on their own
account. Each existing référent with a structure gets a *pending* request for it: nobody keeps
rights they may have given themselves, and an administrator approves the real ones from the
list of requests.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 03:50:06.649633

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "referent_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_referent_attachments_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["structure_id"],
            ["structures.id"],
            name=op.f("fk_referent_attachments_structure_id_structures"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_referent_attachments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referent_attachments")),
    )
    with op.batch_alter_table("referent_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referent_attachments_structure_id"), ["structure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referent_attachments_user_id"), ["user_id"], unique=False
        )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.execute(
        sa.text(
            "INSERT INTO referent_attachments (user_id, structure_id, status, requested_at) "
            "SELECT id, structure_id, 'requested', :now FROM users "
            "WHERE role = 'referent' AND structure_id IS NOT NULL"
        ).bindparams(now=now)
    )


def downgrade():
    with op.batch_alter_table("referent_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referent_attachments_user_id"))
        batch_op.drop_index(batch_op.f("ix_referent_attachments_structure_id"))

    op.drop_table("referent_attachments")
