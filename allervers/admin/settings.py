"""The platform settings an administrator changes on « Paramètres »: keys, types, defaults."""

from allervers.admin.models import SiteSetting
from allervers.core.timeutil import utcnow
from allervers.extensions import db

SECOND_FACTOR_REQUIRED = "second_factor_required"
DEFAULTS = {SECOND_FACTOR_REQUIRED: "0"}


def value(key: str) -> str:
    row = db.session.get(SiteSetting, key)
    return row.value if row else DEFAULTS[key]


def second_factor_required() -> bool:
    """Formateurs and administrators must have a second factor to use the platform."""
    return value(SECOND_FACTOR_REQUIRED) == "1"


def set_second_factor_required(required: bool) -> None:
    _store(SECOND_FACTOR_REQUIRED, "1" if required else "0")


def _store(key: str, text: str) -> None:
    row = db.session.get(SiteSetting, key)
    if row is None:
        row = SiteSetting(key=key, value=text, updated_at=utcnow())
        db.session.add(row)
    row.value, row.updated_at = text, utcnow()
    db.session.commit()
