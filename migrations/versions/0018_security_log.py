"""security_events: the security log, append-only at the database level

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 19:30:00

The table refuses UPDATE and DELETE by triggers (see allervers/auth/security_log.py), with two
exceptions: an UPDATE that only clears user_id/actor_id (the account was deleted: the entry
keeps its e-mail), and the purge's DELETE — on PostgreSQL when the transaction has set
`allervers.purge` to 'on', on SQLite when the connection's `allervers_purging()` function,
registered by the app on each of its connections, says so (a client without it cannot delete).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# The UPDATE allowed: nothing changes but user_id and actor_id, each kept or cleared.
ONLY_UNLINKS = """
    NEW.id = OLD.id AND NEW.created_at = OLD.created_at AND NEW.kind = OLD.kind
    AND NEW.email {same} OLD.email AND NEW.address {same} OLD.address
    AND NEW.detail = OLD.detail
    AND (NEW.user_id {same} OLD.user_id OR NEW.user_id IS NULL)
    AND (NEW.actor_id {same} OLD.actor_id OR NEW.actor_id IS NULL)
"""

POSTGRES_FUNCTION = f"""
CREATE FUNCTION security_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('allervers.purge', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'security_events is append-only: only the purge deletes';
    END IF;
    IF {ONLY_UNLINKS.format(same="IS NOT DISTINCT FROM")} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'security_events is append-only: no update';
END
$$
"""

SQLITE_TRIGGERS = (
    f"""
    CREATE TRIGGER security_events_no_update BEFORE UPDATE ON security_events
    WHEN NOT ({ONLY_UNLINKS.format(same="IS")})
    BEGIN SELECT RAISE(ABORT, 'security_events is append-only: no update'); END
    """,
    """
    CREATE TRIGGER security_events_no_delete BEFORE DELETE ON security_events
    WHEN NOT allervers_purging()
    BEGIN SELECT RAISE(ABORT, 'security_events is append-only: only the purge deletes'); END
    """,
)


def upgrade():
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_security_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_security_events_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_events_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_security_events_kind"), ["kind"])
        batch_op.create_index(batch_op.f("ix_security_events_user_id"), ["user_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(
            "CREATE TRIGGER security_events_append_only BEFORE UPDATE OR DELETE "
            "ON security_events FOR EACH ROW EXECUTE FUNCTION security_events_append_only()"
        )
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER security_events_append_only ON security_events")
        op.execute("DROP FUNCTION security_events_append_only()")
    else:
        op.execute("DROP TRIGGER security_events_no_delete")
        op.execute("DROP TRIGGER security_events_no_update")
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_security_events_kind"))
        batch_op.drop_index(batch_op.f("ix_security_events_created_at"))
    op.drop_table("security_events")
