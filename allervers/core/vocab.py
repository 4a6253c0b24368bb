"""The reference vocabularies (copied from the design folder into allervers/data/)."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Entry:
    code: str
    label: str
    extra: dict


@cache
def load(name: str) -> tuple[Entry, ...]:
    """Rows of allervers/data/<name>.csv; `code` (or `niveau`) and `libelle` are the key columns."""
    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    entries = []
    for row in rows:
        code = row.pop("code", None) or row.pop("niveau")
        entries.append(Entry(code=code, label=row.pop("libelle"), extra=row))
    return tuple(entries)


def choices(name: str) -> list[tuple[str, str]]:
    return [(entry.code, entry.label) for entry in load(name)]


def label(name: str, code: str | None) -> str:
    return next((entry.label for entry in load(name) if entry.code == code), code or "")


def typology_sector(code: str | None) -> str | None:
    """The sector a data·inclusion typology belongs to (None when it has none, e.g. `Autre`)."""
    for entry in load("typologies"):
        if entry.code == code:
            return entry.extra.get("secteur") or None
    return None
