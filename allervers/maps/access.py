"""Who may see and edit a cooperation map (DESIGN.md §4); anything else answers 404."""

from flask import abort
from sqlalchemy import Select, or_, select

from allervers.auth.models import User
from allervers.extensions import db
from allervers.maps.models import CooperationMap
from allervers.training.access import group_ids_of, trainees_of


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


def can_edit(user: User, cooperation_map: CooperationMap) -> bool:
    """The owner edits a personal map; the group's members and trainers edit the group map."""
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
    cooperation_map = visible_map_or_404(user, map_id)
    if not can_edit(user, cooperation_map):
        abort(404)
    return cooperation_map
