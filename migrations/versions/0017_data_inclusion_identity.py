"""structures: data·inclusion identity (source + id), coordinates, modes d'accueil; shared SIRETs

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 15:40:00

data·inclusion allows a head office's SIRET on several structures (its own examples share
one), so the SIRET becomes an ordinary indexed column; a structure imported from
data·inclusion is identified by its `source` and `id` there, unique together.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("structures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("modes_accueil", sa.JSON(), nullable=True))
    op.execute("UPDATE structures SET modes_accueil = '[]'")
    with op.batch_alter_table("structures", schema=None) as batch_op:
        batch_op.alter_column("modes_accueil", existing_type=sa.JSON(), nullable=False)
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("di_source", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("di_id", sa.String(length=200), nullable=True))
        batch_op.drop_constraint(batch_op.f("uq_structures_siret"), type_="unique")
        batch_op.create_index(batch_op.f("ix_structures_siret"), ["siret"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_structures_di_source"), ["di_source", "di_id"]
        )


def downgrade():
    # Two structures may now share a SIRET: the older rows keep theirs, the others lose it.
    op.execute(
        "UPDATE structures SET siret = NULL WHERE siret IS NOT NULL AND id NOT IN "
        "(SELECT MIN(id) FROM structures WHERE siret IS NOT NULL GROUP BY siret)"
    )
    with op.batch_alter_table("structures", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_structures_di_source"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_structures_siret"))
        batch_op.create_unique_constraint(batch_op.f("uq_structures_siret"), ["siret"])
        batch_op.drop_column("di_id")
        batch_op.drop_column("di_source")
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
        batch_op.drop_column("modes_accueil")
