"""« Mes sessions »: the browsers where one is signed in, and closing them."""

from flask import abort, url_for
from flask_login import current_user

from allervers.auth import security_log, services
from allervers.auth.access import current_token
from allervers.core.web import done, render

from . import bp


@bp.get("/compte/sessions")
def list_sessions():
    sessions = services.list_open_sessions(current_user, current_token())
    return render("auth/sessions.html", "auth/_sessions.html", sessions=sessions)


@bp.post("/compte/sessions/<int:session_id>/fermer")
def close_session(session_id: int):
    if not services.close_own_session(current_user, session_id, current_token()):
        abort(404)
    security_log.record_now("session_closed", user=current_user, detail="Une autre session")
    return done("La session est fermée : ce navigateur est déconnecté.", url_for(".list_sessions"))


@bp.post("/compte/sessions/fermer-les-autres")
def close_other_sessions():
    services.close_other_sessions(current_user, current_token())
    security_log.record_now("session_closed", user=current_user, detail="Toutes les autres")
    return done(
        "Vos autres sessions sont fermées : seul ce navigateur reste connecté.",
        url_for(".list_sessions"),
    )
