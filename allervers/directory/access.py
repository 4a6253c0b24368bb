"""Who may see, edit, delete, merge and import structures. Anything else answers 404 (DESIGN.md §4).

Every signed-in user reads the directory and adds to it; a record is kept right by the person
who added it, the référents of the structure, and the formateurs and administrators.
"""

from flask import abort

from allervers.auth.models import User
from allervers.directory.models import Structure, StructureMerge
from allervers.extensions import db


def is_referent_of(user: User, structure: Structure) -> bool:
    return user.role == "referent" and user.structure_id == structure.id


def can_see_deleted(user: User) -> bool:
    return user.is_staff


def can_edit(user: User, structure: Structure) -> bool:
    """Edit or delete: the creator, the structure's référents, formateurs and administrators."""
    if structure.is_deleted:
        return False
    return (
        user.is_staff
        or (structure.created_by_id is not None and structure.created_by_id == user.id)
        or is_referent_of(user, structure)
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
