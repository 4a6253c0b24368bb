"""What a URL may carry: ids that fit a database INTEGER, a UTF-8 query string without control
characters. Anything else names nothing here; it must not reach the database as a 500."""

from flask import Flask, Response, request
from werkzeug.routing import IntegerConverter

from allervers.core.bodies import QUERY_NOT_UTF8, is_utf8
from allervers.core.forms import CONTROL_CHARACTER, INTEGER_MAX

QUERY_REFUSED = (
    "L'adresse de cette page contient un caractère invisible non autorisé. "
    "Revenez en arrière et relancez la recherche depuis le formulaire."
)


class IdConverter(IntegerConverter):
    """`<int:…>` past INTEGER_MAX is a page that does not exist (404), rather than an overflow
    in the driver (SQLite refuses integers past 2**63, PostgreSQL an INTEGER past 2**31)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INTEGER_MAX, signed=False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def init_routing(app: Flask) -> None:
    """Before any blueprint: rules pick their converter when they are added."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_control_characters() -> Response | None:
        from allervers.core.errors import error_page

        if not is_utf8(request.query_string):
            return error_page(400, QUERY_NOT_UTF8)  # Werkzeug would search for « %FF »
        # PostgreSQL refuses NUL in any text, so a search for one would fail in the database.
        values = (value for values in request.args.listvalues() for value in values)
        if any(CONTROL_CHARACTER.search(value) for value in values):
            return error_page(400, QUERY_REFUSED)
        return None
