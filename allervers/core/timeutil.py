"""Times are stored as naive UTC (same on SQLite and PostgreSQL) and shown in Paris time."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_paris(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(PARIS)


def french_date(value: date | datetime | None, style: str = "short") -> str:
    """19/11/2021 (short), 19 novembre 2021 (long), vendredi 19 novembre 2021 (full)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_paris(value).date()
    if style == "short":
        return value.strftime("%d/%m/%Y")
    long = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if value.day == 1:
        long = "1er" + long[1:]
    return f"{WEEKDAYS[value.weekday()]} {long}" if style == "full" else long


def french_datetime(value: datetime | None) -> str:
    """19/11/2021 à 14 h 05, in Paris time."""
    if value is None:
        return ""
    local = to_paris(value)
    return f"{local:%d/%m/%Y} à {local.hour} h {local:%M}"
