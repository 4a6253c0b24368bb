"""Suggested partners set aside on a map (« Écarter »), and brought back (« Rétablir »).

A dismissal belongs to the map, not to the person: on a group map, what one member sets aside
is set aside for all, as any other change of the map. Each gesture bumps the map's content
version (its cached analysis, which leaves dismissed structures out, is then recomputed) and
tells the live feed.
"""

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from allervers.analysis.models import SuggestionDismissal
from allervers.auth.models import User
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.maps.models import CooperationMap
from allervers.maps.services import touch

# How the live feed names these gestures (allervers/maps/live.py, VERBS).
DISMISS, RESTORE, KIND = "dismiss", "restore", "suggestion"


def dismissed_ids(map_id: int) -> set[int]:
    """The structures the map's analysis must not suggest."""
    query = select(SuggestionDismissal.structure_id).where(SuggestionDismissal.map_id == map_id)
    return set(db.session.scalars(query))


def dismissal_of(map_id: int, structure_id: int) -> SuggestionDismissal | None:
    return db.session.scalar(
        select(SuggestionDismissal).where(
            SuggestionDismissal.map_id == map_id, SuggestionDismissal.structure_id == structure_id
        )
    )


def dismissals_of(map_id: int) -> Select:
    """The map's dismissals, the latest first (for a paginated list)."""
    return (
        select(SuggestionDismissal)
        .where(SuggestionDismissal.map_id == map_id)
        .options(
            joinedload(SuggestionDismissal.structure), joinedload(SuggestionDismissal.dismissed_by)
        )
        .order_by(SuggestionDismissal.dismissed_at.desc(), SuggestionDismissal.id.desc())
    )


def count(map_id: int) -> int:
    query = select(func.count()).where(SuggestionDismissal.map_id == map_id)
    return db.session.scalar(query.select_from(SuggestionDismissal))


def latest(map_id: int, limit: int) -> list[SuggestionDismissal]:
    return list(db.session.scalars(dismissals_of(map_id).limit(limit)).unique())


def dismiss(cooperation_map: CooperationMap, structure: Structure, by: User) -> bool:
    """Set the structure aside on this map; False (nothing changed) when it already was,
    including when someone else dismissed it at the same moment."""
    if dismissal_of(cooperation_map.id, structure.id) is not None:
        return False
    db.session.add(
        SuggestionDismissal(
            map_id=cooperation_map.id, structure_id=structure.id, dismissed_by_id=by.id
        )
    )
    try:
        db.session.flush()  # a twin inserted meanwhile fails here, before touch() bumps the map
    except IntegrityError:
        db.session.rollback()
        return False
    touch(cooperation_map.id, DISMISS, KIND, structure.name, (structure.id, None))
    db.session.commit()
    return True


def restore(cooperation_map: CooperationMap, structure: Structure) -> bool:
    """Suggest the structure again; False (nothing changed) when it was not set aside."""
    deleted = db.session.execute(
        delete(SuggestionDismissal).where(
            SuggestionDismissal.map_id == cooperation_map.id,
            SuggestionDismissal.structure_id == structure.id,
        )
    ).rowcount
    if not deleted:
        db.session.rollback()
        return False
    touch(cooperation_map.id, RESTORE, KIND, structure.name, (structure.id, None))
    db.session.commit()
    return True
