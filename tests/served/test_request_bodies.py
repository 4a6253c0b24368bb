"""Request bodies as gunicorn hands them over: a chunked body (Transfer-Encoding: chunked, no
Content-Length) is held to the same size limits as any other."""

import http.client
from urllib.parse import urlencode, urlsplit

import pytest

from tests.faults.server import Browser, Response
from tests.served.conftest import DEMO_ACCOUNTS

pytestmark = pytest.mark.served

MB = 1024 * 1024
FORM = "application/x-www-form-urlencoded"


def chunked_post(browser: Browser, path: str, fields: dict, htmx: bool = False) -> Response:
    """POST the url-encoded form in 64 kB chunks, without announcing its length."""
    body = urlencode({"csrf_token": browser.csrf("/"), **fields}).encode()
    chunks = (body[start : start + 65536] for start in range(0, len(body), 65536))
    parts = urlsplit(browser.base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {
        "Content-Type": FORM,
        "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        **({"HX-Request": "true"} if htmx else {}),
    }
    connection.request("POST", path, body=chunks, headers=headers, encode_chunked=True)
    return browser.answer(connection)


def notes_of(database, role: str) -> list[str]:
    sql = (
        "SELECT journal_notes.text FROM journal_notes JOIN users ON users.id = author_id "
        "WHERE users.email = :email ORDER BY journal_notes.id"
    )
    return [row[0] for row in database.rows(sql, email=DEMO_ACCOUNTS[role])]


def test_a_chunked_body_over_the_limit_gets_the_french_413_and_saves_nothing(
    browser_as, demo_database
):
    """The form's own fields come first and are valid; what is past 2 MB used to be cut off
    and the note saved."""
    browser = browser_as("stagiaire")
    before = notes_of(demo_database, "stagiaire")
    fields = {"text": "Note envoyée par morceaux", "remplissage": "x" * (3 * MB)}
    page = chunked_post(browser, "/journal/nouvelle", fields)
    assert page.status == 413, page.text[:500]
    assert "Envoi trop volumineux" in page.text
    assert '<html lang="fr"' in page.text
    fragment = chunked_post(browser, "/journal/nouvelle", fields, htmx=True)
    assert fragment.status == 413
    assert "<html" not in fragment.text
    assert "découpez-le" in fragment.text
    assert notes_of(demo_database, "stagiaire") == before


def test_a_small_chunked_body_is_read_whole(browser_as, demo_database):
    text = "Petite note envoyée par morceaux : é, œ, « guillemets »." + " suite" * 700
    answer = chunked_post(browser_as("stagiaire"), "/journal/nouvelle", {"text": text})
    assert answer.status == 303, answer.text[:500]
    assert notes_of(demo_database, "stagiaire")[-1] == text


def test_a_route_with_a_larger_limit_keeps_it_for_chunked_bodies(browser_as, demo_database):
    """The map import's confirmation may send 4 MB: 3 MB is read (and refused by the importer
    for what it holds), 5 MB is too large."""
    map_id = demo_database.scalar(
        "SELECT cooperation_maps.id FROM cooperation_maps JOIN users ON users.id = owner_id "
        "WHERE users.email = :email ORDER BY cooperation_maps.id",
        email=DEMO_ACCOUNTS["stagiaire"],
    )
    browser = browser_as("stagiaire")
    path = f"/cartes/{map_id}/import"
    text = "source;cible;niveau;statut\n" + "x" * (3 * MB)
    read = chunked_post(browser, path, {"csv_text": text, "step": "confirmer"})
    assert read.status == 422, read.text[:500]
    assert "Le fichier dépasse 1 Mo" in read.text
    too_large = chunked_post(browser, path, {"csv_text": text + "x" * (2 * MB)})
    assert too_large.status == 413
