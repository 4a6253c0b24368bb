"""Analysis results kept per version of their data, shared by every worker, kept across restarts.

Redis holds them when REDIS_URL is set, the database (`analysis_results`) otherwise — and
also when Redis does not answer, so that pages keep working (slower) during an outage.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite

from allervers.analysis.models import AnalysisResult
from allervers.core.redis_client import with_redis
from allervers.core.timeutil import utcnow
from allervers.extensions import db

# A job still pending after this long is taken for lost (its worker died) and queued again.
PENDING_TIMEOUT = timedelta(minutes=10)
FIELDS = ("version", "payload", "computed_at", "pending_version", "pending_since")


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


def load(key: str) -> Stored:
    """What is stored under `key` (an empty `Stored` when nothing is)."""
    stored = with_redis(_redis_load, key)
    if stored is not None:
        return stored
    row = db.session.get(AnalysisResult, key)
    if row is None:
        return Stored()
    return Stored(**{field: getattr(row, field) for field in FIELDS})


def save(key: str, version: str, payload: dict) -> None:
    """Keep `payload` as the result for `version`; the pending mark goes if it was for it."""
    stored = load(key)
    pending_done = stored.pending_version in (None, version)
    _write(
        key,
        version=version,
        payload=payload,
        computed_at=utcnow(),
        pending_version=None if pending_done else stored.pending_version,
        pending_since=None if pending_done else stored.pending_since,
    )


def claim(key: str, version: str) -> bool:
    """Mark `version` as being computed; False when a job is already on it (do not queue twice)."""
    stored = load(key)
    if stored.is_fresh(version) or stored.is_pending(version):
        return False
    _write(
        key,
        version=stored.version,
        payload=stored.payload,
        computed_at=stored.computed_at,
        pending_version=version,
        pending_since=utcnow(),
    )
    return True


def release(key: str) -> None:
    """Forget the pending mark (the job failed): the next visit queues it again."""
    stored = load(key)
    _write(key, **{**stored.__dict__, "pending_version": None, "pending_since": None})


# ----- storage --------------------------------------------------------------------------------


def _write(key: str, **values) -> None:
    if with_redis(_redis_write, key, values) is not None:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(AnalysisResult.__table__).values(key=key, **values)
    statement = statement.on_conflict_do_update(index_elements=["key"], set_=values)
    db.session.execute(statement)
    db.session.commit()


def _redis_key(key: str) -> str:
    return f"allervers:analysis:{key}"


def _redis_load(client, key: str) -> Stored:
    raw = client.get(_redis_key(key))
    if raw is None:
        return Stored()
    data = json.loads(raw)
    for field in ("computed_at", "pending_since"):
        if data.get(field):
            data[field] = datetime.fromisoformat(data[field])
    return Stored(**data)


def _redis_write(client, key: str, values: dict) -> bool:
    data = {
        field: value.isoformat() if isinstance(value, datetime) else value
        for field, value in values.items()
    }
    client.set(_redis_key(key), json.dumps(data))
    return True
