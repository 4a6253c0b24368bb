"""`/plan-d-action` and `/journal`: the actions taken from the analysis, the reflexive notes."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from allervers.core.models import EditConflictError
from allervers.core.web import (
    conflict,
    done,
    form_page,
    form_version,
    go_to,
    paginate,
    render,
    undo_message,
)
from allervers.followup import plans
from allervers.followup.models import ACTION_STATUSES
from allervers.followup.plan_forms import ActionForm, NoteForm, StatusForm, optional_int
from allervers.maps import access as map_access
from allervers.training import access as training_access

from . import bp

ACTION_FORM = "followup/plans/action_form.html"
NOTE_FORM = "followup/plans/note_form.html"


# ----- the action plan ------------------------------------------------------------------------


@bp.get("/plan-d-action")
def list_actions():
    status = request.args.get("statut")
    status = status if status in ACTION_STATUSES else None
    return render(
        "followup/plans/actions.html",
        "followup/plans/_actions.html",
        pagination=paginate(plans.my_actions(current_user, status)),
        group_names={group.id: group.name for group in plans.my_groups(current_user)},
        counts=plans.status_counts(plans.my_actions(current_user)),
        status=status,
        statuses=ACTION_STATUSES,
    )


def _action_form(action=None, map_id: int | None = None, **kwargs) -> ActionForm:
    keep = action.structure_id if action else None
    groups = plans.my_groups(current_user)
    group = plans.group_of(action) if action else None
    if group and group not in groups:
        groups.append(group)  # an admin editing a group's action keeps its group
    structures = plans.structure_choices(current_user, map_id, keep)
    return ActionForm(structures=structures, groups=groups, obj=action, **kwargs)


def _chosen_map_id(raw) -> int | None:
    """The map an action comes from: only one the person may open."""
    map_id = optional_int(raw)
    if map_id is None:
        return None
    return map_access.visible_map_or_404(current_user, map_id).id


@bp.route("/plan-d-action/nouvelle", methods=["GET", "POST"])
def create_action():
    raw_map = request.form.get("map_id") if request.method == "POST" else request.args.get("carte")
    map_id = _chosen_map_id(raw_map)
    form = _action_form(map_id=map_id)
    if request.method == "GET":
        form.map_id.data = map_id
        _prefill(form, map_id)
    if not form.validate_on_submit():
        return form_page(ACTION_FORM, form=form, action=None)
    action = plans.create_action(current_user, form.model_fields())
    return done("L'action est dans le plan.", url_for(".show_action", action_id=action.id))


def _prefill(form: ActionForm, map_id: int | None) -> None:
    source, target = optional_int(request.args.get("de")), optional_int(request.args.get("vers"))
    if map_id is None or source is None or target is None:
        return
    cooperation_map = map_access.visible_map_or_404(current_user, map_id)
    prefill = plans.prefill_from_gap(cooperation_map, source, target)
    form.structure_id.data = prefill.structure_id
    form.target_level.data = prefill.target_level
    form.description.data = prefill.description


@bp.get("/plan-d-action/<int:action_id>")
def show_action(action_id: int):
    action = plans.visible_action_or_404(current_user, action_id)
    cooperation_map = _map_of(action)
    has_link, level = plans.current_level(action) if cooperation_map else (False, None)
    return render(
        "followup/plans/action.html",
        action=action,
        group=plans.group_of(action),
        owner=plans.owner_of(action),
        can_edit=plans.can_edit_action(current_user, action),
        status_form=StatusForm(formdata=None, obj=action),
        cooperation_map=cooperation_map,
        first_snapshot=_first_snapshot(cooperation_map),
        has_link=has_link,
        current_level=level,
        statuses=ACTION_STATUSES,
    )


def _map_of(action):
    """The action's map, if it still exists and the viewer may open it."""
    cooperation_map = plans.live_map(action.map_id)
    if cooperation_map is None:
        return None
    return cooperation_map if map_access.can_view(current_user, cooperation_map) else None


def _first_snapshot(cooperation_map):
    from allervers.analysis.services import snapshots_of

    snapshots = snapshots_of(cooperation_map) if cooperation_map else []
    return snapshots[0] if snapshots else None


