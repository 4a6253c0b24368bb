"""Aggregates: a group's maps as one (`/groupes/<id>/analyse`), a session's, a territory's.

Their results come from a background job; the pages show the last one stored and poll until
the fresh one is there. Every sub-resource (graph, exports, node card) is under
`/agregats/<kind>/<id>/…` (id 0 for the territory, whose area comes in the query string).
"""

from flask import Response, abort, current_app, flash, g, jsonify, request, url_for
from flask_login import current_user

from allervers.analysis import aggregates, cache, exports, results, scopes, services
from allervers.analysis.scopes import Scope
from allervers.core import tabular, vocab
from allervers.core.web import paginate_list, render
from allervers.directory.services import commune_spelling, departements
from allervers.maps.models import POSITIONS
from allervers.network import StructureMeasures, aggregate, export
from allervers.training import access as training_access

from . import bp

KINDS = ("groupe", "session", "territoire")
COMMUNE_MAX = 120
LARGE_GRAPH = 300  # structures: above, the graph draws labels only when zoomed in


def area_filters() -> dict[str, str]:
    """The territory's département and commune from the query string ('' when absent); a
    commune of the directory comes in its directory spelling ("orleans" → "Orléans"), so
    that every way of typing it names one result."""
    if "area_filters" not in g:
        departement = request.args.get("departement", "").strip().upper()
        commune = request.args.get("commune", "").strip()
        known = commune_spelling(commune, departement) if len(commune) <= COMMUNE_MAX else None
        g.area_filters = {"departement": departement, "commune": known or commune}
    return g.area_filters


def area_errors(filters: dict[str, str]) -> list[str]:
    """What is wrong with the area. Only areas of the directory are computed: each one
    stores a result and queues a job, so a typed value must not make a new one."""
    errors = []
    if filters["departement"] and filters["departement"] not in departements():
        errors.append(
            "Ce département n'a aucune structure dans l'annuaire : choisissez-en un de la liste."
        )
    if len(filters["commune"]) > COMMUNE_MAX:
        errors.append(f"Le nom de commune est limité à {COMMUNE_MAX} caractères.")
    elif filters["commune"] and not commune_spelling(filters["commune"], filters["departement"]):
        where = f" dans le département {filters['departement']}" if filters["departement"] else ""
        errors.append(
            f"Aucune structure de l'annuaire n'est située à « {filters['commune']} »{where} : "
            "vérifiez l'orthographe de la commune, ou choisissez seulement un département."
        )
    return errors


def scope_or_404(kind: str, ident: int) -> tuple[Scope, dict]:
    """The scope named by the URL, if the viewer may see it, with what its page needs."""
    if kind == "groupe":
        group = training_access.visible_group_or_404(current_user, ident)
        return scopes.group_scope(group), {"group": group}
    if not current_user.is_staff:
        abort(404)
    if kind == "session":
        training = training_access.visible_session_or_404(current_user, ident)
        return scopes.session_scope(training), {"training": training}
    if kind == "territoire" and ident == 0:
        filters = area_filters()
        if area_errors(filters):
            abort(404)
        return scopes.territory_scope(current_user, **filters), {"filters": filters}
    abort(404)


def scope_url(endpoint: str, kind: str, ident: int, **values) -> str:
    if kind == "territoire":
        values.update({key: value for key, value in area_filters().items() if value})
    return url_for(endpoint, kind=kind, ident=ident, **values)


def page_url(kind: str, ident: int, **values) -> str:
    if kind == "groupe":
        return url_for("analysis.group_aggregate", group_id=ident, **values)
    if kind == "session":
        return url_for("analysis.session_aggregate", session_id=ident, **values)
    values.update({key: value for key, value in area_filters().items() if value})
    return url_for("analysis.territory", **values)


def _show(kind: str, ident: int, /, **extra):
    scope, context = scope_or_404(kind, ident)
    result = results.current(scope, current_user)
    sort = request.args.get("tri", "betweenness")
    analysis = result.analysis
    summary = request.args.get("vue") == "resume"
    rows_page = paginate_list(services.sorted_structures(analysis, sort) if analysis else [], 50)
    return render(
        "analysis/aggregate.html",
        "analysis/_aggregate_summary.html" if summary else "analysis/_aggregate_result.html",
        kind=kind,
        ident=ident,
        scope=scope,
        result=result,
        analysis=analysis,
        rows=rows_page.items,
        rows_page=rows_page,
        sort=sort,
        sortable=services.SORTABLE,
        sort_url=lambda column: page_url(kind, ident, tri=column),
        sort_target="#aggregate-result",
        poll_url=page_url(kind, ident, tri=sort, **({"vue": "resume"} if summary else {})),
        full_url=page_url(kind, ident),
        key_figures=services.KEY_FIGURES,
        figure_labels=services.FIGURE_LABELS,
        column_labels=services.COLUMN_LABELS,
        netmap_chart=services.netmap_chart(analysis) if analysis else None,
        positions=POSITIONS,
        sector_label=lambda code: vocab.label("secteurs", code),
        graph_urls={
            "source": scope_url("analysis.aggregate_graph", kind, ident),
            "card": scope_url("analysis.aggregate_node", kind, ident, structure_id=0),
            "positions": None,
            "large": bool(analysis) and analysis.network.nodes > LARGE_GRAPH,
        },
        export_url=lambda name, **args: scope_url(
            "analysis.aggregate_export", kind, ident, name=name, **args
        ),
        export_files=EXPORT_FILES,
        **context,
        **extra,
    )


