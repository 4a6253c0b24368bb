"""`/presentations`: a formateur's case presentations for a group, and their slideshow."""

from dataclasses import dataclass

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from allervers.core.forms import parse_int
from allervers.core.models import EditConflictError
from allervers.core.web import (
    conflict,
    done,
    form_page,
    form_version,
    go_to,
    invalid,
    paginate,
    render,
    safe_next,
    undo_message,
    wants_fragment,
)
from allervers.extensions import db
from allervers.initiatives import access
from allervers.initiatives import presentations as services
from allervers.initiatives.models import STATUSES, Initiative, Presentation, PresentationItem
from allervers.initiatives.presentation_forms import NotesForm, PresentationForm
from allervers.training import services as training

from . import bp

PAGE = "presentations/show.html"
FORM = "presentations/form.html"
ITEMS = "presentations/_items.html"
NOTES = "presentations/_notes_form.html"
ADD = "initiatives/_add_to_presentation.html"


@bp.app_template_global()
def initiative_url(initiative_id: int) -> str:
    """The initiative's page (its view lives in another module, maybe not written yet)."""
    if "initiatives.show_initiative" in current_app.view_functions:
        return url_for("initiatives.show_initiative", initiative_id=initiative_id)
    return f"/initiatives/{initiative_id}"


@bp.app_template_global()
def presentation_options(initiative: Initiative, presentations: list[Presentation]) -> list:
    """For _add_to_presentation.html: (presentation, already in it) where it may be shown."""
    return services.add_options(presentations or [], initiative)


@bp.app_template_global()
def projected_count(presentation: Presentation) -> int:
    """How many of its initiatives the group sees (those that became private are not counted)."""
    return len(services.shown_items(presentation))


# ----- the list and the presentation itself ---------------------------------------------------


@bp.get("/presentations")
def list_presentations():
    groups = training.groups_of(current_user)
    group_id = parse_int(request.args.get("groupe"))
    return render(
        "presentations/list.html",
        "presentations/_list.html",
        pagination=paginate(services.visible_presentations(current_user, group_id)),
        groups=groups,
        group_id=group_id,
        can_create=bool(access.trainer_groups(current_user)),
    )


@bp.route("/presentations/nouvelle", methods=["GET", "POST"])
def create_presentation():
    groups = access.trainer_groups(current_user)
    if not groups:
        abort(404)
    form = PresentationForm(groups=groups)
    if request.method == "GET" and parse_int(request.args.get("groupe")) in form.groups:
        form.group_id.data = parse_int(request.args.get("groupe"))
    if not form.validate_on_submit():
        return form_page(FORM, form=form, presentation=None)
    presentation = services.create_presentation(current_user, form.title.data, form.group)
    return done(
        "La présentation est créée. Ajoutez-y des initiatives depuis la base partagée.",
        _url(presentation),
    )


@bp.get("/presentations/<int:presentation_id>")
def show_presentation(presentation_id: int):
    return _page(access.visible_presentation_or_404(current_user, presentation_id))


@bp.route("/presentations/<int:presentation_id>/modifier", methods=["GET", "POST"])
def edit_presentation(presentation_id: int):
    presentation = access.editable_presentation_or_404(current_user, presentation_id)
    groups = access.trainer_groups(current_user)
    if presentation.group not in groups:  # an admin's, or a former trainer's: keep its group
        groups = [presentation.group, *groups]
    form = PresentationForm(obj=presentation, groups=groups)
    if request.method == "GET":
        form.version.data = presentation.version
    if not form.validate_on_submit():
        return form_page(FORM, form=form, presentation=presentation)
    try:
        services.update_presentation(presentation, form.title.data, form.group, form_version(form))
    except EditConflictError:
        return conflict(form, presentation, FORM, presentation=presentation)
    except services.PresentationError as error:
        form.group_id.errors = [str(error)]
        return invalid(FORM, form=form, presentation=presentation)
    return done("La présentation est enregistrée.", _url(presentation))


@bp.post("/presentations/<int:presentation_id>/supprimer")
def delete_presentation(presentation_id: int):
    presentation = access.editable_presentation_or_404(current_user, presentation_id)
    services.remove_presentation(presentation)
    undo = url_for(".restore_presentation", presentation_id=presentation_id)
    flash(undo_message(f"La présentation « {presentation.title} » est supprimée.", undo), "undo")
    return redirect(url_for(".list_presentations"), code=303)


