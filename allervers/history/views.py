"""`/historique/…`: a record's timeline; `/corbeille`: the deleted records one may restore."""

from flask import Response, flash, g, request, url_for
from flask_htmx import make_response
from flask_login import current_user

from allervers.core.web import done, paginate_list, render, safe_next
from allervers.extensions import htmx
from allervers.history import access, services, visibility

from . import bp

PER_PAGE = 20


@bp.get("/historique/<slug>/<int:record_id>")
def record_history(slug: str, record_id: int):
    """Only the entries made while the reader could see the record (visibility.py)."""
    kind, record = access.record_or_404(current_user, slug, record_id)
    pagination = paginate_list(services.readable_timeline(current_user, kind, record), PER_PAGE)
    return render(
        "history/record.html",
        "history/_events.html",
        kind=kind,
        record=record,
        pagination=pagination,
        events=services.describe(current_user, kind, record, pagination.items),
    )


@bp.route("/historique/entree/<int:event_id>/effacer", methods=["GET", "POST"])
def purge(event_id: int):
    """Erase an entry's old values (confirmation page, then POST): personal data typed by
    mistake must not outlive its correction in the history."""
    kind, record, event = access.purgeable_event_or_404(current_user, event_id)
    back = url_for(".record_history", slug=kind.slug, record_id=record.id)
    if request.method == "POST":
        if services.purge(event, current_user):
            return done("Les anciennes valeurs ont été effacées de l'historique.", back)
        return done("Les anciennes valeurs de cette entrée sont déjà effacées.", back, "info")
    seen = visibility.seen(current_user, kind, record, [event])[event.id]
    return render(
        "history/purge.html",
        kind=kind,
        record=record,
        item=services.describe(current_user, kind, record, [(event, seen)])[0],
        purgeable=services.purgeable_fields(event),
        back=back,
    )


@bp.after_app_request
def offer_purge(response: Response) -> Response:
    """A save took out of a record a text the personal-data guard flags (a phone number
    confirmed earlier…): offer right away to erase the old value from the history too."""
    updates = g.pop("history_updates", None)
    if not updates or response.status_code >= 400:
        return response
    for event in services.personal_data_taken_out(updates):
        flash(
            {
                "text": "L'ancienne valeur semble contenir "
                f"{', '.join(services.flagged_kinds(event))} : l'historique la garde.",
                "link_url": url_for("history.purge", event_id=event.id),
                "link": "Effacer aussi l'ancienne valeur de l'historique",
            },
            "warning",
        )
    return response


@bp.get("/corbeille")
def trash():
    items = services.trash(current_user)
    return render(
        "history/trash.html", "history/_trash.html", pagination=paginate_list(items, PER_PAGE)
    )


@bp.post("/corbeille/<slug>/<int:record_id>/restaurer")
def restore(slug: str, record_id: int):
    """From the trash (back to it) or from an undo button (to the restored record)."""
    kind, record = access.restorable_or_404(current_user, slug, record_id)
    back = safe_next(request.form.get("next"), kind.url(record))
    try:
        services.restore(kind, record)
    except services.RestoreError as error:
        return _back(str(error), safe_next(request.form.get("next"), url_for(".trash")), "error")
    return _back(f"Restauration faite : {kind.label.lower()} « {kind.title(record)} ».", back)


def _back(message: str, location: str, category: str = "success") -> Response:
    """An undo button posts with htmx and swaps nothing: it needs a whole-page redirect."""
    if not htmx:
        return done(message, location, category)
    flash(message, category)
    response = make_response("", 204)
    response.headers["HX-Redirect"] = location
    return response
