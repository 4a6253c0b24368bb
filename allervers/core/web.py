"""Rendering helpers shared by every view: full page or htmx fragment, redirects, pagination."""

from urllib.parse import urlsplit

from flask import Response, flash, redirect, render_template, request
from flask_htmx import make_response
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from allervers.extensions import db, htmx


def wants_fragment() -> bool:
    """A plain htmx request wants a fragment; a boosted one or a history restore wants the page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(
    page: str, fragment: str | None = None, http_status: int = 200, /, **context
) -> Response:
    """Render `page` (full layout) or, on an htmx request, `fragment` (or the page's content).

    The helpers' own parameters are positional-only, so that any name is free for the
    template: a context key `status` once became the HTTP status line (a 500 under gunicorn).
    """
    if fragment and wants_fragment():
        # A partial has no layout: flashed messages travel with it, swapped out of band.
        body = render_template(fragment, **context) + render_template("_messages.html", oob=True)
    else:
        layout = "_fragment.html" if wants_fragment() else "base.html"
        body = render_template(page, **{**context, "layout": layout})
    response = make_response(body, http_status)
    response.vary.add("HX-Request")
    return response


def invalid(page: str, fragment: str | None = None, /, **context) -> Response:
    """A form that failed validation: same page or fragment, status 422 (htmx swaps it)."""
    return render(page, fragment, 422, **context)


def form_page(page: str, fragment: str | None = None, /, **context) -> Response:
    """A form page: blank on GET, with its errors (422) after a refused POST."""
    return render(page, fragment, 422 if request.method == "POST" else 200, **context)


def done(message: str, location: str, category: str = "success") -> Response:
    """After a successful action: flash, then 303 redirect (htmx follows it the same way)."""
    flash(message, category)
    return redirect(location, code=303)


def undo_message(text: str, url: str) -> dict:
    """A flash message that carries its undo button (rendered by _messages.html)."""
    return {"text": text, "undo_url": url}


def go_to(message: str, location: str) -> Response:
    """Like `done`, but an htmx caller (an undo button) loads the whole page at `location`."""
    if htmx:
        flash(message, "success")
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return done(message, location)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are allowed after sign-in (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(character.isspace() or ord(character) < 32 for character in target):
        return default  # a path never holds them; a newline would break the Location header
    return target


MAX_PAGE = 100_000  # past it, the offset alone would overflow a database integer


def page_number() -> int:
    """The requested page, 1 when unreadable; a page past the end shows the last one."""
    try:
        return min(max(1, int(request.args.get("page", 1))), MAX_PAGE)
    except ValueError:
        return 1


def paginate(query: Select, per_page: int | None = None):
    """A Flask-SQLAlchemy Pagination; an out-of-range page shows the last one instead of a 404."""
    from flask import current_app

    per_page = per_page or current_app.config["PER_PAGE"]
    pagination = db.paginate(query, page=page_number(), per_page=per_page, error_out=False)
    if pagination.page > 1 and not pagination.items and pagination.total:
        pagination = db.paginate(query, page=pagination.pages, per_page=per_page)
    return pagination


class ListPagination(Pagination):
    """The same pages as `paginate` over a list already in memory (e.g. analysis rows)."""

    def _query_items(self) -> list:
        return self._query_args["items"][self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: list, per_page: int):
    pages = max(1, -(-len(items) // per_page))
    return ListPagination(page=min(page_number(), pages), per_page=per_page, items=items)


CONFLICT = (
    "Quelqu'un a modifié cette fiche pendant votre saisie. Vos valeurs sont conservées "
    "ci-dessous et la valeur enregistrée entre-temps est indiquée sous chaque champ : "
    "vérifiez, puis enregistrez de nouveau."
)


UNREADABLE_VERSION = -1  # no record has it (versions start at 1): the check always fails


def form_version(form) -> int:
    """The record version the form was opened on, as the browser sent it back.

    Read from what was posted, never from the record the form was filled from; a missing or
    unreadable version is one no record has, so the save is refused as a conflict (409, the
    person's values kept) instead of skipping the check and overwriting a newer save.
    """
    posted = form.version.raw_data or [""]
    try:
        return int(posted[0])
    except ValueError:
        return UNREADABLE_VERSION


def conflict(form, record, page: str, fragment: str | None = None, /, **context) -> Response:
    """409: keep the person's input, show what was saved meanwhile, take the new version."""
    db.session.rollback()
    db.session.refresh(record)
    saved = {}
    for name, field in form._fields.items():
        if name == "version" or not hasattr(record, name):
            continue
        current = getattr(record, name)
        if current != field.data:
            saved[name] = "\n".join(map(str, current)) if isinstance(current, list) else current
    form.version.data = record.version
    flash(CONFLICT, "error")
    return render(page, fragment, 409, **{**context, "form": form, "saved": saved})
