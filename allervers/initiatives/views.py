"""`/initiatives`: the shared base, an initiative's page and form, its partners and effects."""

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from allervers.core import tabular, vocab
from allervers.core.models import EditConflictError
from allervers.core.timeutil import utcnow
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
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.initiatives import access, charts, exports, search, services
from allervers.initiatives.forms import EffectForm, InitiativeForm, PartnerForm
from allervers.initiatives.models import SECTIONS, Effect, InitiativePartner
from allervers.maps.services import search_structures

from . import bp, presentation_views, technique_views  # noqa: F401 - they register their routes

FORM = "initiatives/form.html"


# ----- the shared base ----------------------------------------------------------------------


@bp.get("/initiatives")
def list_initiatives():
    filters = search.Filters.from_args(request.args)
    query, rank = search.filtered(access.visible_initiatives(current_user), filters)
    results = paginate(search.ordered(query, rank, filters.tri).options(*search.CARD_LOADING))
    return render(
        "initiatives/list.html",
        "initiatives/_results.html",
        filters=filters,
        results=results,
        counts=search.facet_counts(query),
        latest=search.latest_effects([initiative.id for initiative in results.items]),
        sorts=search.SORTS,
        departements=_departements(),
    )


def _departements() -> list[str]:
    query = db.select(Structure.departement).where(Structure.departement.is_not(None)).distinct()
    return sorted(db.session.scalars(query))


@bp.get("/initiatives/export.xlsx")
def export_initiatives_xlsx():
    """The same list as export.csv, as an .xlsx."""
    filters = search.Filters.from_args(request.args)
    query, rank = search.filtered(access.visible_initiatives(current_user), filters)
    listed = db.session.scalars(
        search.ordered(query, rank, filters.tri).options(*search.CARD_LOADING)
    )
    header, rows = exports.initiatives_table(listed)
    return tabular.xlsx_response(header, rows, "initiatives.xlsx")


