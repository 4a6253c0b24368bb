"""Reading what the history recorded, for the history tests."""

import pytest
from sqlalchemy import select

from allervers.extensions import db
from allervers.history.models import HistoryEvent
from tests.initiatives.conftest import make_effect, make_initiative  # noqa: F401 - fixtures


@pytest.fixture
def recorded(app):
    """recorded("link", 3) → [(action, actor id, changes)] of that record, oldest first."""

    def read(kind: str, record_id: int) -> list[tuple]:
        query = (
            select(HistoryEvent)
            .where(HistoryEvent.kind == kind, HistoryEvent.record_id == record_id)
            .order_by(HistoryEvent.id)
        )
        return [(e.action, e.actor_id, e.changes) for e in db.session.scalars(query)]

    return read