@bp.route("/plan-d-action/<int:action_id>/modifier", methods=["GET", "POST"])
def edit_action(action_id: int):
    action = plans.editable_action_or_404(current_user, action_id)
    form = _action_form(action, action.map_id)
    if request.method == "GET":
        form.version.data = action.version
    form.map_id.data = action.map_id  # where it came from does not change
    if not form.validate_on_submit():
        return form_page(ACTION_FORM, form=form, action=action)
    try:
        plans.update_action(action, form.model_fields(), current_user, form_version(form))
    except EditConflictError:
        return conflict(form, action, ACTION_FORM, action=action)
    return done("L'action a été enregistrée.", url_for(".show_action", action_id=action.id))


@bp.post("/plan-d-action/<int:action_id>/statut")
def set_action_status(action_id: int):
    action = plans.editable_action_or_404(current_user, action_id)
    form = StatusForm()
    url = url_for(".show_action", action_id=action.id)
    if not form.validate_on_submit():
        return done("Choisissez un statut de la liste.", url, "error")
    plans.set_status(action, form.status.data)
    return done(f"Statut : {ACTION_STATUSES[action.status]}.", url)


@bp.post("/plan-d-action/<int:action_id>/supprimer")
def delete_action(action_id: int):
    action = plans.editable_action_or_404(current_user, action_id)
    plans.remove_action(action)
    undo = url_for(".restore_action", action_id=action.id)
    flash(undo_message("L'action a été retirée du plan.", undo), "undo")
    return redirect(url_for(".list_actions"), code=303)


@bp.post("/plan-d-action/<int:action_id>/restaurer")
def restore_action(action_id: int):
    action = plans.editable_action_or_404(current_user, action_id, deleted=True)
    plans.restore_action(action)
    return go_to(
        "L'action est de nouveau dans le plan.", url_for(".show_action", action_id=action.id)
    )


# ----- the practice journal -------------------------------------------------------------------


def _note_form(note=None, **kwargs) -> NoteForm:
    return NoteForm(
        initiatives=plans.initiative_choices(current_user, note.initiative_id if note else None),
        structures=plans.structure_choices(current_user, keep=note.structure_id if note else None),
        obj=note,
        **kwargs,
    )


@bp.get("/journal")
def list_notes():
    return render(
        "followup/plans/journal.html",
        "followup/plans/_notes.html",
        pagination=paginate(plans.my_notes(current_user)),
        form=_note_form(formdata=None),
    )


@bp.route("/journal/nouvelle", methods=["GET", "POST"])
def create_note():
    form = _note_form()
    if not form.validate_on_submit():
        return form_page(NOTE_FORM, form=form, note=None)
    plans.create_note(current_user, form.model_fields())
    return done("Note enregistrée dans votre journal.", url_for(".list_notes"))


@bp.route("/journal/<int:note_id>/modifier", methods=["GET", "POST"])
def edit_note(note_id: int):
    note = plans.own_note_or_404(current_user, note_id)
    form = _note_form(note)
    if request.method == "GET":
        form.version.data = note.version
    if not form.validate_on_submit():
        return form_page(NOTE_FORM, form=form, note=note)
    try:
        plans.update_note(note, form.model_fields(), form_version(form))
    except EditConflictError:
        return conflict(form, note, NOTE_FORM, note=note)
    return done("Note enregistrée.", url_for(".list_notes"))


@bp.post("/journal/<int:note_id>/supprimer")
def delete_note(note_id: int):
    note = plans.own_note_or_404(current_user, note_id)
    plans.remove_note(note)
    flash(undo_message("Note supprimée.", url_for(".restore_note", note_id=note.id)), "undo")
    return redirect(url_for(".list_notes"), code=303)


@bp.post("/journal/<int:note_id>/restaurer")
def restore_note(note_id: int):
    note = plans.own_note_or_404(current_user, note_id, deleted=True)
    plans.restore_note(note)
    return go_to("Note restaurée.", url_for(".list_notes"))


@bp.get("/groupes/<int:group_id>/journal")
def group_journal(group_id: int):
    group = training_access.visible_group_or_404(current_user, group_id)
    if not plans.can_read_group_journal(current_user, group):
        abort(404)
    return render(
        "followup/plans/group_journal.html",
        "followup/plans/_shared_notes.html",
        group=group,
        pagination=paginate(plans.shared_notes(group)),
    )
