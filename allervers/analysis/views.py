"""`/cartes/<id>/analyse`: what the map says about cooperation, in words and figures."""

import json

from flask import Response, abort, flash, jsonify, request, url_for
from flask_login import current_user

from allervers.analysis import exports, results, scopes, services
from allervers.analysis.forms import SnapshotForm
from allervers.core import tabular, vocab
from allervers.core.web import done, form_page, render
from allervers.maps import access
from allervers.maps.models import POSITIONS
from allervers.network import export

from . import aggregate_views, bp, suggestion_views  # noqa: F401 - registers their pages


@bp.get("/cartes/<int:map_id>/analyse")
def show(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    analysis = services.analyse_map(cooperation_map)
    sort = request.args.get("tri", "betweenness")
    return render(
        "analysis/page.html",
        "analysis/_panel.html",
        cooperation_map=cooperation_map,
        analysis=analysis,
        key_figures=services.KEY_FIGURES,
        rows=services.sorted_structures(analysis, sort),
        sort=sort,
        sortable=services.SORTABLE,
        sort_url=lambda column: url_for(".show", map_id=map_id, tri=column),
        can_plan=access.can_edit(current_user, cooperation_map),
        sector_label=lambda code: vocab.label("secteurs", code),
        figure_labels=services.FIGURE_LABELS,
        column_labels=services.COLUMN_LABELS,
        netmap_chart=services.netmap_chart(analysis),
        positions=POSITIONS,
        missing_sectors=services.missing_sectors(cooperation_map, analysis),
    )


@bp.get("/cartes/<int:map_id>/analyse/groupe")
def beside_group(map_id: int):
    """The map side by side with the aggregate of its group (each group of its owner)."""
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    comparisons = []
    for group in services.groups_of_map(cooperation_map):
        result = results.current(scopes.group_scope(group), current_user)
        comparisons.append((group, result, services.missing_from_map(cooperation_map, result)))
    return render(
        "analysis/beside_group.html",
        "analysis/_beside_group.html",
        cooperation_map=cooperation_map,
        analysis=services.analyse_map(cooperation_map),
        comparisons=comparisons,
        key_figures=services.KEY_FIGURES,
        figure_labels=services.FIGURE_LABELS,
    )


@bp.get("/cartes/<int:map_id>/analyse.json")
def show_json(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    return jsonify(services.analysis_json(cooperation_map))


@bp.get("/cartes/<int:map_id>/graphe.<any(gexf, graphml):kind>")
def export_graph(map_id: int, kind: str):
    """The map for Gephi; `?souhaites=non`: without the wished links (« sans les liens
    souhaités »). The measures are computed from the map, at full precision."""
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    structures, links = services.map_input(cooperation_map)
    with_wished = request.args.get("souhaites") != "non"
    graph = export.export_graph(structures, links, with_wished=with_wished)
    name = f"carte-{map_id}" + ("" if with_wished else "-sans-souhaites")
    return aggregate_views.graph_file(graph, kind, name)


@bp.get("/cartes/<int:map_id>/structures.csv")
def export_structures(map_id: int):
    """The map's structures with their measures, for a spreadsheet (the links: export.csv)."""
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    payload = {"analysis": services.analyse_map(cooperation_map).to_json()}
    response = Response(exports.structures_csv(payload), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="carte-{map_id}-structures.csv"'
    )
    return response


@bp.get("/cartes/<int:map_id>/structures.xlsx")
def export_structures_xlsx(map_id: int):
    """The same table as structures.csv, as an .xlsx."""
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    payload = {"analysis": services.analyse_map(cooperation_map).to_json()}
    header, rows = exports.structures_table(payload)
    return tabular.xlsx_response(header, rows, f"carte-{map_id}-structures.xlsx")


# ----- snapshots and before/after -------------------------------------------------------------


@bp.route("/cartes/<int:map_id>/instantanes", methods=["GET", "POST"])
def snapshots(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    # A snapshot changes nothing on the map: a map closed at the end of a workshop takes one too.
    can_edit = access.may_edit(current_user, cooperation_map)
    form = SnapshotForm()
    if request.method == "POST":
        if not can_edit:
            abort(404)
        if form.validate_on_submit():
            snapshot = services.take_snapshot(cooperation_map, form.label.data, current_user)
            return done(
                f"Instantané « {snapshot.label} » enregistré.", url_for(".snapshots", map_id=map_id)
            )
    return form_page(
        "analysis/snapshots.html",
        cooperation_map=cooperation_map,
        form=form,
        can_edit=can_edit,
        snapshots=services.snapshots_of(cooperation_map),
        now=services.NOW,
    )


@bp.get("/cartes/<int:map_id>/comparaison")
def compare(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    before = services.side(cooperation_map, request.args.get("avant"))
    after = services.side(cooperation_map, request.args.get("apres", services.NOW))
    context = {
        "cooperation_map": cooperation_map,
        "snapshots": services.snapshots_of(cooperation_map),
        "now": services.NOW,
        "figure_labels": services.COMPARED_LABELS,
    }
    if before is None or after is None:
        flash("Choisissez deux instantanés de cette carte (ou « la carte aujourd'hui »).", "error")
        return render("analysis/compare.html", None, 422, result=None, **context)
    result = services.comparison(before[0], after[0])
    return render(
        "analysis/compare.html",
        result=result,
        before_label=before[1],
        after_label=after[1],
        **context,
    )


# ----- the interactive graph ------------------------------------------------------------------


@bp.get("/cartes/<int:map_id>/graphe.json")
def graph_json(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    return jsonify(services.graph_data(cooperation_map))


@bp.post("/cartes/<int:map_id>/positions")
def save_positions(map_id: int):
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    try:
        raw = json.loads(request.form.get("positions", ""))
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        raw = None
    if not services.save_positions(cooperation_map, raw):
        return Response("Positions illisibles : rien n'a été enregistré.", status=422)
    return Response(status=204)


@bp.get("/cartes/<int:map_id>/noeud/<int:structure_id>")
def node_card(map_id: int, structure_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    analysis = services.analyse_map(cooperation_map)
    row = next((r for r in analysis.structures if r.id == structure_id), None)
    if row is None:
        abort(404)
    partners = [
        {
            "name": (link.target if link.source_id == structure_id else link.source).name,
            "status": link.status,
            "level": link.level,
            "reports": 1,
        }
        for link in cooperation_map.live_links
        if structure_id in (link.source_id, link.target_id)
    ]
    return render(
        "analysis/node.html",
        "analysis/_node_card.html",
        cooperation_map=cooperation_map,
        row=row,
        partners=partners,
        explanations=analysis.explanations,
    )
