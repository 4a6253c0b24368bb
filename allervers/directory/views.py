"""Pages of the directory (annuaire) of structures: list, record, edits, merges, CSV."""

import re

from flask import Response, flash, request, url_for
from flask_login import current_user

from allervers import communes
from allervers.core import tabular, vocab
from allervers.core.forms import parse_int, search_words
from allervers.core.timeutil import utcnow
from allervers.core.web import (
    done,
    form_page,
    form_version,
    invalid,
    paginate,
    render,
    wants_fragment,
)
from allervers.directory import access, datainclusion, importer, referents, services
from allervers.directory.forms import (
    SORTS,
    ImportConfirmForm,
    ImportForm,
    ListFilters,
    MergeForm,
    StructureForm,
    form_values,
    split_list,
)
from allervers.directory.models import Structure
from allervers.extensions import db

from . import bp, referent_views  # noqa: F401

FORM = "directory/structure_form.html"
IMPORT = "directory/import.html"
SHEETS = ("structures", "annuaire")  # the sheet read in a workbook of several, else the first
CONFLICT = (
    "Quelqu'un a modifié cette fiche pendant votre saisie. Vos valeurs sont conservées "
    "ci-dessous et la valeur enregistrée entre-temps est indiquée sous chaque champ : "
    "vérifiez, puis enregistrez de nouveau."
)
# The CSRF check reads the form before any view runs, so the import's larger limits are set
# earlier, when the URL is matched: a 2 MB file, then its signed copy in the confirmation.
IMPORT_LIMITS = {"max_content_length": 6 * 1024 * 1024, "max_form_memory_size": 4 * 1024 * 1024}


@bp.url_value_preprocessor
def import_limits(endpoint: str | None, _values: dict | None) -> None:
    if endpoint in ("directory.import_structures", "directory.confirm_import"):
        for name, value in IMPORT_LIMITS.items():
            setattr(request, name, value)


@bp.get("/annuaire")
def list_structures():
    filters = ListFilters.from_args(request.args, access.can_see_deleted(current_user))
    return render(
        "directory/list.html",
        "directory/_results.html",
        pagination=paginate(services.list_query(filters)),
        filters=filters,
        sorts=SORTS,
        departements=services.departements(),
        choices={name: vocab.choices(name) for name in ("typologies", "secteurs", "publics")},
        can_import=access.can_import(current_user),
        can_see_deleted=access.can_see_deleted(current_user),
        deleted=_just_deleted(request.args.get("supprimee")),
    )


def _exported():
    """The structures of the list as shown (same search and filters), every page of results."""
    filters = ListFilters.from_args(request.args, access.can_see_deleted(current_user))
    return services.for_export(services.list_query(filters))


def _csv_download(lines, name: str) -> Response:
    response = Response("".join(lines), mimetype="text/csv")
    filename = f"{name}-{utcnow():%Y-%m-%d}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/annuaire/export.csv")
def export_structures():
    """The list as a spreadsheet, in our columns (which re-import)."""
    return _csv_download(importer.export_lines(_exported()), "annuaire")


@bp.get("/annuaire/export.xlsx")
def export_structures_xlsx():
    """The same list as export.csv, as an .xlsx."""
    header, rows = importer.export_table(_exported())
    return tabular.xlsx_response(header, rows, f"annuaire-{utcnow():%Y-%m-%d}.xlsx")


@bp.get("/annuaire/export-data-inclusion.csv")
def export_structures_data_inclusion():
    """The list in data·inclusion v1 structure columns (UTF-8, `,`), which re-imports."""
    return _csv_download(importer.export_v1_lines(_exported()), "annuaire-data-inclusion")


@bp.get("/annuaire/export-data-inclusion.xlsx")
def export_structures_data_inclusion_xlsx():
    """The same data·inclusion v1 columns as an .xlsx."""
    header, rows = importer.export_v1_table(_exported())
    return tabular.xlsx_response(header, rows, f"annuaire-data-inclusion-{utcnow():%Y-%m-%d}.xlsx")


@bp.get("/communes")
def search_communes():
    """The official list of communes: the options of the structure form's commune combobox
    (htmx), or a page to look a commune up (its postal codes, INSEE code, intercommunalité)."""
    query = (request.args.get("q") or request.args.get("commune") or "").strip()[:80]
    listbox = wants_fragment()
    results = communes.search(query, 10 if listbox else 51) if len(query) >= 2 else []
    return render(
        "directory/communes.html",
        "directory/_commune_options.html",
        q=query,
        results=results[:50],
        more=len(results) > 50,
        postal_code=query if re.fullmatch(r"\d{5}", query) else None,
    )


