"""Who may see and edit a cooperation map (DESIGN.md §4); anything else answers 404."""

from flask import abort
from sqlalchemy import Select, or_, select

from allervers.auth.models import User
from allervers.extensions import db
from allervers.maps.models import CooperationMap
from allervers.training.access import can_manage_group, group_ids_of, trainees_of


def visible_maps(user: User) -> Select:
    """The live maps `user` may open."""
    query = select(CooperationMap).where(CooperationMap.deleted_at.is_(None))
    if user.is_admin:
        return query
    return query.where(
        or_(
            CooperationMap.owner_id == user.id,
            CooperationMap.group_id.in_(group_ids_of(user)),
            CooperationMap.owner_id.in_(trainees_of(user)),
        )
    )


def can_view(user: User, cooperation_map: CooperationMap) -> bool:
    if user.is_admin or (user.id is not None and cooperation_map.owner_id == user.id):
        return not cooperation_map.is_deleted  # the common case, without a query
    query = visible_maps(user).where(CooperationMap.id == cooperation_map.id)
    return db.session.scalar(query) is not None


class MapLockedError(Exception):
    """An edit of a map closed by « Clore l'atelier »: answered 423 with who closed it and
    when (maps/workshop_views.py), not a bare 404, since the person may edit it once reopened."""

    def __init__(self, cooperation_map: CooperationMap) -> None:
        super().__init__(f"map {cooperation_map.id} is locked")
        self.cooperation_map = cooperation_map


def can_edit(user: User, cooperation_map: CooperationMap) -> bool:
    """Whether `user` may change the map now: never while it is locked."""
    return not cooperation_map.is_locked and may_edit(user, cooperation_map)


def may_edit(user: User, cooperation_map: CooperationMap) -> bool:
    """The owner edits a personal map; the group's members and trainers edit the group map
    (once reopened, when the map is locked)."""
    if cooperation_map.is_deleted:
        return False
    if cooperation_map.owner_id is not None:
        return cooperation_map.owner_id == user.id
    return any(m.user_id == user.id for m in cooperation_map.group.memberships)


def visible_map_or_404(user: User, map_id: int) -> CooperationMap:
    cooperation_map = db.session.get(CooperationMap, map_id)
    if cooperation_map is None or cooperation_map.is_deleted or not can_view(user, cooperation_map):
        abort(404)
    return cooperation_map


def editable_map_or_404(user: User, map_id: int) -> CooperationMap:
    """The map, when `user` may change it; MapLockedError when they could but it is closed."""
    cooperation_map = visible_map_or_404(user, map_id)
    if not may_edit(user, cooperation_map):
        abort(404)
    if cooperation_map.is_locked:
        raise MapLockedError(cooperation_map)
    return cooperation_map


def can_run_workshop(user: User, cooperation_map: CooperationMap) -> bool:
    """Projection, « Clore l'atelier », reopening: the group map's formateurs and admins."""
    group = cooperation_map.group
    return (
        group is not None
        and not group.is_deleted
        and not group.session.is_deleted
        and not cooperation_map.is_deleted
        and can_manage_group(user, group)
    )


def workshop_map_or_404(user: User, map_id: int) -> CooperationMap:
    cooperation_map = db.session.get(CooperationMap, map_id)
    if cooperation_map is None or not can_run_workshop(user, cooperation_map):
        abort(404)
    return cooperation_map
