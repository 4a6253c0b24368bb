"""Who is signed in: Flask-Login wiring on top of the server-side sessions."""

from urllib.parse import urlsplit

from flask import Flask, Response, flash, redirect, request, session, url_for
from flask_login import current_user

from allervers.auth import services
from allervers.extensions import htmx, login_manager

SESSION_TOKEN_KEY = "sid"


def current_token() -> str | None:
    return session.get(SESSION_TOKEN_KEY)


def client_address() -> str:
    return request.remote_addr or "inconnue"


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        user = services.user_for_session(user_id, current_token(), active=not _is_passive(app))
        if user is None:
            session.clear()
        return user

    @login_manager.unauthorized_handler
    def unauthorized() -> Response:
        flash("Connectez-vous pour accéder à cette page.", "info")
        if htmx:
            # The page behind an htmx request has gone stale: send the whole tab to sign-in,
            # and back afterwards to the page the person was on (not to the htmx endpoint).
            response = Response(status=401)
            response.headers["HX-Redirect"] = url_for("auth.login", next=page_behind_htmx())
            return response
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    init_login_wall(app)
    if app.config.get("BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)


def page_behind_htmx() -> str:
    """Where to come back after signing in: the page behind an htmx action (HX-Current-URL),
    or the requested page itself for a boosted link, which is a navigation."""
    current = urlsplit(htmx.current_url or "")
    if not htmx.boosted and current.path and current.netloc == request.host:
        return current.path + (f"?{current.query}" if current.query else "")
    return request.full_path.rstrip("?")


def public(view):
    """Mark a view as open to anonymous visitors; every other view requires a signed-in user."""
    view.is_public = True
    return view


def passive(view):
    """Mark a view that a page calls on its own (the live feed polls every second): it does not
    count as the person's activity, so an unattended screen still idles out of its session."""
    view.is_passive = True
    return view


def _is_passive(app: Flask) -> bool:
    view = app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "is_passive", False))


def init_login_wall(app: Flask) -> None:
    @app.before_request
    def require_login():
        view = app.view_functions.get(request.endpoint or "")
        if view is None or request.endpoint == "static" or getattr(view, "is_public", False):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None