@bp.get("/annuaire/<int:structure_id>")
def show_structure(structure_id: int):
    structure = access.visible_structure_or_404(current_user, structure_id)
    return render(
        "directory/structure.html",
        structure=structure,
        maps=services.maps_showing(structure, current_user),
        links=services.links_of(structure, current_user),
        members=services.members(structure),
        referents=referents.approved_referents(structure.id),
        can_see_requests=access.can_see_referent_requests(current_user),
        merges=services.merges_into(structure) if access.can_merge(current_user) else [],
        merged_by=services.merge_of(structure) if structure.merged_into_id else None,
        access=access,
    )


@bp.route("/annuaire/nouvelle", methods=["GET", "POST"])
def create_structure():
    form = StructureForm()
    if not form.validate_on_submit():
        return form_page(FORM, form=form, structure=None)
    fields, publics = form.model_fields(), form.publics_codes()
    try:
        structure = services.create_structure(
            fields, publics, current_user, allow_duplicates=form.not_duplicate.data
        )
    except services.SiretTakenError as error:
        form.siret.errors.append(str(error))
        return invalid(FORM, form=form, structure=None, duplicates=[error.owner], force=True)
    except services.LikelyDuplicateError as error:
        return invalid(FORM, form=form, structure=None, duplicates=error.duplicates, force=True)
    return done(
        f"La structure « {structure.name} » a été ajoutée à l'annuaire.",
        url_for(".show_structure", structure_id=structure.id),
    )


@bp.route("/annuaire/<int:structure_id>/modifier", methods=["GET", "POST"])
def edit_structure(structure_id: int):
    structure = access.editable_structure_or_404(current_user, structure_id)
    form = StructureForm(data=form_values(structure))
    if not form.validate_on_submit():
        return form_page(FORM, form=form, structure=structure)
    fields, publics = form.model_fields(), form.publics_codes()
    try:
        services.save_structure(
            structure, fields, publics, current_user, form_version(form), form.not_duplicate.data
        )
    except services.EditConflictError:
        return _conflict(form, structure)
    except services.SiretTakenError as error:
        form.siret.errors.append(str(error))
        return invalid(FORM, form=form, structure=structure, duplicates=[error.owner], force=True)
    return done(
        "La fiche de la structure a été enregistrée.",
        url_for(".show_structure", structure_id=structure.id),
    )


@bp.post("/annuaire/<int:structure_id>/supprimer")
def delete_structure(structure_id: int):
    structure = access.editable_structure_or_404(current_user, structure_id)
    services.delete_structure(structure)
    return done(
        f"La structure « {structure.name} » a été supprimée de l'annuaire.",
        url_for(".list_structures", supprimee=structure.id),
    )


@bp.post("/annuaire/<int:structure_id>/restaurer")
def restore_structure(structure_id: int):
    structure = access.restorable_structure_or_404(current_user, structure_id)
    try:
        services.restore_structure(structure)
    except services.MergeError as error:
        return done(str(error), url_for(".show_structure", structure_id=structure.id), "error")
    return done(
        f"La structure « {structure.name} » est de nouveau dans l'annuaire.",
        url_for(".show_structure", structure_id=structure.id),
    )


@bp.route("/annuaire/<int:structure_id>/fusionner", methods=["GET", "POST"])
def merge_structure(structure_id: int):
    kept = access.mergeable_structure_or_404(current_user, structure_id)
    merged = services.get_live(parse_int(request.values.get("absorber")))
    if merged is None or merged.id == kept.id:
        search = search_words(request.args)
        page = invalid if request.method == "POST" else render
        return page(
            "directory/merge_choose.html",
            kept=kept,
            search=search,
            candidates=services.merge_candidates(kept, search),
        )
    plan = services.plan_merge(kept, merged)
    form = MergeForm(absorber=merged.id)
    if not form.validate_on_submit():
        return render("directory/merge_confirm.html", plan=plan, form=form)
    try:
        merge = services.merge_structures(plan, current_user)
    except services.MergeError as error:
        return done(str(error), url_for(".show_structure", structure_id=kept.id), "error")
    return done(
        f"« {merged.name} » a été fusionnée dans « {kept.name} ». "
        "La fusion peut être annulée depuis cette page.",
        url_for(".show_structure", structure_id=kept.id, _anchor=f"fusion-{merge.id}"),
    )


