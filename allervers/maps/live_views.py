"""The live feed of a map: what changed since the version a screen shows (maps/live.py)."""

from flask import Response, jsonify, request
from flask_login import current_user

from allervers.auth.access import passive
from allervers.core.actor import current_screen
from allervers.core.forms import parse_int
from allervers.maps import access, live

from . import bp


@bp.get("/cartes/<int:map_id>/direct")
@passive
def live_feed(map_id: int):
    """304 while the map is unchanged (`If-None-Match`), else the changes after `depuis`."""
    cooperation_map = access.visible_map_or_404(current_user, map_id)
    tag = live.etag(cooperation_map.content_version)
    if tag in request.headers.get("If-None-Match", ""):
        response = Response(status=304)
    else:
        since = parse_int(request.args.get("depuis"))
        response = jsonify(live.feed(cooperation_map, since, current_user, current_screen()))
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-store"
    return response
