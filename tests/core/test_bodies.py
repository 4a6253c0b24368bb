"""Text that is not UTF-8, in a form body or a query string: a French 400 that says what is
wrong (not the CSRF message that an unparsed form used to bring), and nothing saved."""

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from allervers.core.bodies import FORM_NOT_UTF8, QUERY_NOT_UTF8
from allervers.core.errors import CSRF_MESSAGE
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.followup.models import JournalNote
from tests.helpers import csrf_token, text, visible_text

FORM = "application/x-www-form-urlencoded"
# Latin-1 bytes as an old editor would send them, and the same escaped as a browser would.
NOT_UTF8 = {"raw bytes": b"caf\xe9 \xff\xfe", "escaped": b"caf%E9%20%FF%FE"}
FORMS = {
    # path, who, the form's fields, the field that gets the bytes, the table that must not grow
    "journal": ("/journal/nouvelle", "stagiaire", {}, "text", JournalNote),
    "structure": ("/annuaire/nouvelle", "stagiaire",
                  {"commune": "Gien", "typology": "CCAS"}, "name", Structure),
    "sign-in": ("/connexion", None, {"password": "x"}, "email", None),
}  # fmt: skip


def count(model) -> int | None:
    return None if model is None else db.session.scalar(select(func.count()).select_from(model))


def body(token: str, fields: dict, name: str, value: bytes) -> bytes:
    encoded = "&".join(f"{key}={quote(str(v))}" for key, v in fields.items())
    return f"csrf_token={quote(token)}&{encoded}&{name}=".encode() + value


@pytest.mark.parametrize("kind", NOT_UTF8)
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_a_form_that_is_not_utf8_gets_a_french_400(app, client, client_as, form, kind, htmx):
    path, who, fields, name, model = FORMS[form]
    browser = client if who is None else client_as(who)
    token = csrf_token(browser, "/" if who else "/connexion")
    before = count(model)
    headers = {"HX-Request": "true"} if htmx else {}
    answer = browser.post(path, data=body(token, fields, name, NOT_UTF8[kind]),
                          content_type=FORM, headers=headers)  # fmt: skip
    assert answer.status_code == 400
    assert FORM_NOT_UTF8 in visible_text(answer)
    assert CSRF_MESSAGE not in text(answer)
    assert ("<html" in text(answer)) is not htmx
    assert count(model) == before


def test_the_same_form_in_utf8_is_saved(client_as):
    browser = client_as("stagiaire")
    data = body(csrf_token(browser, "/"), {}, "text", quote("café ÿþ").encode())
    answer = browser.post("/journal/nouvelle", data=data, content_type=FORM)
    assert answer.status_code == 303
    assert db.session.scalars(select(JournalNote.text)).one() == "café ÿþ"


@pytest.mark.parametrize("query", [b"q=caf%E9", b"q=%FF%FE", b"q=caf\xe9", b"tri=nom&q=%C3"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_a_query_string_that_is_not_utf8_gets_a_french_400(client_as, query, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    # As a WSGI server hands it over: the bytes of the request line, read as Latin-1.
    raw = {"QUERY_STRING": query.decode("latin-1")}
    answer = client_as("stagiaire").get("/annuaire", headers=headers, environ_overrides=raw)
    assert answer.status_code == 400
    assert QUERY_NOT_UTF8 in visible_text(answer)
    assert ("<html" in text(answer)) is not htmx


def test_a_utf8_query_string_still_searches(client_as):
    answer = client_as("stagiaire").get("/annuaire", query_string="q=caf%C3%A9+%C3%A0")
    assert answer.status_code == 200
