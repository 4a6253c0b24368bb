"""Every page × every role: the expected answer, as a full page and as an htmx fragment.

The expectations are built from the URL map, so a new route that is not listed here fails.
"""

from urllib.parse import urlsplit

import pytest
from flask import current_app
from sqlalchemy import func, select

from allervers.auth import recovery
from allervers.extensions import db
from tests.analysis.pages import AGGREGATE_PAGES
from tests.auth.data_pages import DATA_PAGES
from tests.directory.pages import DIRECTORY_PAGES
from tests.followup.assessment_pages import ASSESSMENT_PAGES
from tests.followup.journal_pages import JOURNAL_PAGES
from tests.followup.tracking_pages import TRACKING_PAGES
from tests.helpers import text
from tests.history.pages import HISTORY_PAGES
from tests.initiatives.pages import INITIATIVE_PAGES
from tests.initiatives.presentation_pages import PRESENTATION_PAGES
from tests.initiatives.technique_pages import TECHNIQUE_PAGES
from tests.maps.pages import MAP_PAGES

ROLES = (
    "anonyme", "stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"
)  # fmt: skip
STAFF = {"formateur", "formateur_autre", "admin"}
SIGNED_IN = set(ROLES) - {"anonyme"}

# endpoint → (path built from the world, roles that get the page); anonymous visitors are sent
# to sign-in everywhere except on public pages; any other role gets 404.
PAGES = {
    "home.dashboard": (lambda w: "/", SIGNED_IN),
    "auth.account": (lambda w: "/compte", SIGNED_IN),
    "auth.change_password": (lambda w: "/compte/mot-de-passe", SIGNED_IN),
    "auth.list_sessions": (lambda w: "/compte/sessions", SIGNED_IN),
    "auth.second_factor_page": (lambda w: "/compte/double-authentification", SIGNED_IN),
    "training.list_sessions": (lambda w: "/sessions", SIGNED_IN),
    "training.show_session": (
        lambda w: f"/sessions/{w['session'].id}",
        STAFF | {"stagiaire", "stagiaire_autre"},
    ),
    "training.create_session": (lambda w: "/sessions/nouvelle", STAFF),
    "training.edit_session": (lambda w: f"/sessions/{w['session'].id}/modifier", STAFF),
    "training.show_group": (lambda w: f"/groupes/{w['group'].id}", STAFF | {"stagiaire"}),
    "training.create_group": (lambda w: f"/sessions/{w['session'].id}/groupes/nouveau", STAFF),
    "training.edit_group": (lambda w: f"/groupes/{w['group'].id}/modifier", {"formateur", "admin"}),
    "admin.list_users": (lambda w: "/admin/utilisateurs", {"admin"}),
    "admin.create_user": (lambda w: "/admin/utilisateurs/nouveau", {"admin"}),
    "admin.edit_user": (lambda w: f"/admin/utilisateurs/{w['stagiaire'].id}", {"admin"}),
    "admin.site_settings": (lambda w: "/admin/parametres", {"admin"}),
    "admin.security_log_page": (lambda w: "/admin/journal", {"admin"}),
}
PAGES.update(DIRECTORY_PAGES)
PAGES.update(MAP_PAGES)
PAGES.update(AGGREGATE_PAGES)
PAGES.update(INITIATIVE_PAGES)
PAGES.update(TECHNIQUE_PAGES)
PAGES.update(PRESENTATION_PAGES)
PAGES.update(ASSESSMENT_PAGES)
PAGES.update(JOURNAL_PAGES)
PAGES.update(TRACKING_PAGES)
PAGES.update(DATA_PAGES)
PAGES.update(HISTORY_PAGES)
PUBLIC_PAGES = {
    "auth.login": "/connexion",
    "training.join": "/rejoindre",
}
# Public pages behind a secret token: build(world) → a valid path; any other token is refused.
TOKEN_PAGES = {
    "auth.reset_password": lambda w: reset_link_path(w["stagiaire"], w["admin"]),
}
# The sign-in's second step is reached only after the password (tests/auth/test_second_factor.py).
NOT_PAGES = {"static", "auth.login_code"}


def reset_link_path(user, issuer) -> str:
    with current_app.test_request_context():  # the link is an absolute URL
        return urlsplit(recovery.issue_link(user, issuer).url).path


