"""Analysis results kept between requests, workers and restarts."""

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

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
