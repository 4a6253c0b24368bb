"""« Clore l'atelier »: a snapshot of the group map at the end of a workshop, and its lock."""

from allervers.analysis.services import take_snapshot
from allervers.auth.models import User
from allervers.core.timeutil import french_date, utcnow
from allervers.extensions import db
from allervers.maps import services
from allervers.maps.models import CooperationMap, MapSnapshot


def default_label() -> str:
    """« Atelier du 7 décembre 2026 »: today, in Paris."""
    return f"Atelier du {french_date(utcnow(), 'long')}"


def close_workshop(
    cooperation_map: CooperationMap, label: str, by: User, lock: bool
) -> MapSnapshot:
    """Snapshot the map (it feeds the before/after comparison) and, when asked, lock it.

    The lock goes through `touch`, so every screen that has the map open learns of it at its
    next poll; the snapshot's commit is the one commit point of both."""
    if lock and not cooperation_map.is_locked:
        cooperation_map.locked_at = utcnow()
        cooperation_map.locked_by_id = by.id
        services.touch(cooperation_map.id, "lock", "map")
    return take_snapshot(cooperation_map, label, by)


def reopen(cooperation_map: CooperationMap) -> None:
    if not cooperation_map.is_locked:
        return
    cooperation_map.locked_at = None
    cooperation_map.locked_by_id = None
    services.touch(cooperation_map.id, "unlock", "map")
    db.session.commit()


def lock_message(cooperation_map: CooperationMap) -> str:
    """What anyone trying to change a closed map reads."""
    who = cooperation_map.locked_by.name if cooperation_map.locked_by else "un formateur"
    when = french_date(cooperation_map.locked_at, "long")
    return f"Cette carte a été close par {who} le {when} : elle n'est plus modifiable."