@bp.post("/annuaire/fusions/<int:merge_id>/annuler")
def undo_merge(merge_id: int):
    merge = access.merge_or_404(current_user, merge_id)
    try:
        services.undo_merge(merge)
    except services.MergeError as error:
        return done(str(error), url_for(".show_structure", structure_id=merge.kept_id), "error")
    return done(
        f"La fusion est annulée : « {merge.merged.name} » est de nouveau dans l'annuaire.",
        url_for(".show_structure", structure_id=merge.merged_id),
    )


@bp.route("/annuaire/import", methods=["GET", "POST"])
def import_structures():
    access.require_import(current_user)
    form = ImportForm()
    if not form.validate_on_submit():
        return form_page(IMPORT, form=form)
    try:
        text = tabular.upload_text(
            form.file.data, importer.decode, importer.MAX_BYTES, importer.MAX_ROWS, SHEETS
        )
        preview = importer.preview(text)
    except (importer.ImportFileError, tabular.SpreadsheetError) as error:
        form.file.errors.append(str(error))
        return invalid(IMPORT, form=form)
    confirm = ImportConfirmForm(token=importer.token_for(text))
    return render("directory/import_preview.html", preview=preview, form=confirm)


@bp.get("/annuaire/import/data-inclusion")
def data_inclusion_mapping():
    """How data·inclusion's networks and publics are read into the directory (data files)."""
    access.require_import(current_user)
    return render("directory/import_mapping.html", tables=datainclusion.mapping_tables())


@bp.post("/annuaire/import/confirmer")
def confirm_import():
    access.require_import(current_user)
    try:
        preview = importer.preview(importer.text_of(ImportConfirmForm().token.data))
        created = services.import_structures(
            [row.fields for row in preview.to_create],
            current_user,
            [(structure, row.fields) for row, structure, _changes in preview.to_update],
        )
    except (importer.ImportFileError, services.ImportConflictError) as error:
        return done(str(error), url_for(".import_structures"), "error")
    return done(_import_summary(len(created), preview), url_for(".list_structures", tri="recent"))


# ----- helpers --------------------------------------------------------------------------------


def _just_deleted(structure_id: str | None):
    """The structure the user has just deleted, while they may still restore it."""
    ident = parse_int(structure_id)
    structure = db.session.get(Structure, ident) if ident else None
    return structure if structure and access.can_restore(current_user, structure) else None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _import_summary(created: int, preview: importer.Preview) -> str:
    parts = [f"{_plural(created, 'structure')} {'créées' if created > 1 else 'créée'}"]
    if preview.to_update:
        updated = len(preview.to_update)
        parts.append(f"{_plural(updated, 'structure')} {'mises' if updated > 1 else 'mise'} à jour")
    if preview.existing:
        parts.append(f"{_plural(len(preview.existing), 'ligne')} déjà dans l'annuaire")
    if preview.errors:
        parts.append(f"{_plural(len(preview.errors), 'ligne')} en erreur, non importées")
    return "Import terminé : " + ", ".join(parts) + "."


def _comparable(name: str, value):
    if name == "publics":
        return sorted(value or [])
    if name == "thematiques":
        return split_list(value)
    return value or None


def _shown(name: str, value):
    """A saved value as the conflict note shows it: labels rather than codes."""
    if name == "publics":
        return ", ".join(vocab.label("publics", code) for code in value) or None
    if name in ("typology", "sector"):
        vocabulary = "typologies" if name == "typology" else "secteurs"
        return vocab.label(vocabulary, value) if value else None
    return value or None


def _conflict(form: StructureForm, structure):
    """Keep the user's input, show what was saved meanwhile, and take the new version
    (as training.views._conflict does, comparing list fields by their content)."""
    db.session.refresh(structure)
    saved = {
        name: _shown(name, value)
        for name, value in form_values(structure).items()
        if name != "version" and _comparable(name, value) != _comparable(name, form[name].data)
    }
    form.version.data = structure.version
    flash(CONFLICT, "error")
    return render(FORM, None, 409, form=form, structure=structure, saved=saved)
