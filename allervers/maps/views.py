"""Pages of the cooperation maps: the list, the editor and its panels, import and export."""

from flask import Response, abort, flash, redirect, request, session, url_for
from flask_login import current_user

from allervers.core import tabular
from allervers.core.forms import parse_int, search_words
from allervers.core.models import EditConflictError
from allervers.core.plural import plural
from allervers.core.web import (
    conflict,
    done,
    form_page,
    form_version,
    invalid,
    paginate,
    render,
    undo_message,
    wants_fragment,
)
from allervers.directory.services import get_live, structure_choices
from allervers.history import access as history_access
from allervers.maps import access, graphfile, importer, live, services
from allervers.maps.forms import EntryForm, LinkForm, MapForm, QuickEntryForm
from allervers.maps.models import CooperationMap
from allervers.training import access as training_access
from allervers.training import services as training

from . import bp

WORKSPACE = "maps/workspace.html"
STRUCTURES_PAGE = "maps/structures.html"
LINKS_PAGE = "maps/links.html"
ENTRY_FORM = "maps/_entry_form.html"
LINK_FORM = "maps/_link_form.html"
ENTRY_EVENTS = "mapChanged, entriesChanged"
# Per map, the source and level of the person's last saved link: the next link form starts there.
LAST_LINK = "derniers-liens"
# The import's confirmation sends the file back url-encoded: up to three times its 1 MB. The
# CSRF check reads the form before the view runs, so the limit is raised when the URL matches.
IMPORT_MAX_CONTENT_LENGTH = 4 * 1024 * 1024


@bp.url_value_preprocessor
def import_limit(endpoint: str | None, _values: dict | None) -> None:
    if endpoint == "maps.import_links":
        request.max_content_length = IMPORT_MAX_CONTENT_LENGTH


# ----- the list and the map itself ------------------------------------------------------------


@bp.get("/cartes")
def list_maps():
    query = access.visible_maps(current_user).order_by(CooperationMap.updated_at.desc())
    return render(
        "maps/list.html",
        "maps/_map_list.html",
        pagination=paginate(query),
        groups=training.groups_of(current_user),
    )


@bp.route("/cartes/nouvelle", methods=["GET", "POST"])
def create_map():
    form = MapForm()
    form.focal_structure_id.choices = _focal_choices()
    if request.method == "GET":
        form.focal_structure_id.data = current_user.structure_id
        form.title.data = _default_title()
        form.title.render_kw = {"autofocus": True}  # the title is proposed: Enter creates the map
    from_file = request.args.get("depuis") == "fichier"  # « Nouvelle carte depuis un fichier »
    if not form.validate_on_submit():
        return form_page("maps/map_form.html", form=form, cooperation_map=None, from_file=from_file)
    cooperation_map = services.create_map(
        current_user, form.title.data, form.territory.data, _live_id(form.focal_structure_id.data)
    )
    if from_file:
        return done(
            "La carte a été créée. Choisissez maintenant le fichier à importer.",
            url_for(".import_links", map_id=cooperation_map.id),
        )
    return done("La carte a été créée. Ajoutez-y vos partenaires.", _url(cooperation_map))


@bp.get("/cartes/<int:map_id>")
def show_map(map_id: int):
    """The workspace: the graph, the editing panel beside it, the key figures above."""
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    # A map just started: the next thing to do is to place partners on it.
    fresh = len(cooperation_map.live_entries) < 2
    return _editor(cooperation_map, focus="search" if fresh else None)


