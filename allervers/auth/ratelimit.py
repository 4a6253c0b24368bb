"""Windowed counters shared by every worker: Redis when REDIS_URL is set, else the database.

Every change is one atomic operation on the store (a Redis transaction or script, an SQL
upsert or update), so concurrent workers never lose a hit. When Redis does not answer, the
database counts instead: the limits keep protecting accounts (the counts start again from
zero on the other store).
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from allervers.auth.models import RateCounter
from allervers.core.redis_client import with_redis
from allervers.core.timeutil import utcnow
from allervers.extensions import db

# Takes ARGV[1] off a counter, never below zero, and keeps its expiry.
_SUBTRACT = """
local left = tonumber(redis.call('GET', KEYS[1]) or '0') - tonumber(ARGV[1])
if left < 0 then left = 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('SET', KEYS[1], left, 'KEEPTTL') end
return left
"""


def now() -> datetime:
    """The counters' clock (naive UTC); tests move it to cross windows."""
    return utcnow()


def count(key: str) -> int:
    """How many hits `key` has in its current window."""
    counted = with_redis(lambda client: int(client.get(_redis_key(key)) or 0))
    if counted is not None:
        return counted
    row = db.session.get(RateCounter, key)
    return row.count if row and row.window_ends_at > now() else 0


def ends_at(key: str) -> datetime | None:
    """When the current window of `key` ends, None when it has none."""
    left = with_redis(lambda client: client.pttl(_redis_key(key)))
    if left is not None:
        return now() + timedelta(milliseconds=left) if left > 0 else None
    row = db.session.get(RateCounter, key)
    return row.window_ends_at if row and row.window_ends_at > now() else None


def hit(key: str, window: timedelta) -> int:
    """Add one hit and return the new count; a window that has ended starts again at 1."""
    hits = with_redis(_hit_redis, key, window)
    return hits if hits is not None else _hit_database(key, window)


def hit_until(key: str, until: datetime, amount: int = 1) -> int:
    """Add `amount` hits (0 only moves the end) and return the new count; from now on the
    window ends at `until`. A window that had ended starts again from `amount`."""
    hits = with_redis(_hit_until_redis, key, until, amount)
    return hits if hits is not None else _hit_database(key, until - now(), amount, move_end=True)


def subtract(key: str, amount: int) -> None:
    """Take `amount` hits off, never below zero; the window keeps its end."""
    done = with_redis(lambda client: client.eval(_SUBTRACT, 1, _redis_key(key), amount))
    if done is not None:
        return
    table = RateCounter.__table__
    db.session.execute(
        update(table)
        .where(table.c.key == key)
        .values(count=case((table.c.count > amount, table.c.count - amount), else_=0))
    )
    db.session.commit()


def reset(key: str) -> None:
    with_redis(lambda client: client.delete(_redis_key(key)))
    db.session.execute(delete(RateCounter).where(RateCounter.key == key))
    db.session.commit()


def reset_matching(prefix: str, suffix: str) -> None:
    """Reset every key that starts with `prefix` and ends with `suffix` (rare: a scan)."""

    def delete_matching(client) -> None:
        for redis_key in client.scan_iter(match=f"{_redis_key(prefix)}*{suffix}"):
            client.delete(redis_key)

    with_redis(delete_matching)
    key = RateCounter.key
    matching = key.startswith(prefix, autoescape=True) & key.endswith(suffix, autoescape=True)
    db.session.execute(delete(RateCounter).where(matching))
    db.session.commit()


def _redis_key(key: str) -> str:
    return f"allervers:rate:{key}"


def _hit_redis(client, key: str, window: timedelta) -> int:
    pipe = client.pipeline()
    pipe.incr(_redis_key(key))
    pipe.expire(_redis_key(key), int(window.total_seconds()), nx=True)
    return int(pipe.execute()[0])


def _hit_until_redis(client, key: str, until: datetime, amount: int) -> int:
    pipe = client.pipeline()
    pipe.incrby(_redis_key(key), amount)
    pipe.pexpireat(_redis_key(key), int(until.replace(tzinfo=UTC).timestamp() * 1000))
    return int(pipe.execute()[0])


def _hit_database(key: str, window: timedelta, amount: int = 1, *, move_end: bool = False) -> int:
    """One atomic upsert, so concurrent workers never lose a hit."""
    moment = now()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = RateCounter.__table__
    expired = table.c.window_ends_at <= moment
    end = moment + window
    kept_end = case((expired, end), else_=table.c.window_ends_at)
    statement = insert(table).values(key=key, count=amount, window_ends_at=end)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case((expired, amount), else_=table.c.count + amount),
            "window_ends_at": end if move_end else kept_end,
        },
    )
    db.session.execute(statement)
    db.session.commit()
    return db.session.execute(select(table.c.count).where(table.c.key == key)).scalar_one()
