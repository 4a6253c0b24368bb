"""Who may see and manage sessions and groups. Anything not visible answers 404 (DESIGN.md §4)."""

from flask import abort
from sqlalchemy import Select, select

from allervers.auth.models import User
from allervers.extensions import db
from allervers.training.models import Group, Membership, TrainingSession


def group_ids_of(user: User, role: str | None = None) -> Select:
    """The live groups `user` belongs to (as `role` when given), as a subquery."""
    query = (
        select(Membership.group_id)
        .join(Group)
        .where(Membership.user_id == user.id, Group.deleted_at.is_(None))
    )
    return query.where(Membership.role == role) if role else query


def trainees_of(trainer: User) -> Select:
    """The trainees of the groups `trainer` trains: their work is what the trainer follows."""
    return select(Membership.user_id).where(
        Membership.group_id.in_(group_ids_of(trainer, "formateur")), Membership.role == "stagiaire"
    )


def membership(user: User, group: Group) -> Membership | None:
    return next((m for m in group.memberships if m.user_id == user.id), None)


def can_view_group(user: User, group: Group) -> bool:
    """Staff (formateurs, admins) see every group; others only the groups they belong to."""
    return user.is_staff or membership(user, group) is not None


def can_manage_group(user: User, group: Group) -> bool:
    """Edit the group, see and regenerate its invitation code: admins and its own trainers."""
    if user.is_admin:
        return True
    mine = membership(user, group)
    return user.is_trainer and mine is not None and mine.role == "formateur"


def can_view_session(user: User, training: TrainingSession) -> bool:
    return user.is_staff or any(membership(user, group) for group in training.live_groups)


def can_manage_sessions(user: User) -> bool:
    return user.is_staff


def can_delete_session(user: User, training: TrainingSession) -> bool:
    """Admins, its author, and a formateur who trains every one of its groups: a trainer may
    not take another trainer's group down with the session (restoring: see history/access)."""
    if user.is_admin:
        return True
    if not user.is_trainer:
        return False
    groups = [group for group in training.groups if not group.is_deleted]
    trains_all = bool(groups) and all(can_manage_group(user, group) for group in groups)
    return trains_all or training.created_by_id == user.id


def visible_session_or_404(user: User, session_id: int) -> TrainingSession:
    training = db.session.get(TrainingSession, session_id)
    if training is None or training.is_deleted or not can_view_session(user, training):
        abort(404)
    return training


def visible_group_or_404(user: User, group_id: int) -> Group:
    group = db.session.get(Group, group_id)
    if (
        group is None
        or group.is_deleted
        or group.session.is_deleted
        or not can_view_group(user, group)
    ):
        abort(404)
    return group


def managed_group_or_404(user: User, group_id: int) -> Group:
    group = visible_group_or_404(user, group_id)
    if not can_manage_group(user, group):
        abort(404)
    return group