@bp.post("/presentations/<int:presentation_id>/restaurer")
def restore_presentation(presentation_id: int):
    presentation = db.session.get(Presentation, presentation_id)
    if presentation is None or not access.can_edit_presentation(current_user, presentation):
        abort(404)
    services.restore_presentation(presentation)
    return go_to(f"La présentation « {presentation.title} » est restaurée.", _url(presentation))


# ----- its initiatives: add, move, notes, remove ----------------------------------------------


@bp.post("/presentations/ajouter")
def add_item():
    """From an initiative's page or a card of the base: answers with the same small form."""
    presentation = access.editable_presentation_or_404(
        current_user, parse_int(request.form.get("presentation_id")) or 0
    )
    initiative = access.visible_initiative_or_404(
        current_user, parse_int(request.form.get("initiative_id")) or 0
    )
    back = safe_next(request.form.get("next"), _url(presentation))
    try:
        services.add_item(presentation, initiative)
    except services.PresentationError as error:
        return _after_add(initiative, str(error), back, "error", 422)
    message = f"« {initiative.title} » est ajoutée à la présentation « {presentation.title} »."
    return _after_add(initiative, message, back)


@bp.post("/presentations/<int:presentation_id>/elements/<int:item_id>/monter")
def move_item_up(presentation_id: int, item_id: int):
    return _move(presentation_id, item_id, -1)


@bp.post("/presentations/<int:presentation_id>/elements/<int:item_id>/descendre")
def move_item_down(presentation_id: int, item_id: int):
    return _move(presentation_id, item_id, +1)


@bp.post("/presentations/<int:presentation_id>/elements/<int:item_id>/notes")
def save_notes(presentation_id: int, item_id: int):
    presentation, item = _editable_item(presentation_id, item_id)
    form = NotesForm(item_id=item.id)
    if not form.validate_on_submit():
        if wants_fragment():
            return render(PAGE, NOTES, 422, presentation=presentation, item=item, notes_form=form)
        return _page(presentation, status=422, refused={item.id: form})
    services.save_notes(presentation, item, form.notes.data)
    message = f"Notes de « {_title(item)} » enregistrées."
    if not wants_fragment():
        return done(message, _url(presentation, item))
    flash(message, "success")
    form = NotesForm(formdata=None, obj=item, item_id=item.id)
    return render(
        PAGE, NOTES, presentation=presentation, item=item, notes_form=form, just_saved=True
    )


@bp.post("/presentations/<int:presentation_id>/elements/<int:item_id>/retirer")
def remove_item(presentation_id: int, item_id: int):
    presentation, item = _editable_item(presentation_id, item_id)
    title, had_notes, initiative_id = _title(item), bool(item.notes), item.initiative_id
    position = services.remove_item(presentation, item)
    undo = url_for(
        ".restore_item",
        presentation_id=presentation_id,
        initiative_id=initiative_id,
        position=position,
    )
    text = f"« {title} » est retirée de la présentation" + (
        " ; ses notes sont effacées." if had_notes else "."
    )
    return _changed(presentation, undo_message(text, undo), "undo")


@bp.post("/presentations/<int:presentation_id>/elements/restaurer")
def restore_item(presentation_id: int):
    """The undo of a removal: the initiative goes back to its place (its notes are gone)."""
    presentation = access.editable_presentation_or_404(current_user, presentation_id)
    initiative = access.visible_initiative_or_404(
        current_user, parse_int(request.args.get("initiative_id")) or 0
    )
    try:
        services.add_item(
            presentation, initiative, position=parse_int(request.args.get("position"))
        )
    except services.PresentationError as error:
        return done(str(error), _url(presentation), "error")
    message = f"« {initiative.title} » est de nouveau dans la présentation."
    return go_to(message, _url(presentation))


# ----- projection -----------------------------------------------------------------------------


