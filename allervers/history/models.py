"""One recorded change of a tracked record: created, updated, deleted, restored, merged."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from allervers.core.timeutil import utcnow
from allervers.extensions import db

if TYPE_CHECKING:
    from allervers.auth.models import User

ACTIONS = {
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "restore": "Restauration",
    "merge": "Fusion",
    "unmerge": "Fusion annulée",
}


# What an erased value becomes in `changes`: no text can be mistaken for it.
PURGED = {"purged": True}


def is_purged(value) -> bool:
    return value == PURGED


class HistoryEvent(db.Model):
    """Written by allervers.history.recorder, never by hand; `changes` is {field: [old, new]}."""

    __tablename__ = "history_events"
    __table_args__ = (Index("ix_history_events_record", "kind", "record_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    # None when no one was signed in: the command line, the demo loader, the worker.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    # Old values erased (personal data typed by mistake): who did it and when, not what it was.
    purged_at: Mapped[datetime | None]
    purged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])
    purged_by: Mapped["User | None"] = relationship(foreign_keys=[purged_by_id])

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    def __repr__(self) -> str:
        return f"<HistoryEvent {self.kind} {self.record_id} {self.action}>"
