"""`/techniques`: the catalogue of aller-vers techniques and the initiatives that use them."""

from flask import abort, current_app, request, url_for
from flask_login import current_user

from allervers.core.models import EditConflictError
from allervers.core.web import conflict, done, form_page, form_version, paginate, render
from allervers.initiatives import techniques as services
from allervers.initiatives.models import DIMENSIONS, SECTIONS, STATUSES
from allervers.initiatives.technique_forms import TechniqueForm

from . import bp

FORM = "techniques/form.html"
PER_PAGE = 10
QUOTES_SHOWN = 3  # per part on the technique page; « voir tout » lists them all
LATEST_EFFECTS = 3  # per dimension


def initiative_url(initiative_id: int) -> str:
    """The initiative's page (its view is written in another module, maybe not yet)."""
    if "initiatives.show_initiative" in current_app.view_functions:
        return url_for("initiatives.show_initiative", initiative_id=initiative_id)
    return f"/initiatives/{initiative_id}"


@bp.get("/techniques")
def list_techniques():
    return render("techniques/list.html", families=services.families(current_user))


@bp.get("/techniques/<code>")
def show_technique(code: str):
    technique = services.technique_or_404(code)
    return render(
        "techniques/technique.html",
        "techniques/_initiatives.html",
        technique=technique,
        pagination=paginate(services.initiatives_using(current_user, code), PER_PAGE),
        lessons=services.lessons_overview(current_user, code, QUOTES_SHOWN),
        effects=services.effects_observed(current_user, code, LATEST_EFFECTS),
        updated_by=services.updated_by(technique.note),
        **_shown_with(),
    )


@bp.get(f"/techniques/<code>/<any({', '.join(services.LESSON_SLUGS)}):part>")
def show_technique_lesson(code: str, part: str):
    """Every visible initiative's « conditions de réussite », « freins » or « enseignements »."""
    technique = services.technique_or_404(code)
    lesson = services.lesson_of(part)
    return render(
        "techniques/lesson.html",
        "techniques/_lesson_page.html",
        technique=technique,
        lesson=lesson,
        pagination=paginate(services.quotes(current_user, code, lesson), PER_PAGE),
        **_shown_with(),
    )


def _shown_with() -> dict:
    """What the technique's templates need to name and link initiatives and effects."""
    return {
        "initiative_url": initiative_url,
        "lessons_all": services.LESSONS,
        "sections": SECTIONS,
        "dimensions": DIMENSIONS,
        "statuses": STATUSES,
    }


@bp.route("/techniques/<code>/modifier", methods=["GET", "POST"])
def edit_technique(code: str):
    if not current_user.is_staff:
        abort(404)
    technique = services.technique_or_404(code)
    form = TechniqueForm(obj=technique.note)
    if request.method == "GET":
        form.version.data = technique.note.version if technique.note else 0
    if not form.validate_on_submit():
        return form_page(FORM, form=form, technique=technique)
    try:
        services.save_note(code, form.model_fields(), current_user, form_version(form))
    except EditConflictError:
        return conflict(form, services.note_of(code), FORM, technique=technique)
    return done("Technique mise à jour.", url_for(".show_technique", code=code))
