"""`/cartes/<id>/analyse`: what the map says about cooperation, in words and figures."""

from flask import Response, jsonify, request
from flask_login import current_user

from allervers.analysis import services
from allervers.core import vocab
from allervers.core.web import render
from allervers.maps import access
from allervers.network import export

from . import bp


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
        sector_label=lambda code: vocab.label("secteurs", code),
        figure_labels=services.FIGURE_LABELS,
        column_labels=services.COLUMN_LABELS,
    )


@bp.get("/cartes/<int:map_id>/analyse.json")
def show_json(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    return jsonify(services.analyse_map(cooperation_map).to_json())


EXPORTS = {
    "gexf": ("application/gexf+xml", export.to_gexf),
    "graphml": ("application/graphml+xml", export.to_graphml),
}


@bp.get("/cartes/<int:map_id>/graphe.<any(gexf, graphml):kind>")
def export_graph(map_id: int, kind: str):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    structures, links = services.map_input(cooperation_map)
    graph = export.export_graph(structures, links, services.analyse_map(cooperation_map))
    mimetype, write = EXPORTS[kind]
    response = Response(write(graph), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="carte-{map_id}.{kind}"'
    return response