@bp.get("/presentations/<int:presentation_id>/diaporama")
def slideshow(presentation_id: int):
    """A document of its own, without the site's chrome; everything in it, for a projector
    that may have no network once the page is loaded."""
    presentation = access.visible_presentation_or_404(current_user, presentation_id)
    return _standalone(
        "presentations/slideshow.html",
        presentation=presentation,
        slides=services.slides(presentation),
        can_edit=access.can_edit_presentation(current_user, presentation),
    )


@bp.get("/presentations/<int:presentation_id>/orateur")
def speaker_view(presentation_id: int):
    """The notes are the formateur's preparation: only those who may edit see them."""
    presentation = access.editable_presentation_or_404(current_user, presentation_id)
    response = _standalone(
        "presentations/speaker.html",
        presentation=presentation,
        slides=services.slides(presentation),
    )
    response.headers["Cache-Control"] = "no-store"  # the notes are not left in a shared cache
    return response


# ----- helpers --------------------------------------------------------------------------------


@dataclass
class Row:
    """One item as the presentation page lists it."""

    item: PresentationItem
    is_shown: bool  # the group may see it, so it is projected
    is_readable: bool  # the viewer may open it (its title is not a secret to them)
    notes_form: NotesForm | None


def _rows(presentation: Presentation, can_edit: bool, refused: dict | None = None) -> list[Row]:
    rows = []
    for item in presentation.items:
        shown = services.is_shown_to_group(item.initiative, presentation.group_id)
        if not (shown or can_edit):
            continue
        form = None
        if can_edit:
            form = (refused or {}).get(item.id) or NotesForm(
                formdata=None, obj=item, item_id=item.id
            )
        readable = shown or access.can_view(current_user, item.initiative)
        rows.append(Row(item, shown, readable, form))
    return rows


def _page(
    presentation: Presentation,
    fragment: str | None = None,
    status: int = 200,
    refused: dict | None = None,
) -> Response:
    can_edit = access.can_edit_presentation(current_user, presentation)
    return render(
        PAGE,
        fragment,
        status,
        presentation=presentation,
        can_edit=can_edit,
        rows=_rows(presentation, can_edit, refused),
        initiative_statuses=STATUSES,
    )


def _changed(
    presentation: Presentation, message, category: str = "success", anchor: str = "elements"
) -> Response:
    """After a change to the list: its fresh fragment (htmx), or back to the page (303)."""
    flash(message, category)
    if not wants_fragment():
        return redirect(f"{_url(presentation)}#{anchor}", code=303)
    return _page(presentation, ITEMS)


def _move(presentation_id: int, item_id: int, step: int) -> Response:
    presentation, item = _editable_item(presentation_id, item_id)
    moved = services.move_item(presentation, item, step)
    total = len(presentation.items)
    if moved:
        message = f"« {_title(item)} » est maintenant en position {item.position} sur {total}."
    else:
        where = "en tête" if step < 0 else "en dernière position"
        message = f"« {_title(item)} » est déjà {where}."
    return _changed(presentation, message, anchor=f"element-{item.id}")


def _after_add(
    initiative: Initiative, message: str, back: str, category: str = "success", status: int = 200
) -> Response:
    flash(message, category)
    if not wants_fragment():
        return redirect(back, code=303)
    return render(
        ADD,
        ADD,
        status,
        initiative=initiative,
        presentations=services.editable_presentations(current_user),
        next_url=back,
    )


def _editable_item(presentation_id: int, item_id: int) -> tuple[Presentation, PresentationItem]:
    presentation = access.editable_presentation_or_404(current_user, presentation_id)
    item = services.item_of(presentation, item_id)
    if item is None:
        abort(404)
    return presentation, item


def _title(item: PresentationItem) -> str:
    """The initiative's title, unless it became private to someone else since it was added."""
    initiative = item.initiative
    if services.is_shown_to_group(initiative, item.presentation.group_id):
        return initiative.title
    return initiative.title if access.can_view(current_user, initiative) else "L'initiative"


def _standalone(template: str, /, **context) -> Response:
    """A whole document whatever the request: it is never swapped into a page."""
    return Response(render_template(template, **context), mimetype="text/html")


def _url(presentation: Presentation, item: PresentationItem | None = None) -> str:
    url = url_for(".show_presentation", presentation_id=presentation.id)
    return f"{url}#element-{item.id}" if item else url
