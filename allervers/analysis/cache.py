"""Analysis results kept per version of their data, shared by every worker, kept across restarts.

Redis holds them when REDIS_URL is set, the database (`analysis_results`) otherwise — and
also when Redis does not answer, so that pages keep working (slower) during an outage.
A territory's result weighs megabytes: each process keeps the last few it parsed, and only
reads a result again when its version has changed.
"""

import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from allervers.analysis.models import AnalysisResult
from allervers.core.database import write_transaction
from allervers.core.redis_client import with_redis
from allervers.core.timeutil import utcnow
from allervers.extensions import db

# A job still pending after this long is taken for lost (its worker died) and queued again.
PENDING_TIMEOUT = timedelta(minutes=10)
# Territories are many (one per set of visible maps and area, a new one whenever a map is
# added) and weigh megabytes: only the most recently computed are kept, for a while.
TERRITORY = "territoire-"
TERRITORIES_KEPT = 100
TERRITORY_MAX_AGE = timedelta(days=30)
META = ("version", "computed_at", "pending_version", "pending_since")
PARSED_KEPT = 8
_parsed: OrderedDict[str, tuple[str, dict]] = OrderedDict()  # key → (version, payload)
_remembered: OrderedDict[str, tuple[str, object]] = OrderedDict()  # key → (version, value)
REMEMBERED_KEPT = 16


@dataclass
class Stored:
    version: str | None = None
    payload: dict | None = None
    computed_at: datetime | None = None
    pending_version: str | None = None
    pending_since: datetime | None = None

    def is_fresh(self, version: str) -> bool:
        return self.version == version and self.payload is not None

    def is_pending(self, version: str) -> bool:
        return (
            self.pending_version == version
            and self.pending_since is not None
            and utcnow() - self.pending_since < PENDING_TIMEOUT
        )


def load(key: str, only_version: str | None = None) -> Stored:
    """What is stored under `key` (an empty `Stored` when nothing is); with `only_version`,
    the payload is read only when it is of that version (the caller has no use for another)."""
    meta = with_redis(_redis_meta, key)
    from_redis = meta is not None
    if meta is None:
        meta = _database_meta(key)
    if meta is None:
        return Stored()
    has_payload = meta.pop("has_payload")
    stored = Stored(**meta)
    if has_payload and only_version in (None, stored.version):
        stored.payload = _payload(key, stored.version, from_redis)
    return stored


def _payload(key: str, version: str | None, from_redis: bool) -> dict | None:
    known = _parsed.get(key)
    if known is not None and known[0] == version:
        _parsed.move_to_end(key)
        return known[1]
    payload = with_redis(_redis_payload, key) if from_redis else None
    if payload is None:
        query = select(AnalysisResult.payload).where(AnalysisResult.key == key)
        payload = db.session.scalar(query)
    if payload is not None and version is not None:
        _parsed[key] = (version, payload)
        while len(_parsed) > PARSED_KEPT:
            _parsed.popitem(last=False)
    return payload


def forget_parsed() -> None:
    """Drop this process's parsed results (tests empty the database between them)."""
    _parsed.clear()
    _remembered.clear()


def remembered(key: str, version: str, compute):
    """`compute()`, run once per `version` of its data in this process (the last few kept)."""
    known = _remembered.get(key)
    if known is not None and known[0] == version:
        _remembered.move_to_end(key)
        return known[1]
    value = compute()
    _remembered[key] = (version, value)
    while len(_remembered) > REMEMBERED_KEPT:
        _remembered.popitem(last=False)
    return value


def forget(keys: list[str]) -> None:
    """Drop what is stored under `keys` (their data was deleted: an id reused later must not
    find it). The caller commits."""
    for key in keys:
        _parsed.pop(key, None)
    if keys:
        parts = [_redis_key(key, part) for key in keys for part in ("meta", "payload")]
        with_redis(lambda client: client.delete(*parts))
        db.session.execute(delete(AnalysisResult).where(AnalysisResult.key.in_(keys)))


