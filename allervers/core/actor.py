"""Who is acting: the signed-in person of the current request, if any."""

from flask import g, has_request_context, request
from sqlalchemy import inspect as inspect_state


def current_actor_id() -> int | None:
    """The signed-in person's id, read without loading anything; None outside a request
    (the command line, the demo loader, the worker) or when no one is signed in."""
    if not has_request_context():
        return None
    user = g.get("_login_user")
    if user is None or not user.is_authenticated:
        return None
    identity = inspect_state(user).identity
    return identity[0] if identity else None


def current_screen() -> str | None:
    """The browser tab the request comes from, as static/js/live.js names it (X-Screen)."""
    if not has_request_context():
        return None
    return request.headers.get("X-Screen", "")[:40] or None