def get_routes(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def test_every_page_has_an_expectation(app):
    missing = get_routes(app) - set(PAGES) - set(PUBLIC_PAGES) - set(TOKEN_PAGES) - NOT_PAGES
    assert not missing, f"pages sans attente dans tests/test_pages.py : {sorted(missing)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_page_answer_by_role(client_as, world, endpoint, role):
    build, allowed, *expected = PAGES[endpoint]
    status = expected[0] if expected else 200
    kind = expected[1] if len(expected) > 1 else "text/html"
    path = build(world)
    response = client_as(role).get(path)
    if role == "anonyme":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion?next=")
    elif role in allowed:
        assert response.status_code == status, text(response)[:500]
        if status == 200:
            assert response.mimetype == kind
        if kind == "text/html" and status == 200:
            assert "<html" in text(response)
    else:
        assert response.status_code == 404
        assert "Page introuvable" in text(response)


HTML_PAGES = sorted(name for name, spec in PAGES.items() if len(spec) == 2)


@pytest.mark.parametrize("endpoint", HTML_PAGES)
def test_page_as_fragment_and_boosted(client_as, world, endpoint):
    build, allowed = PAGES[endpoint]
    role = "admin" if "admin" in allowed else sorted(allowed)[0]
    client = client_as(role)
    fragment = client.get(build(world), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in text(fragment)
    assert "<h" in text(fragment) or "<table" in text(fragment) or "<p" in text(fragment)
    assert "HX-Request" in fragment.headers.get("Vary", "")
    boosted = client.get(build(world), headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in text(boosted)


@pytest.mark.parametrize("path", sorted(PUBLIC_PAGES.values()))
def test_public_pages_open_to_anonymous_visitors(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="fr"' in text(response)
    fragment = client.get(path, headers={"HX-Request": "true"})
    assert "<html" not in text(fragment)
    assert "<form" in text(fragment)


@pytest.mark.parametrize("endpoint", sorted(TOKEN_PAGES))
def test_token_pages_open_with_their_token_only(client, world, endpoint):
    path = TOKEN_PAGES[endpoint](world)
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="fr"' in text(response)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    fragment = client.get(path, headers={"HX-Request": "true"})
    assert "<html" not in text(fragment)
    assert "<form" in text(fragment)
    refused = client.get(path.rpartition("/")[0] + "/jeton-inconnu")
    assert refused.status_code == 410
    assert '<html lang="fr"' in text(refused)


def test_unknown_page_is_a_french_404(client_as):
    response = client_as("stagiaire").get("/nexiste-pas")
    assert response.status_code == 404
    assert "Page introuvable" in text(response)
    assert '<html lang="fr"' in text(response)


def test_server_error_is_a_french_500_and_rolls_back(app, client_as):
    @app.get("/_panne")
    def broken():
        raise RuntimeError("panne simulée")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client_as("stagiaire").get("/_panne")
    assert response.status_code == 500
    assert "Erreur du serveur" in text(response)


def test_security_headers_on_every_response(client):
    response = client.get("/connexion")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


# ----- CSRF: every mutating route refuses a request without token, and changes nothing --------


def mutating_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not (rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            continue
        yield rule


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name != "user_sessions"  # signing in itself opens a session
    }


def test_every_mutating_route_needs_the_csrf_token(app, client_as, world):
    client = client_as("admin")
    values = {"session_id": world["session"].id, "group_id": world["group"].id,
              "user_id": world["stagiaire"].id, "map_id": world["map"].id,
              "entry_id": world["entry"].id, "link_id": world["link"].id,
              "structure_id": world["structure"].id, "merge_id": 1, "initiative_id": 1,
              "effect_id": 1, "partner_id": 1, "presentation_id": 1, "item_id": 1,
              "code": "maraude", "action_id": 1, "note_id": 1, "statement_id": 1,
              "moment": "debut", "slug": "carte", "record_id": 1, "event_id": 1,
              "attachment_id": 1, "token": "jeton-inconnu"}  # fmt: skip
    rules = list(mutating_rules(app))
    assert len(rules) >= 10
    before = row_counts()
    for rule in rules:
        _domain, path = rule.build({key: values[key] for key in rule.arguments})
        response = client.post(path, data={"name": "x", "email": "x@exemple.fr"})
        assert response.status_code == 400, f"{rule.rule} a accepté une requête sans jeton"
        assert "session a expiré" in text(response)
    db.session.expire_all()
    assert row_counts() == before
