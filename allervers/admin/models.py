"""Platform settings that administrators change from their pages."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from allervers.extensions import db


class SiteSetting(db.Model):
    """One setting, as text; admin/settings.py knows each key, its type and its default."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(1000))
    updated_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<SiteSetting {self.key}={self.value!r}>"
