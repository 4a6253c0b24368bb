"""Analysis results kept between requests, workers and restarts; suggestions set aside."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from allervers.core.timeutil import utcnow
from allervers.extensions import db


class AnalysisResult(db.Model):
    """The last result computed for a map, a group or a territory, and the one being computed.

    `version` says which state of the data `payload` describes; a page compares it with the
    current state to know whether the result is still fresh. `pending_version` is set while
    a background job computes a newer one, so that a second visitor does not queue it again.
    """

    __tablename__ = "analysis_results"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict | None] = mapped_column(JSON)
    computed_at: Mapped[datetime | None] = mapped_column()
    pending_version: Mapped[str | None] = mapped_column(String(64))
    pending_since: Mapped[datetime | None] = mapped_column()

    def __repr__(self) -> str:
        return f"<AnalysisResult {self.key} v{self.version}>"


class SuggestionDismissal(db.Model):
    """A suggested partner that the map's editors set aside: the map's analysis leaves it out
    until someone restores it (« Rétablir »). Restoring deletes the row: nothing else depends
    on it, and the live feed of the map keeps the trace of both gestures."""

    __tablename__ = "suggestion_dismissals"
    __table_args__ = (UniqueConstraint("map_id", "structure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique pair starts with map_id: it is the index of « this map's dismissals » too.
    map_id: Mapped[int] = mapped_column(ForeignKey("cooperation_maps.id"))
    structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"))
    # NULL once that person's account is deleted: a group map's dismissal stays.
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    dismissed_at: Mapped[datetime] = mapped_column(default=utcnow)

    structure: Mapped["Structure"] = relationship()  # noqa: F821
    dismissed_by: Mapped["User | None"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<SuggestionDismissal map={self.map_id} structure={self.structure_id}>"