@bp.get("/initiatives/export.csv")
def export_initiatives():
    filters = search.Filters.from_args(request.args)
    query, rank = search.filtered(access.visible_initiatives(current_user), filters)
    response = Response(
        exports.initiatives_csv(
            db.session.scalars(
                search.ordered(query, rank, filters.tri).options(*search.CARD_LOADING)
            )
        ),
        mimetype="text/csv",
    )
    response.headers["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    return response


# ----- one initiative ---------------------------------------------------------------------------


@bp.get("/initiatives/<int:initiative_id>")
def show_initiative(initiative_id: int):
    initiative = access.visible_initiative_or_404(current_user, initiative_id)
    can_edit = access.can_edit(current_user, initiative)
    return render(
        "initiatives/show.html",
        initiative=initiative,
        can_edit=can_edit,
        can_mark=access.can_mark_reference(current_user, initiative),
        sections=SECTIONS,
        timeline=charts.timeline(initiative.live_effects),
        charts=charts.indicator_charts(initiative.live_effects),
        partner_form=_partner_form(initiative) if can_edit else None,
        effect_form=EffectForm() if can_edit else None,
        presentations=_presentations(),
    )


def _presentations() -> list:
    """The viewer's presentations this initiative may be added to (formateurs)."""
    from allervers.initiatives.presentations import editable_presentations

    return editable_presentations(current_user)


def _form(initiative=None, **kwargs) -> InitiativeForm:
    groups = [(group.id, group.name) for group in services.groups_of(current_user)]
    if initiative and initiative.group and initiative.group_id not in dict(groups):
        # an admin moderating, or a former member: the initiative keeps its group
        groups.append((initiative.group_id, initiative.group.name))
    return InitiativeForm(
        structures=services.structure_choices(current_user, initiative),
        groups=groups,
        consented=bool(initiative and initiative.consent_at),
        **kwargs,
    )


@bp.route("/initiatives/nouvelle", methods=["GET", "POST"])
def create_initiative():
    form = _form()
    if request.method == "GET":
        form.structure_id.data = current_user.structure_id
    if not form.validate_on_submit():
        return form_page(FORM, form=form, initiative=None)
    initiative = services.create_initiative(current_user, form.model_fields())
    return done(
        f"Initiative « {initiative.title} » enregistrée.",
        url_for(".show_initiative", initiative_id=initiative.id),
    )


@bp.route("/initiatives/<int:initiative_id>/modifier", methods=["GET", "POST"])
def edit_initiative(initiative_id: int):
    initiative = access.editable_initiative_or_404(current_user, initiative_id)
    form = _form(initiative, obj=initiative)
    if request.method == "GET":
        _fill(form, initiative)
    if not form.validate_on_submit():
        return form_page(FORM, form=form, initiative=initiative)
    try:
        services.update_initiative(
            initiative, form.model_fields(), current_user, form_version(form)
        )
    except EditConflictError:
        return conflict(form, initiative, FORM, initiative=initiative)
    services.clear_draft(initiative)
    return done(
        "L'initiative a été enregistrée.",
        url_for(".show_initiative", initiative_id=initiative.id),
    )


def _fill(form: InitiativeForm, initiative) -> None:
    """The saved values, then the autosaved draft on top (restored with a notice)."""
    form.techniques.data = initiative.technique_codes
    form.publics.data = initiative.public_codes
    form.version.data = initiative.version
    if initiative.draft:
        for name, value in initiative.draft.items():
            if name in services.DRAFT_FIELDS:
                form[name].data = value
        flash(
            "Votre brouillon non enregistré a été restauré : relisez-le, puis enregistrez.",
            "info",
        )


@bp.post("/initiatives/<int:initiative_id>/brouillon")
def save_draft(initiative_id: int):
    """Autosave while typing (htmx): kept aside until the person saves the form."""
    initiative = access.editable_initiative_or_404(current_user, initiative_id)
    services.save_draft(initiative, request.form)
    return render(
        "initiatives/_draft_status.html", "initiatives/_draft_status.html", saved_at=utcnow()
    )


@bp.post("/initiatives/<int:initiative_id>/supprimer")
def delete_initiative(initiative_id: int):
    initiative = access.editable_initiative_or_404(current_user, initiative_id)
    services.remove_initiative(initiative)
    undo = url_for(".restore_initiative", initiative_id=initiative.id)
    flash(undo_message(f"Initiative « {initiative.title} » supprimée.", undo), "undo")
    return redirect(url_for(".list_initiatives"), code=303)


@bp.post("/initiatives/<int:initiative_id>/restaurer")
def restore_initiative(initiative_id: int):
    initiative = access.editable_initiative_or_404(current_user, initiative_id, deleted=True)
    services.restore_initiative(initiative)
    return go_to(
        f"Initiative « {initiative.title} » restaurée.",
        url_for(".show_initiative", initiative_id=initiative.id),
    )


@bp.post("/initiatives/<int:initiative_id>/reference")
def toggle_reference(initiative_id: int):
    initiative = access.visible_initiative_or_404(current_user, initiative_id)
    if not access.can_mark_reference(current_user, initiative):
        abort(404)
    services.set_reference(initiative, not initiative.is_reference)
    message = (
        "Initiative marquée comme cas de référence : elle s'affiche en tête de la base."
        if initiative.is_reference
        else "Ce n'est plus un cas de référence."
    )
    return done(message, url_for(".show_initiative", initiative_id=initiative.id))


# ----- partners -------------------------------------------------------------------------------


def _partner_form(initiative, **kwargs) -> PartnerForm:
    """Partners come from the person's structures and maps, or from a directory search
    (`?partenaire=words`, a plain GET form: it works without JavaScript)."""
    form = PartnerForm(**kwargs)
    choices = services.structure_choices(current_user, initiative)
    found = search_structures(request.args.get("partenaire", ""), limit=20)
    known = {sid for sid, _name in choices}
    choices += [(s.id, f"{s.name} ({s.commune})" if s.commune else s.name) for s in found]
    form.structure_id.choices = [
        ("", "— Choisir —"),
        *[(sid, name) for sid, name in choices if sid != initiative.structure_id],
    ]
    form.found = [s for s in found if s.id not in known]
    return form


@bp.post("/initiatives/<int:initiative_id>/partenaires")
def add_partner(initiative_id: int):
    initiative = access.editable_initiative_or_404(current_user, initiative_id)
    form = _partner_form(initiative)
    if not form.validate_on_submit():
        return _invalid_on_page(initiative, partner_form=form)
    structure = db.session.get(Structure, form.structure_id.data)
    if structure is None or structure.is_deleted:
        form.structure_id.errors = ["Choisissez une structure de l'annuaire."]
        return _invalid_on_page(initiative, partner_form=form)
    added = services.add_partner(initiative, structure, form.role.data)
    message = f"{structure.name} ajouté aux partenaires." if added else "Rôle mis à jour."
    return done(message, url_for(".show_initiative", initiative_id=initiative.id) + "#partenaires")


@bp.post("/initiatives/<int:initiative_id>/partenaires/<int:partner_id>/retirer")
def remove_partner(initiative_id: int, partner_id: int):
    initiative = access.editable_initiative_or_404(current_user, initiative_id)
    partner = db.session.get(InitiativePartner, partner_id)
    if partner is None or partner.initiative_id != initiative.id or partner.is_deleted:
        abort(404)
    services.remove_partner(partner)
    return done(
        f"{partner.structure.name} retiré des partenaires.",
        url_for(".show_initiative", initiative_id=initiative.id) + "#partenaires",
    )


# ----- effects --------------------------------------------------------------------------------


def _invalid_on_page(initiative, **forms):
    return render(
        "initiatives/show.html",
        None,
        422,
        initiative=initiative,
        can_edit=True,
        can_mark=access.can_mark_reference(current_user, initiative),
        sections=SECTIONS,
        timeline=charts.timeline(initiative.live_effects),
        charts=charts.indicator_charts(initiative.live_effects),
        partner_form=forms.get("partner_form") or _partner_form(initiative),
        effect_form=forms.get("effect_form") or EffectForm(),
        presentations=_presentations(),
    )


@bp.post("/initiatives/<int:initiative_id>/effets")
def add_effect(initiative_id: int):
    initiative = access.editable_initiative_or_404(current_user, initiative_id)
    form = EffectForm()
    if not form.validate_on_submit():
        return _invalid_on_page(initiative, effect_form=form)
    services.add_effect(initiative, form.model_fields(), current_user)
    return done("Effet enregistré.", url_for(".show_initiative", initiative_id=initiative.id))


def _effect_or_404(initiative_id: int, effect_id: int, deleted: bool = False):
    initiative = access.editable_initiative_or_404(current_user, initiative_id)
    effect = db.session.get(Effect, effect_id)
    if effect is None or effect.initiative_id != initiative.id or effect.is_deleted != deleted:
        abort(404)
    return initiative, effect


@bp.route("/initiatives/<int:initiative_id>/effets/<int:effect_id>", methods=["GET", "POST"])
def edit_effect(initiative_id: int, effect_id: int):
    initiative, effect = _effect_or_404(initiative_id, effect_id)
    form = EffectForm(obj=effect)
    if request.method == "GET":
        form.version.data = effect.version
    page = "initiatives/effect_form.html"
    if not form.validate_on_submit():
        return form_page(page, form=form, initiative=initiative, effect=effect)
    try:
        services.update_effect(effect, form.model_fields(), form_version(form))
    except EditConflictError:
        return conflict(form, effect, page, initiative=initiative, effect=effect)
    return done("Effet mis à jour.", url_for(".show_initiative", initiative_id=initiative.id))


@bp.post("/initiatives/<int:initiative_id>/effets/<int:effect_id>/supprimer")
def delete_effect(initiative_id: int, effect_id: int):
    initiative, effect = _effect_or_404(initiative_id, effect_id)
    services.remove_effect(effect)
    undo = url_for(".restore_effect", initiative_id=initiative.id, effect_id=effect.id)
    flash(undo_message("Effet supprimé.", undo), "undo")
    return redirect(url_for(".show_initiative", initiative_id=initiative.id), code=303)


@bp.post("/initiatives/<int:initiative_id>/effets/<int:effect_id>/restaurer")
def restore_effect(initiative_id: int, effect_id: int):
    initiative, effect = _effect_or_404(initiative_id, effect_id, deleted=True)
    services.restore_effect(effect)
    return go_to("Effet restauré.", url_for(".show_initiative", initiative_id=initiative.id))


def technique_label(code: str) -> str:
    return vocab.label("techniques", code)
