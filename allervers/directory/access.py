"""Who may see, edit, delete, merge and import structures. Anything else answers 404 (DESIGN.md §4).

Every signed-in user reads the directory and adds to it; a record is kept right by the person
who added it, the référents of the structure, and the formateurs and administrators.

A référent's rights come only from an *approved* attachment (`referent_structure_ids`), never
from the employer typed on their own account (users.structure_id): every right tied to a
structure — here, in initiatives and in history — goes through these two functions.
"""

from flask import abort
from sqlalchemy import Select, false, select

from allervers.auth.models import User
from allervers.directory.models import ReferentAttachment, Structure, StructureMerge
from allervers.extensions import db


def referent_structure_ids(user: User) -> Select:
    """The ids of the structures `user` was granted as référent (a subquery)."""
    query = select(ReferentAttachment.structure_id).where(
        ReferentAttachment.user_id == user.id, ReferentAttachment.status == "approved"
    )
    return query if user.role == "referent" else query.where(false())


def is_referent_of(user: User, structure_id: int | None) -> bool:
    if structure_id is None or user.role != "referent":
        return False
    granted = referent_structure_ids(user).where(ReferentAttachment.structure_id == structure_id)
    return db.session.scalar(granted.limit(1)) is not None


def can_see_referent_requests(user: User) -> bool:
    """Administrators, and référents who were granted a structure (for its requests)."""
    if user.is_admin:
        return True
    return db.session.scalar(referent_structure_ids(user).limit(1)) is not None


def can_decide(user: User, attachment: ReferentAttachment) -> bool:
    """A pending request is decided by an administrator or by the structure's référent."""
    if attachment.status != "requested" or attachment.user_id == user.id:
        return False
    return user.is_admin or is_referent_of(user, attachment.structure_id)


def require_referent_requests(user: User) -> None:
    if not can_see_referent_requests(user):
        abort(404)


def decidable_attachment_or_404(user: User, attachment_id: int) -> ReferentAttachment:
    attachment = db.session.get(ReferentAttachment, attachment_id)
    if attachment is None or not can_decide(user, attachment):
        abort(404)
    return attachment


def can_see_deleted(user: User) -> bool:
    return user.is_staff


def can_edit(user: User, structure: Structure) -> bool:
    """Edit or delete: the creator, the structure's référents, formateurs and administrators."""
    if structure.is_deleted:
        return False
    return (
        user.is_staff
        or (structure.created_by_id is not None and structure.created_by_id == user.id)
        or is_referent_of(user, structure.id)
    )


def can_restore(user: User, structure: Structure) -> bool:
    return structure.is_deleted and (user.is_staff or structure.created_by_id == user.id)


def can_merge(user: User) -> bool:
    return user.is_staff


def can_import(user: User) -> bool:
    return user.is_staff


def visible_structure_or_404(user: User, structure_id: int) -> Structure:
    """A deleted structure exists only for those who may restore it or undo its merge."""
    structure = db.session.get(Structure, structure_id)
    if structure is None or (structure.is_deleted and not can_see_deleted(user)):
        abort(404)
    return structure


def editable_structure_or_404(user: User, structure_id: int) -> Structure:
    structure = db.session.get(Structure, structure_id)
    if structure is None or not can_edit(user, structure):
        abort(404)
    return structure


def restorable_structure_or_404(user: User, structure_id: int) -> Structure:
    structure = db.session.get(Structure, structure_id)
    if structure is None or not can_restore(user, structure):
        abort(404)
    return structure


def mergeable_structure_or_404(user: User, structure_id: int) -> Structure:
    structure = db.session.get(Structure, structure_id)
    if structure is None or structure.is_deleted or not can_merge(user):
        abort(404)
    return structure


def merge_or_404(user: User, merge_id: int) -> StructureMerge:
    merge = db.session.get(StructureMerge, merge_id)
    if merge is None or not can_merge(user):
        abort(404)
    return merge


def require_import(user: User) -> None:
    if not can_import(user):
        abort(404)
