"""Who may see and edit an initiative (DESIGN.md §4); anything else answers 404.

- `privee`: its author only (not even admins: a private draft is nobody else's business);
- `groupe`: its author and the members (trainees and formateurs) of its group, and admins;
- `base`: every signed-in user.
Editing: the author, and the référents of the carrying structure once it is shared; admins
too, for moderation. Effects follow the initiative's editors.
"""

from flask import abort
from sqlalchemy import Select, and_, or_, select

from allervers.auth.models import User
from allervers.directory import access as directory_access
from allervers.extensions import db
from allervers.initiatives.models import Initiative, Presentation
from allervers.training.access import group_ids_of
from allervers.training.models import Group, Membership


def visibility_clause(user: User):
    """The SQL condition "`user` may see this initiative" (deleted ones aside)."""
    shared_with_me = (
        Initiative.visibility == "groupe"
        if user.is_admin
        else and_(Initiative.visibility == "groupe", Initiative.group_id.in_(group_ids_of(user)))
    )
    return or_(Initiative.author_id == user.id, Initiative.visibility == "base", shared_with_me)


def visible_initiatives(user: User) -> Select:
    """The live initiatives `user` may open: the only query lists and counts start from."""
    return select(Initiative).where(Initiative.deleted_at.is_(None), visibility_clause(user))


def can_view(user: User, initiative: Initiative) -> bool:
    if initiative.author_id == user.id or initiative.visibility == "base":
        return True
    if initiative.visibility != "groupe":
        return False
    if user.is_admin:
        return True
    return (
        db.session.scalar(group_ids_of(user).where(Membership.group_id == initiative.group_id))
        is not None
    )


def can_edit(user: User, initiative: Initiative) -> bool:
    if initiative.author_id == user.id:
        return True
    if initiative.visibility == "privee":
        return False
    if user.is_admin:
        return True
    return directory_access.is_referent_of(user, initiative.structure_id)


def can_mark_reference(user: User, initiative: Initiative) -> bool:
    """Formateurs and admins pick the reference cases of the shared base."""
    return user.is_staff and initiative.visibility == "base"


def visible_initiative_or_404(user: User, initiative_id: int, deleted: bool = False) -> Initiative:
    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None or initiative.is_deleted != deleted or not can_view(user, initiative):
        abort(404)
    return initiative


def editable_initiative_or_404(user: User, initiative_id: int, deleted: bool = False) -> Initiative:
    initiative = visible_initiative_or_404(user, initiative_id, deleted)
    if not can_edit(user, initiative):
        abort(404)
    return initiative


# ----- presentations ----------------------------------------------------------------------------


def can_view_presentation(user: User, presentation: Presentation) -> bool:
    """The group's members (it is shown to them) and admins."""
    if user.is_admin or presentation.owner_id == user.id:
        return True
    return (
        db.session.scalar(group_ids_of(user).where(Membership.group_id == presentation.group_id))
        is not None
    )


def can_edit_presentation(user: User, presentation: Presentation) -> bool:
    """Its author, the group's formateurs and admins."""
    if user.is_admin or presentation.owner_id == user.id:
        return True
    if not user.is_trainer:
        return False
    mine = select(Membership.group_id).where(
        Membership.user_id == user.id,
        Membership.role == "formateur",
        Membership.group_id == presentation.group_id,
    )
    return db.session.scalar(mine) is not None


def visible_presentation_or_404(user: User, presentation_id: int) -> Presentation:
    presentation = db.session.get(Presentation, presentation_id)
    if (
        presentation is None
        or presentation.is_deleted
        or not can_view_presentation(user, presentation)
    ):
        abort(404)
    return presentation


def editable_presentation_or_404(user: User, presentation_id: int) -> Presentation:
    presentation = visible_presentation_or_404(user, presentation_id)
    if not can_edit_presentation(user, presentation):
        abort(404)
    return presentation


def trainer_groups(user: User) -> list[Group]:
    """The groups `user` may build presentations for: their own as formateur; all for admins."""
    query = select(Group).where(Group.deleted_at.is_(None)).order_by(Group.name)
    if not user.is_admin:
        query = query.join(Membership).where(
            Membership.user_id == user.id, Membership.role == "formateur"
        )
    return list(db.session.scalars(query))
