"""`/cartes/<id>/suggestions`: the suggested partners of a map, and what one does with them.

Each action answers an htmx request with the refreshed suggestions (`#suggestions`, whatever
element sent it: the « Annuler » of a message swaps nothing by itself) and the message out of
band; without JavaScript it flashes and redirects back to the analysis (303).
"""

from flask import Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from allervers.analysis import dismissals, services, suggestion_actions
from allervers.core.web import paginate, render, safe_next, undo_message, wants_fragment
from allervers.directory.models import Structure
from allervers.directory.services import get_live
from allervers.extensions import db
from allervers.maps import access
from allervers.maps.models import CooperationMap
from allervers.maps.services import MapError

from . import bp

PAGE, FRAGMENT = "analysis/suggestions.html", "analysis/_suggestions.html"
RECENT_DISMISSALS = 5  # shown under the suggestions; the others on their own page


@bp.app_template_global("suggestion_state")
def suggestion_state(cooperation_map: CooperationMap) -> dict:
    """What the suggestions fragment shows besides the analysis: the latest dismissals and
    the partners already in the action plan (the analysis page includes the fragment)."""
    return {
        "dismissed": dismissals.latest(cooperation_map.id, RECENT_DISMISSALS),
        "dismissed_count": dismissals.count(cooperation_map.id),
        "planned": suggestion_actions.planned_ids(cooperation_map),
    }


@bp.get("/cartes/<int:map_id>/suggestions")
def suggestions(map_id: int):
    return _suggestions(access.visible_map_or_404(current_user, map_id))


def _suggestions(cooperation_map: CooperationMap, http_status: int = 200) -> Response:
    return render(
        PAGE,
        FRAGMENT,
        http_status,
        cooperation_map=cooperation_map,
        analysis=services.analyse_map(cooperation_map),
        can_plan=access.can_edit(current_user, cooperation_map),
    )


@bp.get("/cartes/<int:map_id>/suggestions/ecartees")
def dismissed(map_id: int):
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    return render(
        "analysis/dismissed.html",
        "analysis/_dismissed.html",
        cooperation_map=cooperation_map,
        pagination=paginate(dismissals.dismissals_of(map_id)),
        can_plan=access.can_edit(current_user, cooperation_map),
    )


# ----- acting on a suggestion -----------------------------------------------------------------


def _editable(map_id: int, structure_id: int, live: bool = True):
    """The map (404, or 423 when closed) and the directory's structure (404 if unknown; a
    dismissal is restored even once its structure has left the directory)."""
    cooperation_map = access.editable_map_or_404(current_user, map_id)
    structure = get_live(structure_id) if live else db.session.get(Structure, structure_id)
    if structure is None:
        abort(404)
    return cooperation_map, structure


def _answer(
    cooperation_map: CooperationMap,
    message: str | dict,
    category: str = "success",
    location: str | None = None,
    http_status: int = 200,
) -> Response:
    flash(message, category)
    if not wants_fragment():
        back = url_for(".show", map_id=cooperation_map.id, _anchor="suggestions")
        return redirect(location or safe_next(request.form.get("next"), back), code=303)
    response = _suggestions(cooperation_map, http_status)
    response.headers["HX-Retarget"] = "#suggestions"
    response.headers["HX-Reswap"] = "outerHTML"
    return response


@bp.post("/cartes/<int:map_id>/suggestions/<int:structure_id>/ecarter")
def dismiss(map_id: int, structure_id: int):
    cooperation_map, structure = _editable(map_id, structure_id)
    if not dismissals.dismiss(cooperation_map, structure, current_user):
        return _answer(cooperation_map, f"« {structure.name} » était déjà écartée.", "warning")
    undo = url_for(".restore", map_id=map_id, structure_id=structure_id)
    message = undo_message(f"Suggestion écartée : {structure.name}.", undo)
    return _answer(cooperation_map, message, "undo")


@bp.post("/cartes/<int:map_id>/suggestions/<int:structure_id>/retablir")
def restore(map_id: int, structure_id: int):
    cooperation_map, structure = _editable(map_id, structure_id, live=False)
    if not dismissals.restore(cooperation_map, structure):
        return _answer(cooperation_map, f"« {structure.name} » n'était pas écartée.", "warning")
    return _answer(cooperation_map, f"Suggestion rétablie : {structure.name}.")


@bp.post("/cartes/<int:map_id>/suggestions/<int:structure_id>/lien-souhaite")
def wish_link(map_id: int, structure_id: int):
    cooperation_map, structure = _editable(map_id, structure_id)
    try:
        outcome = suggestion_actions.wish_link(cooperation_map, structure)
    except MapError as error:
        return _answer(cooperation_map, str(error), "error", http_status=422)
    link = {
        "text": outcome.message,
        "link_url": url_for("maps.links_panel", map_id=map_id),
        "link": "Voir les liens de la carte",
    }
    return _answer(cooperation_map, link, "success" if outcome.changed else "warning")


@bp.post("/cartes/<int:map_id>/suggestions/<int:structure_id>/plan-d-action")
def plan_action(map_id: int, structure_id: int):
    cooperation_map, structure = _editable(map_id, structure_id)
    suggested = services.analyse_map(cooperation_map).suggestions
    suggestion = next((s for s in suggested if s.structure_id == structure_id), None)
    action, created = suggestion_actions.plan_action(
        cooperation_map, structure, suggestion, current_user
    )
    url = url_for("followup.show_action", action_id=action.id)
    title = f"{suggestion_actions.CONTACT} {structure.name}"
    text = (
        f"Action ajoutée au plan : {title}."
        if created
        else f"Le plan d'action a déjà « {title} » : rien n'a été ajouté."
    )
    message = {"text": text, "link_url": url, "link": "Voir l'action"}
    return _answer(cooperation_map, message, "success" if created else "warning", location=url)
