"""Session cookie flags, redirects that stay on the site, and what an htmx request says when its
CSRF token or its session has expired (the browser side: tests/browser/test_session_expiry.py)."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from allervers import create_app
from allervers.auth.models import UserSession
from allervers.config import build_config
from allervers.core.errors import CSRF_MESSAGE
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.training.models import Group
from tests.conftest import IsolatedClient, config_for_tests
from tests.helpers import TEST_PASSWORD, csrf_token, post_form, sign_in, text

# ----- the session cookie ---------------------------------------------------------------------


def session_cookie(response, name: str = "allervers_session") -> str:
    cookies = response.headers.getlist("Set-Cookie")
    return next(cookie for cookie in cookies if cookie.startswith(f"{name}="))


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    cookie = session_cookie(sign_in(client, make_user().email))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # a laptop workshop over plain http still works


def test_session_cookie_is_secure_in_production(database_url, make_user):
    app = create_app(config_for_tests(database_url, SESSION_COOKIE_SECURE=True))
    app.test_client_class = IsolatedClient
    with app.app_context():
        response = sign_in(app.test_client(), make_user().email)
        cookie = session_cookie(response, "__Host-allervers_session")  # tests/auth/test_sessions.py
        db.session.remove()
        db.engine.dispose()  # its own engine: no connection left open behind the test
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


@pytest.mark.parametrize(("value", "secure"), [("1", True), ("true", True), ("", False)])
def test_production_sets_secure_cookies_from_the_environment(monkeypatch, value, secure):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", value)
    assert build_config({"SECRET_KEY": "x"})["SESSION_COOKIE_SECURE"] is secure


def test_signing_in_starts_a_new_session(client, make_user):
    """No session fixation: what the visitor's cookie carried before sign-in is dropped."""
    user = make_user()
    before = csrf_token(client)
    sign_in(client, user.email)
    assert csrf_token(client, "/") != before


# ----- redirects stay on the site -------------------------------------------------------------

OFF_SITE = [
    "https://evil.example/",
    "http:evil.example",
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,x",
    "evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(client, make_user, target):
    form = {"email": make_user().email, "password": TEST_PASSWORD, "next": target}
    response = post_form(client, "/connexion", form)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_open_sign_in_page_never_redirects_off_site(client, make_user, target):
    sign_in(client, make_user().email)
    response = client.get("/connexion", query_string={"next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_adding_to_a_presentation_never_redirects_off_site(client_as, world):
    from tests.test_actions import Scene

    scene = Scene(world)
    presentation, initiative = scene.presentation(), scene.initiative("base")
    form = {"presentation_id": presentation.id, "initiative_id": initiative.id,
            "next": "//evil.example/x"}  # fmt: skip
    response = post_form(client_as("formateur"), "/presentations/ajouter", form, token_from="/")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/presentations/{presentation.id}"


# ----- an htmx request after its token or its session expired ---------------------------------


def regenerate(client, token: str | None, group: Group, **headers):
    data = {"csrf_token": token} if token else {}
    path = f"/groupes/{group.id}/code"
    return client.post(path, data=data, headers={"HX-Request": "true", **headers})


def current_code(group: Group) -> str:
    db.session.expire_all()
    return group.current_code.code


def test_htmx_post_without_token_gets_the_french_message(client_as, world):
    response = regenerate(client_as("formateur"), None, world["group"])
    assert response.status_code == 400
    assert CSRF_MESSAGE in text(response)
    assert "<html" not in text(response)  # a fragment: app.js shows it in the message region
    assert current_code(world["group"]) == "ORLAAA111"


def test_htmx_post_with_a_token_of_an_older_session_is_refused(app, client_as, world):
    client = client_as("formateur")
    old = csrf_token(client, "/")
    post_form(client, "/deconnexion", token_from="/")
    sign_in(client, world["formateur"].email)
    response = regenerate(client, old, world["group"])
    assert response.status_code == 400
    assert CSRF_MESSAGE in text(response)
    assert current_code(world["group"]) == "ORLAAA111"
    assert regenerate(client, csrf_token(client, "/"), world["group"]).status_code == 200


def test_htmx_post_after_the_session_expired_sends_the_tab_to_sign_in(client_as, world):
    client = client_as("formateur")
    token = csrf_token(client, "/")
    idle = utcnow() - timedelta(hours=3)
    db.session.execute(update(UserSession).values(last_seen_at=idle))
    db.session.commit()
    page = f"http://localhost/groupes/{world['group'].id}"
    response = regenerate(client, token, world["group"], **{"HX-Current-URL": page})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == f"/connexion?next=/groupes/{world['group'].id}"
    assert current_code(world["group"]) == "ORLAAA111"
    # the sign-in page then says why
    assert "Connectez-vous pour accéder à cette page." in text(client.get("/connexion"))


def test_plain_post_after_the_session_expired_goes_to_sign_in(client_as, world):
    client = client_as("formateur")
    token = csrf_token(client, "/")
    db.session.execute(update(UserSession).values(ended_at=utcnow()))
    db.session.commit()
    response = client.post(f"/groupes/{world['group'].id}/code", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")
    assert current_code(world["group"]) == "ORLAAA111"


# ----- what stays in a shared browser ---------------------------------------------------------


def test_form_drafts_are_kept_per_person_and_cleared_at_sign_out(client_as, world):
    """Training rooms share computers: a draft kept in the browser is its author's alone."""
    for role in ("stagiaire", "referent"):
        page = text(client_as(role).get("/initiatives/nouvelle"))
        assert f'data-draft-key="{world[role].id}-initiative-nouvelle"' in page
        assert "<form method=\"post\" action=\"/deconnexion\" class=\"inline-form\" " \
               "data-clear-drafts>" in page  # fmt: skip
    script = (Path(__file__).resolve().parents[2] / "static" / "js" / "app.js").read_text()
    assert "form[data-clear-drafts]" in script
    assert '"allervers-draft-"' in script