@bp.get("/cartes/<int:map_id>/chiffres")
def figures(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    if wants_fragment():  # every screen of a live workshop asks after each change: just these
        figures = services.key_figures(cooperation_map)
        context = {"cooperation_map": cooperation_map, "figures": figures}
        return render(WORKSPACE, "maps/_figures.html", **context)
    return _editor(cooperation_map)


@bp.route("/cartes/<int:map_id>/modifier", methods=["GET", "POST"])
def edit_map(map_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    form = MapForm(obj=cooperation_map)
    form.focal_structure_id.choices = _focal_choices()
    if request.method == "GET":
        form.version.data = cooperation_map.version
    page = "maps/map_form.html"
    if not form.validate_on_submit():
        return form_page(page, form=form, cooperation_map=cooperation_map)
    fields = {
        "title": form.title.data,
        "territory": form.territory.data,
        "focal_structure_id": _live_id(form.focal_structure_id.data),
    }
    try:
        services.update_map(cooperation_map, fields, form_version(form))
    except EditConflictError:
        return conflict(form, cooperation_map, page, cooperation_map=cooperation_map)
    return done("La carte a été enregistrée.", _url(cooperation_map))


@bp.post("/cartes/<int:map_id>/supprimer")
def delete_map(map_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    if cooperation_map.is_group_map:
        abort(404)  # a group map lives as long as its group
    services.remove_map(cooperation_map)
    flash(undo_message("La carte a été supprimée.", url_for(".restore_map", map_id=map_id)), "undo")
    return redirect(url_for(".list_maps"), code=303)


@bp.post("/cartes/<int:map_id>/restaurer")
def restore_map(map_id: int):
    """The undo of a deletion: allowed to whoever the trash allows (owner, formateurs of the
    owner's groups, admins)."""
    _kind, cooperation_map = history_access.restorable_or_404(current_user, "carte", map_id)
    services.restore_map(cooperation_map)
    return done("La carte est restaurée.", _url(cooperation_map))


@bp.get("/groupes/<int:group_id>/carte")
def group_map(group_id: int):
    group = training_access.visible_group_or_404(current_user, group_id)
    return redirect(_url(services.group_map(group)), code=303)


# ----- entries: structures on the map ---------------------------------------------------------


@bp.get("/cartes/<int:map_id>/structures")
def entries_panel(map_id: int):
    """The structures tab: the list, and the form that edits them."""
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    return _page(STRUCTURES_PAGE, cooperation_map, "maps/_entries.html")


@bp.get("/cartes/<int:map_id>/structures/recherche")
def search_structures(map_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    query = search_words(request.args)
    results = services.search_structures(query, _near(cooperation_map)) if len(query) >= 2 else []
    # With htmx the results are the combobox's options; the full page keeps plain links.
    return _editor(
        cooperation_map, "maps/_structure_results.html", results=results, q=query, listbox=True
    )


@bp.get("/cartes/<int:map_id>/structures/formulaire")
def entry_form(map_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    return _editor(cooperation_map, ENTRY_FORM)


@bp.post("/cartes/<int:map_id>/structures")
def add_entry(map_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    form = EntryForm()
    structure = get_live(parse_int(form.structure_id.data))
    if not form.validate_on_submit() or (form.structure_id.data and structure is None):
        # Without JavaScript, a name typed and sent is a search: show what matches.
        results = (
            []
            if structure
            else services.search_structures(form.q.data or "", _near(cooperation_map))
        )
        return _editor(
            cooperation_map, ENTRY_FORM, 422, entry_form=form, chosen=structure, results=results
        )
    if structure is None:
        structure = services.new_structure(
            form.new_name.data, form.new_commune.data, form.new_typology.data, current_user
        )
    placed = services.entry_of(cooperation_map, structure.id)
    if placed is not None and not placed.is_deleted and not any(_entry_fields(form).values()):
        # Chosen again from the suggestions: what was recorded about it stays as it is.
        message = f"{structure.name} est déjà sur la carte."
    else:
        services.add_entry(cooperation_map, structure, _entry_fields(form))
        message = f"Structure ajoutée : {structure.name}"
    return _changed(cooperation_map, message, ENTRY_FORM, ENTRY_EVENTS, focus="search")


@bp.route("/cartes/<int:map_id>/structures/<int:entry_id>/modifier", methods=["GET", "POST"])
def edit_entry(map_id: int, entry_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    entry = services.live_entry(cooperation_map, entry_id)
    if entry is not None and entry.is_deleted and request.method == "POST":
        who = live.who_did(map_id, "remove", entry.structure_id)
        by = f" par {who}" if who else ""
        text = f"{entry.structure.name} a été retirée de la carte entre-temps{by} : vos "
        message = text + "modifications ne sont pas enregistrées."
        return _changed(cooperation_map, message, None, ENTRY_EVENTS, "error", STRUCTURES_PAGE)
    _live_or_404(entry)
    form = EntryForm(obj=entry)
    if request.method == "GET":
        form.version.data = entry.version
        form.influence.render_kw = {"autofocus": True}  # the form opens where the edit starts
    context = {"entry_form": form, "entry": entry, "chosen": entry.structure}
    form.structure_id.data = str(entry.structure_id)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return _page(STRUCTURES_PAGE, cooperation_map, ENTRY_FORM, status, **context)
    try:
        services.update_entry(entry, _entry_fields(form), form_version(form))
    except EditConflictError:
        return _conflict(form, entry, cooperation_map, ENTRY_FORM, **context)
    message = f"Structure enregistrée : {entry.structure.name}"
    return _changed(
        cooperation_map,
        message,
        ENTRY_FORM,
        ENTRY_EVENTS,
        "success",
        STRUCTURES_PAGE,
        focus="search",
    )


@bp.post("/cartes/<int:map_id>/structures/<int:entry_id>/supprimer")
def remove_entry(map_id: int, entry_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    entry = _live_or_404(services.live_entry(cooperation_map, entry_id))
    services.remove_entry(entry)
    undo = url_for(".restore_entry", map_id=map_id, entry_id=entry_id)
    text = f"Structure retirée de la carte, avec ses liens : {entry.structure.name}"
    message = undo_message(text, undo)
    return _changed(cooperation_map, message, None, ENTRY_EVENTS, "undo", STRUCTURES_PAGE)


@bp.post("/cartes/<int:map_id>/structures/<int:entry_id>/restaurer")
def restore_entry(map_id: int, entry_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    entry = services.live_entry(cooperation_map, entry_id)
    if entry is None:
        abort(404)
    services.restore_entry(entry)
    message = f"{entry.structure.name} est de nouveau sur la carte."
    return _changed(cooperation_map, message, None, ENTRY_EVENTS, "success", STRUCTURES_PAGE)


# ----- links ----------------------------------------------------------------------------------


@bp.get("/cartes/<int:map_id>/liens")
def links_panel(map_id: int):
    """The links tab: the list, and the form that edits them."""
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    return _page(LINKS_PAGE, cooperation_map, "maps/_links.html")


@bp.get("/cartes/<int:map_id>/liens/formulaire")
def link_form(map_id: int):
    """A fresh link form; `source_id` and `target_id` (a pair picked in the graph) prefill it,
    or open the link the pair already has. Anything not on the map is ignored."""
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    placed = {value for value, _label in services.structure_options(cooperation_map)}
    first, second = (parse_int(request.args.get(name)) for name in ("source_id", "target_id"))
    if first not in placed or second not in placed or first == second:
        return _editor(cooperation_map, LINK_FORM)
    existing = services.link_between(cooperation_map, first, second)
    if existing is not None and not existing.is_deleted:
        form = _link_form(cooperation_map, obj=existing)
        form.version.data = existing.version
        return _editor(cooperation_map, LINK_FORM, link_form_=form, link=existing, focus="submit")
    form = _fresh_link_form(cooperation_map)
    form.source_id.data, form.target_id.data = first, second
    if form.level.data is None:  # no level to remember yet: the person picks one, Enter saves
        form.level.render_kw = {"autofocus": True}
        return _editor(cooperation_map, LINK_FORM, link_form_=form)
    return _editor(cooperation_map, LINK_FORM, link_form_=form, focus="submit")


@bp.post("/cartes/<int:map_id>/liens")
def add_link(map_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    return _save_link(cooperation_map, None)


@bp.route("/cartes/<int:map_id>/liens/<int:link_id>/modifier", methods=["GET", "POST"])
def edit_link(map_id: int, link_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    link = services.live_link(cooperation_map, link_id)
    if link is not None and link.is_deleted and request.method == "POST":
        return _removed_meanwhile(cooperation_map, link)
    _live_or_404(link)
    if request.method == "GET":
        form = _link_form(cooperation_map, obj=link)
        form.version.data = link.version
        form.level.render_kw = {"autofocus": True}
        return _page(LINKS_PAGE, cooperation_map, LINK_FORM, link_form_=form, link=link)
    return _save_link(cooperation_map, link)


def _removed_meanwhile(cooperation_map: CooperationMap, link):
    """Someone removed the link while this person was editing it: say so, keep what was typed
    (saving it again recreates the link), change nothing."""
    who = live.who_did(cooperation_map.id, "remove", link.source_id, link.target_id)
    flash(
        f"Ce lien a été supprimé entre-temps{f' par {who}' if who else ''} : vos modifications "
        "ne sont pas enregistrées. Elles restent dans le formulaire : enregistrez pour recréer "
        "le lien, ou abandonnez.",
        "error",
    )
    form = _link_form(cooperation_map)
    form.validate()
    form.version.data = None
    return _editor(cooperation_map, LINK_FORM, 409, link_form_=form, link=None)


def _save_link(cooperation_map: CooperationMap, link):
    form = _link_form(cooperation_map)
    fragment = LINK_FORM
    if not form.validate_on_submit():
        return _editor(cooperation_map, fragment, 422, link_form_=form, link=link)
    try:
        saved, created = services.save_link(
            cooperation_map,
            form.source_id.data,
            form.target_id.data,
            form.link_fields(),
            form_version(form) if link else None,
        )
    except services.MapError as error:
        form.target_id.errors = [str(error)]
        return _editor(cooperation_map, fragment, 422, link_form_=form, link=link)
    except EditConflictError:
        existing = link or services.link_between(
            cooperation_map, form.source_id.data, form.target_id.data
        )
        return _conflict(form, existing, cooperation_map, fragment, link_form_=form, link=existing)
    _remember_link(cooperation_map, form.source_id.data, saved.level)
    verb = "ajouté" if created else "mis à jour"
    message = f"Lien {verb} : {saved.source.name} – {saved.target.name}"
    return _changed(
        cooperation_map,
        message,
        fragment,
        "mapChanged",
        "success",
        LINKS_PAGE if link else WORKSPACE,
        focus="source",
        link_form_=_fresh_link_form(cooperation_map),
    )


@bp.post("/cartes/<int:map_id>/liens/<int:link_id>/supprimer")
def remove_link(map_id: int, link_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    link = services.live_link(cooperation_map, link_id)
    if link is not None and link.is_deleted:  # removed from another screen a moment ago
        message = f"Ce lien avait déjà été supprimé : {link.source.name} – {link.target.name}"
        return _changed(cooperation_map, message, None, "mapChanged", "info", LINKS_PAGE)
    _live_or_404(link)
    services.remove_link(link)
    undo = url_for(".restore_link", map_id=map_id, link_id=link_id)
    message = undo_message(f"Lien supprimé : {link.source.name} – {link.target.name}", undo)
    return _changed(cooperation_map, message, None, "mapChanged", "undo", LINKS_PAGE)


@bp.post("/cartes/<int:map_id>/liens/<int:link_id>/restaurer")
def restore_link(map_id: int, link_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    link = services.live_link(cooperation_map, link_id)
    if link is None:
        abort(404)
    try:
        services.restore_link(link)
    except services.MapError as error:
        return _changed(cooperation_map, str(error), None, "mapChanged", "error", LINKS_PAGE)
    return _changed(
        cooperation_map, "Le lien est rétabli.", None, "mapChanged", "success", LINKS_PAGE
    )


# ----- import, quick entry, export, copy into the group map -----------------------------------


@bp.route("/cartes/<int:map_id>/import", methods=["GET", "POST"])
def import_links(map_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    page = "maps/import.html"
    if request.method == "GET":
        return render(page, cooperation_map=cooperation_map, quick_form=QuickEntryForm())
    try:
        text = _import_text()
    except graphfile.GraphFileError as error:  # a GEXF or GraphML file that cannot be read
        flash(str(error), "error")
        return invalid(page, cooperation_map=cooperation_map, quick_form=QuickEntryForm())
    except tabular.SpreadsheetError as error:
        plan = importer.ImportPlan(errors=[str(error)])
        context = {"cooperation_map": cooperation_map, "quick_form": QuickEntryForm()}
        return invalid(page, plan=plan, **context)
    if text is None:
        message = "Choisissez un fichier CSV, .xlsx ou .ods, ou saisissez des lignes"
        flash(f"{message} dans la saisie rapide.", "error")
        return invalid(page, cooperation_map=cooperation_map, quick_form=QuickEntryForm())
    plan = importer.parse(text)
    typed = _quick_lines()
    if typed:
        plan = importer.renumber_quick_entry(plan, typed)
    importer.choose(plan, request.form, required=request.form.get("step") == "confirmer")
    if request.form.get("step") != "confirmer" or not plan.is_valid:
        status = 200 if plan.is_valid else 422
        return render(
            page,
            None,
            status,
            cooperation_map=cooperation_map,
            plan=plan,
            csv_text=text,
            # the lines typed stay in their box, to correct them after the preview
            quick_form=QuickEntryForm() if typed else QuickEntryForm(formdata=None),
        )
    created, links = importer.apply(plan, cooperation_map, current_user)
    added = plural(created, "structure ajoutée", "structures ajoutées")
    return done(
        f"Import terminé : {plural(links, 'lien', 'liens')}, {added} à l'annuaire.",
        _url(cooperation_map),
    )


@bp.get("/cartes/<int:map_id>/export.csv")
def export_links(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    response = Response(importer.export(cooperation_map), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="carte-{map_id}.csv"'
    return response


@bp.get("/cartes/<int:map_id>/export.xlsx")
def export_links_xlsx(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    header, rows = importer.export_rows(cooperation_map)
    return tabular.xlsx_response(header, rows, f"carte-{map_id}.xlsx")


@bp.post("/cartes/<int:map_id>/copier")
def copy_to_group(map_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    group_id = parse_int(request.form.get("group_id"))
    group = next((g for g in training.groups_of(current_user) if g.id == group_id), None)
    if group is None or cooperation_map.is_group_map:
        return done("Choisissez l'un de vos groupes.", _url(cooperation_map), "error")
    target = services.group_map(group)
    if target.is_locked:
        raise access.MapLockedError(target)
    report = services.copy_into(cooperation_map, target)
    skipped = plural(
        report.skipped_links,
        "lien déjà présent laissé tel quel",
        "liens déjà présents laissés tels quels",
    )
    structures = plural(report.structures, "structure", "structures")
    links = plural(report.links, "lien", "liens")
    message = f"Copié dans la carte de {group.name} : {structures}, {links} ({skipped})."
    return done(message, _url(target))


# ----- helpers --------------------------------------------------------------------------------


def _page(
    page: str,
    cooperation_map: CooperationMap,
    fragment: str | None = None,
    http_status: int = 200,
    /,
    **context,
):
    """One of the map's pages (workspace, structures, links) or one of its fragments."""
    return render(
        page,
        fragment,
        http_status,
        cooperation_map=cooperation_map,
        **{**_editor_context(cooperation_map), **context},
    )


def _editor(
    cooperation_map: CooperationMap,
    fragment: str | None = None,
    http_status: int = 200,
    /,
    **context,
):
    return _page(WORKSPACE, cooperation_map, fragment, http_status, **context)


def _conflict(form, record, cooperation_map: CooperationMap, fragment: str, /, **extra):
    context = {**_editor_context(cooperation_map), "cooperation_map": cooperation_map, **extra}
    return conflict(form, record, WORKSPACE, fragment, **context)


def _editor_context(cooperation_map: CooperationMap) -> dict:
    chosen = get_live(parse_int(request.args.get("structure_id")))
    can_edit = access.can_edit(current_user, cooperation_map)
    return {
        "can_edit": can_edit,
        "entry_form": EntryForm(formdata=None),
        "link_form_": _fresh_link_form(cooperation_map) if can_edit else None,
        "chosen": chosen,
        "entry": None,
        "link": None,
        "focus": None,
        "listbox": False,
        "figures": services.key_figures(cooperation_map),
        "my_groups": training.groups_of(current_user),
    }


def _link_form(cooperation_map: CooperationMap, **kwargs) -> LinkForm:
    return LinkForm(structures=services.structure_options(cooperation_map), **kwargs)


def _fresh_link_form(cooperation_map: CooperationMap) -> LinkForm:
    """A blank link form that starts where the person's last link on this map left off: the
    same first structure (else the focal one), the same level."""
    form = _link_form(cooperation_map, formdata=None)
    placed = {choice.value for choice in form.source_id.choices}
    memory = session.get(LAST_LINK, {}).get(str(cooperation_map.id), {})
    source = memory.get("source") or cooperation_map.focal_structure_id
    if source in placed:
        form.source_id.data = source
    if memory.get("level") is not None:
        form.level.data = memory["level"]
    return form


def _remember_link(cooperation_map: CooperationMap, source_id: int, level: int | None) -> None:
    memory = dict(session.get(LAST_LINK, {}))
    kept = dict(memory.get(str(cooperation_map.id), {}), source=source_id)
    if level is not None:  # a wished link has no level: keep the last real one
        kept["level"] = level
    memory[str(cooperation_map.id)] = kept
    session[LAST_LINK] = memory


def _changed(
    cooperation_map,
    message,
    fragment: str | None,
    events: str,
    category: str = "success",
    back: str = WORKSPACE,
    /,
    **context,
):
    """After a change: the fresh fragment and an event for the other panels, or a redirect
    (without JavaScript) to the page the change was made from."""
    flash(message, category)
    if not wants_fragment():
        return redirect(_page_url(back, cooperation_map), code=303)
    response = _editor(cooperation_map, fragment or "_messages_only.html", **context)
    response.headers["HX-Trigger"] = events
    return response


def _page_url(page: str, cooperation_map: CooperationMap) -> str:
    endpoint = {STRUCTURES_PAGE: ".entries_panel", LINKS_PAGE: ".links_panel"}.get(page)
    return url_for(endpoint, map_id=cooperation_map.id) if endpoint else _url(cooperation_map)


def _default_title() -> str:
    structure = current_user.structure
    return f"Mes partenaires – {structure.name}" if structure else "Ma carte de coopération"


def _entry_fields(form: EntryForm) -> dict:
    return {
        "influence": form.influence.data,
        "position": form.position.data,
        "note": form.note.data,
    }


def _quick_lines() -> str | None:
    """The quick-entry lines, when they are what is being imported (no file, no confirmation)."""
    upload = request.files.get("fichier")
    if (upload and upload.filename) or request.form.get("csv_text"):
        return None
    return request.form.get("lines", "").strip("\r\n") or None


def _import_text() -> str | None:
    upload = request.files.get("fichier")
    if upload and upload.filename:
        if graphfile.is_graph_file(upload.filename):  # Gephi's GEXF, GraphML: read as the CSV
            return graphfile.to_import_csv(upload.read(graphfile.MAX_BYTES + 1))
        return tabular.upload_text(
            upload, importer.decode, importer.MAX_BYTES, importer.MAX_ROWS, ("liens",)
        )
    if request.form.get("csv_text"):
        return request.form["csv_text"]
    if request.form.get("lines", "").strip():
        return importer.quick_entry_csv(request.form["lines"])
    return None


def _near(cooperation_map: CooperationMap) -> str | None:
    focal = cooperation_map.focal_structure
    return focal.departement if focal else None


def _focal_choices():
    from allervers.core.forms import as_choices

    return as_choices([(None, "— Aucune —"), *structure_choices()])


def _live_id(structure_id: int | None) -> int | None:
    structure = get_live(structure_id)
    return structure.id if structure else None


def _live_or_404(record):
    if record is None or record.is_deleted:
        abort(404)
    return record


def _url(cooperation_map: CooperationMap) -> str:
    return url_for(".show_map", map_id=cooperation_map.id)