@bp.get("/groupes/<int:group_id>/analyse")
def group_aggregate(group_id: int):
    return _show("groupe", group_id)


@bp.get("/sessions/<int:session_id>/analyse")
def session_aggregate(session_id: int):
    return _show("session", session_id)


@bp.get("/territoire")
def territory():
    if not current_user.is_staff:
        abort(404)
    filters = area_filters()
    errors = area_errors(filters)
    if errors:
        for message in errors:
            flash(message, "error")
        return render(
            "analysis/aggregate.html",
            None,
            422,
            kind="territoire",
            ident=0,
            result=None,
            filters=filters,
            departements=departements(),
        )
    return _show("territoire", 0, departements=departements())


# ----- what every aggregate offers ------------------------------------------------------------


def _stored_or_404(kind: str, ident: int) -> tuple[Scope, dict]:
    result = _result_or_404(kind, ident)
    return result.scope, result.payload


def _result_or_404(kind: str, ident: int) -> results.Result:
    if kind not in KINDS:
        abort(404)
    scope, _context = scope_or_404(kind, ident)
    result = results.current(scope, current_user)
    if result.payload is None:
        abort(404)
    return result


@bp.get("/agregats/<kind>/<int:ident>/graphe.json")
def aggregate_graph(kind: str, ident: int):
    result = _result_or_404(kind, ident)
    # A territory's graph weighs megabytes: written once per result in each process.
    body = cache.remembered(
        f"graphe-{result.scope.key}",
        result.version,
        lambda: current_app.json.dumps(result.payload["graph"], indent=None, separators=(",", ":")),
    )
    return Response(f"{body}\n", mimetype=current_app.json.mimetype)


@bp.get("/agregats/<kind>/<int:ident>/noeud/<int:structure_id>")
def aggregate_node(kind: str, ident: int, structure_id: int):
    _scope, payload = _stored_or_404(kind, ident)
    rows = payload["analysis"]["structures"]
    names = {row["id"]: row["name"] for row in rows}
    found = next((row for row in rows if row["id"] == structure_id), None)
    if found is None:
        abort(404)
    row = StructureMeasures(**found)
    partners = [
        {
            "name": names.get(
                int(edge["target"] if edge["source"] == str(row.id) else edge["source"])
            ),
            "status": edge["status"],
            "level": None if edge["level"] < 0 else edge["level"],
            "reports": edge["reports"],
        }
        for edge in (item["data"] for item in payload["graph"]["elements"]["edges"])
        if str(row.id) in (edge["source"], edge["target"])
    ]
    return render(
        "analysis/node.html",
        "analysis/_node_card.html",
        row=row,
        partners=partners,
        explanations=payload["analysis"]["explanations"],
        back_url=page_url(kind, ident),
        back_label="Retour à l'analyse",
    )


def _scope_graph(scope: Scope, with_wished: bool) -> export.ExportedGraph:
    """The aggregate's merged structures and links as the job merges them, read again so that
    the measures are exact (the stored result keeps 4 decimals); no link's own trust and value,
    which may be one person's."""
    maps = services.load_maps(scope.map_ids)
    partnerships = services.load_partnerships(scope.initiative_ids)
    structures, links, _gaps = aggregate([*maps, *partnerships])
    if scope.departement or scope.commune:
        structures, links = aggregates.within_area(
            structures, links, scope.departement, scope.commune
        )
    return export.export_graph(structures, links, with_wished=with_wished, link_ratings=False)


def graph_file(graph: export.ExportedGraph, kind: str, name: str) -> Response:
    """A GEXF or GraphML download named `name`.`kind`."""
    write = export.to_gexf if kind == "gexf" else export.to_graphml
    response = Response(write(graph), mimetype=f"application/{kind}+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


EXPORT_FILES = (
    "analyse.json",
    "graphe.gexf",
    "graphe.graphml",
    "structures.csv",
    "liens.csv",
    "structures.xlsx",
    "liens.xlsx",
)
TABLES = {"structures": exports.structures_table, "liens": exports.links_table}


@bp.get("/agregats/<kind>/<int:ident>/<any(" + ", ".join(EXPORT_FILES) + "):name>")
def aggregate_export(kind: str, ident: int, name: str):
    result = _result_or_404(kind, ident)
    scope, payload = result.scope, result.payload
    if name == "analyse.json":
        body = {
            "analysis": payload["analysis"],
            "perception_gaps": payload["perception_gaps"],
            "influence_gaps": payload.get("influence_gaps", []),
            "rating_gaps": payload.get("rating_gaps", []),
        }
        response = jsonify(body)
    elif name == "structures.csv":
        response = Response(exports.structures_csv(payload), mimetype="text/csv")
    elif name == "liens.csv":
        response = Response(exports.links_csv(payload), mimetype="text/csv")
    elif name.endswith(".xlsx"):
        header, rows = TABLES[name.removesuffix(".xlsx")](payload)
        response = tabular.xlsx_response(header, rows, name)
    else:
        with_wished = request.args.get("souhaites") != "non"
        stem, kind_of_file = name.split(".")
        stem = f"{scope.key}-{stem}" + ("" if with_wished else "-sans-souhaites")
        return graph_file(_scope_graph(scope, with_wished), kind_of_file, stem)
    response.headers["Content-Disposition"] = f'attachment; filename="{scope.key}-{name}"'
    return response
