"""The workshop around a group map: projection on the wall, « tour de table », « Clore
l'atelier » and its lock (maps/workshop.py)."""

from flask import Response, flash, jsonify, redirect, request, url_for
from flask_login import current_user

from allervers.core.plural import plural
from allervers.core.web import done, render, safe_next, wants_fragment
from allervers.maps import access, live, services, workshop
from allervers.maps.forms import ClosingForm
from allervers.maps.models import CooperationMap
from allervers.training import access as training_access

from . import bp

PROJECTION = "maps/projection.html"
# The side column lists this many of the latest changes, newest first.
LATEST = 8


@bp.get("/cartes/<int:map_id>/projection")
def projection(map_id: int):
    """The group map for the wall: big graph, join code, live figures, « tour de table »."""
    cooperation_map = access.workshop_map_or_404(current_user, map_id)
    return _projection(cooperation_map, ClosingForm(formdata=None, label=workshop.default_label()))


@bp.get("/cartes/<int:map_id>/projection/tour.json")
def tour(map_id: int):
    cooperation_map = access.workshop_map_or_404(current_user, map_id)
    response = jsonify(
        {
            "version": cooperation_map.content_version,
            "contributors": [_turn(person) for person in live.contributions(cooperation_map)],
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/cartes/<int:map_id>/clore")
def close_workshop(map_id: int):
    return _close(access.workshop_map_or_404(current_user, map_id))


@bp.post("/cartes/<int:map_id>/rouvrir")
def reopen(map_id: int):
    cooperation_map = access.workshop_map_or_404(current_user, map_id)
    if not cooperation_map.is_locked:
        return done("La carte n'était pas close : elle reste modifiable.", _back(cooperation_map))
    workshop.reopen(cooperation_map)
    return done(
        "La carte est rouverte : ses membres peuvent de nouveau la modifier.",
        _back(cooperation_map),
    )


@bp.get("/groupes/<int:group_id>/projection")
def group_projection(group_id: int):
    group = training_access.managed_group_or_404(current_user, group_id)
    return redirect(url_for(".projection", map_id=services.group_map(group).id), code=303)


@bp.post("/groupes/<int:group_id>/clore")
def close_group_workshop(group_id: int):
    group = training_access.managed_group_or_404(current_user, group_id)
    return _close(services.group_map(group))


@bp.app_template_global("workshop_label")
def workshop_label() -> str:
    """The label « Clore l'atelier » proposes, for the group page's form."""
    return workshop.default_label()


@bp.app_errorhandler(access.MapLockedError)
def map_locked(error: access.MapLockedError) -> Response:
    """423 with who closed the map and when: the full page, or (htmx) a notice that takes the
    form's place, the message also shown out of band for the buttons that swap nothing."""
    cooperation_map = error.cooperation_map
    if wants_fragment():
        flash(workshop.lock_message(cooperation_map), "error")
    return render(
        "maps/locked.html", "maps/_lock_notice.html", 423, cooperation_map=cooperation_map
    )


def _close(cooperation_map: CooperationMap):
    form = ClosingForm()
    if not form.validate_on_submit():
        return _projection(cooperation_map, form, 422)
    was_locked = cooperation_map.is_locked
    snapshot = workshop.close_workshop(
        cooperation_map, form.label.data, current_user, form.lock.data
    )
    message = f"Atelier clos : instantané « {snapshot.label} » enregistré."
    if cooperation_map.is_locked and not was_locked:
        message += " La carte est verrouillée : plus personne ne la modifie."
    return done(message, _back(cooperation_map))


def _projection(cooperation_map: CooperationMap, form: ClosingForm, http_status: int = 200):
    feed = live.feed(cooperation_map, None, current_user)
    group = cooperation_map.group
    code = group.current_code
    return render(
        PROJECTION,
        "maps/_projection.html",
        http_status,
        cooperation_map=cooperation_map,
        group=group,
        code=code,
        join_url=url_for("training.join", _external=True),
        join_code_url=url_for("training.join", code=code.code, _external=True) if code else None,
        feed=feed,
        latest=list(reversed(feed["events"]))[:LATEST],
        contributors=[_turn(person) for person in live.contributions(cooperation_map)],
        closing_form=form,
        can_edit=False,
        back=_back(cooperation_map),
    )


def _turn(person: live.Contribution) -> dict:
    """One contributor of the « tour de table »: who, what to highlight, the caption."""
    summary = f"{plural(len(person.structures), 'structure')}, {plural(len(person.links), 'lien')}"
    return {
        "id": person.user_id,
        "name": person.name,
        "structures": person.structures,
        "links": person.links,
        "summary": summary,
        "caption": f"Tour de table : {person.name} — {summary}",
    }


def _back(cooperation_map: CooperationMap) -> str:
    """Where the forms were sent from: the projection (default) or the group page."""
    default = url_for(".projection", map_id=cooperation_map.id)
    return safe_next(request.form.get("next"), default)
