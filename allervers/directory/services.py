"""Queries and operations on the directory of structures (pages come with the directory issue)."""

from sqlalchemy import func, select

from allervers.directory.models import Structure, StructurePublic, normalise
from allervers.extensions import db


def live_structures():
    return select(Structure).where(Structure.deleted_at.is_(None))


def structure_choices() -> list[tuple[int, str]]:
    """(id, "Name — Commune") for a select, sorted by name."""
    rows = db.session.scalars(live_structures().order_by(func.lower(Structure.name))).all()
    return [(s.id, f"{s.name} — {s.commune}" if s.commune else s.name) for s in rows]


def get_live(structure_id: int | None) -> Structure | None:
    structure = db.session.get(Structure, structure_id) if structure_id else None
    return structure if structure and not structure.is_deleted else None


def find_same(name: str, commune: str | None) -> Structure | None:
    """A live structure with the same normalised name in the same commune."""
    wanted_name, wanted_commune = normalise(name), normalise(commune)
    candidates = db.session.scalars(
        live_structures().where(Structure.search_text.contains(wanted_name))
    )
    for candidate in candidates:
        if (
            normalise(candidate.name) == wanted_name
            and normalise(candidate.commune) == wanted_commune
        ):
            return candidate
    return None


def build_structure(*, publics: list[str] | None = None, **fields) -> Structure:
    """A new Structure (not yet committed) with its derived fields filled in."""
    structure = Structure(**fields)
    structure.publics = [StructurePublic(public_code=code) for code in publics or []]
    structure.refresh_derived()
    return structure


def find_or_create(
    name: str, commune: str | None, postal_code: str | None, created_by_id: int | None = None
) -> Structure:
    """The structure a person typed while joining: the existing record when there is one."""
    existing = find_same(name, commune)
    if existing:
        return existing
    structure = build_structure(
        name=name.strip(),
        commune=(commune or "").strip() or None,
        postal_code=(postal_code or "").strip() or None,
        typology="Autre",
        created_by_id=created_by_id,
    )
    db.session.add(structure)
    db.session.flush()
    return structure
