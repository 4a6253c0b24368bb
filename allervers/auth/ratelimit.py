"""Fixed-window counters shared by every worker: Redis when REDIS_URL is set, else the database.

When Redis does not answer, the database counts instead: the limits keep protecting
accounts (the counts start again from zero on the other store).
"""

from datetime import timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from allervers.auth.models import RateCounter
from allervers.core.redis_client import with_redis
from allervers.core.timeutil import utcnow
from allervers.extensions import db


def count(key: str) -> int:
    """How many hits `key` has in its current window."""
    counted = with_redis(lambda client: int(client.get(f"allervers:rate:{key}") or 0))
    if counted is not None:
        return counted
    row = db.session.get(RateCounter, key)
    return row.count if row and row.window_ends_at > utcnow() else 0


def hit(key: str, window: timedelta) -> int:
    """Add one hit and return the new count; a window that has ended starts again at 1."""
    hits = with_redis(_hit_redis, key, window)
    return hits if hits is not None else _hit_database(key, window)


def reset(key: str) -> None:
    with_redis(lambda client: client.delete(f"allervers:rate:{key}"))
    db.session.execute(delete(RateCounter).where(RateCounter.key == key))
    db.session.commit()


def _hit_redis(client, key: str, window: timedelta) -> int:
    redis_key = f"allervers:rate:{key}"
    pipe = client.pipeline()
    pipe.incr(redis_key)
    pipe.expire(redis_key, int(window.total_seconds()), nx=True)
    return int(pipe.execute()[0])


def _hit_database(key: str, window: timedelta) -> int:
    """One atomic upsert, so concurrent workers never lose a hit."""
    now = utcnow()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = RateCounter.__table__
    expired = table.c.window_ends_at <= now
    statement = insert(table).values(key=key, count=1, window_ends_at=now + window)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case((expired, 1), else_=table.c.count + 1),
            "window_ends_at": case((expired, now + window), else_=table.c.window_ends_at),
        },
    )
    db.session.execute(statement)
    db.session.commit()
    return db.session.execute(select(table.c.count).where(table.c.key == key)).scalar_one()