def purge_territories() -> list[str]:
    """Forget the territory results beyond the TERRITORIES_KEPT most recently computed (or
    asked for) and those older than TERRITORY_MAX_AGE; returns their keys. In Redis they
    also expire on their own (see _redis_write)."""
    touched = func.coalesce(AnalysisResult.pending_since, AnalysisResult.computed_at)
    query = select(AnalysisResult.key, touched).where(
        AnalysisResult.key.startswith(TERRITORY, autoescape=True)
    )
    rows = sorted(db.session.execute(query), key=lambda row: row[1] or datetime.min, reverse=True)
    cutoff = utcnow() - TERRITORY_MAX_AGE
    gone = [
        key
        for rank, (key, at) in enumerate(rows)
        if rank >= TERRITORIES_KEPT or at is None or at < cutoff
    ]
    if gone:
        with write_transaction(keep_loaded=True):
            forget(gone)
            db.session.commit()
    return gone


def save(key: str, version: str, payload: dict) -> None:
    """Keep `payload` as the result for `version`; the pending mark goes if it was for it."""
    with write_transaction(keep_loaded=True):
        stored = load(key, only_version=version)
        values = {"version": version, "payload": payload, "computed_at": utcnow()}
        if stored.pending_version in (None, version):
            values.update(pending_version=None, pending_since=None)
        _write(key, values)


def claim(key: str, version: str) -> bool:
    """Mark `version` as being computed; False when a job is already on it (do not queue twice)."""
    with write_transaction(keep_loaded=True):
        stored = load(key, only_version=version)
        if stored.is_fresh(version) or stored.is_pending(version):
            return False
        _write(key, {"pending_version": version, "pending_since": utcnow()})
    return True


def release(key: str) -> None:
    """Forget the pending mark (the job failed): the next visit queues it again."""
    with write_transaction(keep_loaded=True):
        _write(key, {"pending_version": None, "pending_since": None})


# ----- storage --------------------------------------------------------------------------------


def _write(key: str, values: dict) -> None:
    """Set these fields of `key`'s record (the others are left as they are)."""
    if with_redis(_redis_write, key, values) is not None:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(AnalysisResult.__table__).values(key=key, **values)
    statement = statement.on_conflict_do_update(index_elements=["key"], set_=values)
    db.session.execute(statement)
    db.session.commit()


def _database_meta(key: str) -> dict | None:
    columns = [getattr(AnalysisResult, name) for name in META]
    query = select(*columns, AnalysisResult.payload.is_not(None)).where(AnalysisResult.key == key)
    row = db.session.execute(query).first()
    if row is None:
        return None
    return {**dict(zip(META, row[:-1], strict=True)), "has_payload": bool(row[-1])}


def _redis_key(key: str, part: str) -> str:
    return f"allervers:analysis:{key}:{part}"


def _redis_meta(client, key: str) -> dict | None:
    raw = client.get(_redis_key(key, "meta"))
    if raw is None:
        return None
    data = json.loads(raw)
    for name in ("computed_at", "pending_since"):
        if data.get(name):
            data[name] = datetime.fromisoformat(data[name])
    return {**{name: data.get(name) for name in META}, "has_payload": data.get("has_payload")}


def _redis_payload(client, key: str) -> dict | None:
    raw = client.get(_redis_key(key, "payload"))
    return None if raw is None else json.loads(raw)


def _redis_write(client, key: str, values: dict) -> bool:
    meta = _redis_meta(client, key) or {"has_payload": False}
    values = dict(values)
    payload = values.pop("payload", None)
    meta.update(values)
    if payload is not None:
        meta["has_payload"] = True
    encoded = {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in meta.items()
    }
    expiry = TERRITORY_MAX_AGE if key.startswith(TERRITORY) else None  # see purge_territories
    pipe = client.pipeline()
    if payload is not None:
        pipe.set(_redis_key(key, "payload"), json.dumps(payload), ex=expiry)
    elif expiry:
        pipe.expire(_redis_key(key, "payload"), expiry)
    pipe.set(_redis_key(key, "meta"), json.dumps(encoded), ex=expiry)
    pipe.execute()
    return True
