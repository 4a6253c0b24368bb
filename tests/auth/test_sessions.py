"""« Mes sessions »: the open sessions of the signed-in person, closing them, the device
names, and the `__Host-` session cookie."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from allervers import create_app
from allervers.auth.devices import USER_AGENT_LENGTH, describe_device
from allervers.auth.models import UserSession
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from tests.conftest import IsolatedClient, config_for_tests
from tests.helpers import follow, fragment, post_form, sign_in, text, visible_text

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def browser(app, user, user_agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    assert sign_in(client, user.email).status_code == 303
    return client


def sessions_of(user) -> list[UserSession]:
    db.session.expire_all()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()


def session_with(user, user_agent: str) -> UserSession:
    return next(record for record in sessions_of(user) if record.user_agent == user_agent)


def close(client, session_id: int, **kwargs):
    path = f"/compte/sessions/{session_id}/fermer"
    return post_form(client, path, token_from="/compte/sessions", **kwargs)


# ----- the list -------------------------------------------------------------------------------


def test_the_page_lists_each_open_session_with_its_device(app, make_user):
    user = make_user()
    laptop = browser(app, user, FIREFOX_WINDOWS)
    browser(app, user, SAFARI_IPHONE)
    page = visible_text(laptop.get("/compte/sessions"))
    assert "2 sessions ouvertes" in page
    assert "Firefox sur Windows cette session" in page
    assert "Safari sur iOS" in page
    assert "Fermer toutes les autres sessions" in page


def test_the_list_leaves_out_ended_idle_too_old_sessions_and_other_people(app, make_user):
    user, other = make_user(), make_user()
    laptop = browser(app, user, FIREFOX_WINDOWS)
    for agent in ("Ancien/1 (Windows)", "Inactif/1 (Android)", "Fermé/1 (Linux)"):
        browser(app, user, agent)
    browser(app, other, SAFARI_IPHONE)
    long_ago = utcnow() - timedelta(days=2)
    for agent, values in (
        ("Ancien/1 (Windows)", {"created_at": long_ago}),
        ("Inactif/1 (Android)", {"last_seen_at": long_ago}),
        ("Fermé/1 (Linux)", {"ended_at": utcnow()}),
    ):
        statement = update(UserSession).where(UserSession.user_agent == agent)
        db.session.execute(statement.values(**values))
    db.session.commit()
    page = visible_text(laptop.get("/compte/sessions"))
    assert "1 session ouverte" in page
    assert "Navigateur inconnu" not in page  # none of the three others, nor other's Safari
    assert "Safari" not in page
    assert "Vous n'êtes connecté sur aucun autre navigateur." in page


def test_the_account_page_links_to_the_sessions(client, make_user):
    sign_in(client, make_user().email)
    assert 'href="/compte/sessions"' in text(client.get("/compte"))


def test_htmx_gets_the_fragment_only(app, make_user):
    laptop = browser(app, make_user(), FIREFOX_WINDOWS)
    response = fragment(laptop, "/compte/sessions")
    assert response.status_code == 200
    assert '<section id="sessions"' in text(response)
    assert "<html" not in text(response)


def test_the_user_agent_is_kept_cut_to_its_column(app, make_user):
    user = make_user()
    browser(app, user, "X" * 1000)
    assert sessions_of(user)[0].user_agent == "X" * USER_AGENT_LENGTH


# ----- closing --------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_closing_a_session_signs_that_browser_out(app, make_user, htmx):
    user = make_user()
    laptop = browser(app, user, FIREFOX_WINDOWS)
    phone = browser(app, user, SAFARI_IPHONE)
    response = close(laptop, session_with(user, SAFARI_IPHONE).id, htmx=htmx)
    assert response.status_code == 303
    assert response.headers["Location"] == "/compte/sessions"
    page = visible_text(follow(laptop, response))
    assert "La session est fermée" in page
    assert "Safari sur iOS" not in page
    assert phone.get("/").status_code == 302  # signed out at its next request
    assert laptop.get("/").status_code == 200


def test_closing_all_the_other_sessions_keeps_this_one(app, make_user):
    user = make_user()
    laptop = browser(app, user, FIREFOX_WINDOWS)
    phone = browser(app, user, SAFARI_IPHONE)
    tablet = browser(app, user, "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537")
    response = post_form(laptop, "/compte/sessions/fermer-les-autres", token_from="/compte")
    assert response.status_code == 303
    assert "seul ce navigateur reste connecté" in visible_text(follow(laptop, response))
    assert phone.get("/").status_code == 302
    assert tablet.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
    assert [record.user_agent for record in sessions_of(user) if record.ended_at is None] == [
        FIREFOX_WINDOWS
    ]


def test_closing_someone_elses_session_is_not_found_and_changes_nothing(app, make_user):
    user, other = make_user(), make_user()
    laptop = browser(app, user, FIREFOX_WINDOWS)
    stranger = browser(app, other, SAFARI_IPHONE)
    target = session_with(other, SAFARI_IPHONE)
    assert close(laptop, target.id).status_code == 404
    assert session_with(other, SAFARI_IPHONE).ended_at is None
    assert stranger.get("/").status_code == 200


def test_closing_an_unknown_closed_or_the_current_session_is_not_found(app, make_user):
    user = make_user()
    laptop = browser(app, user, FIREFOX_WINDOWS)
    phone = browser(app, user, SAFARI_IPHONE)
    phone_session = session_with(user, SAFARI_IPHONE).id
    assert close(laptop, 999_999).status_code == 404
    assert close(laptop, session_with(user, FIREFOX_WINDOWS).id).status_code == 404
    assert laptop.get("/").status_code == 200  # the current one is closed by signing out
    assert close(laptop, phone_session).status_code == 303
    assert close(laptop, phone_session).status_code == 404
    assert phone.get("/").status_code == 302


def test_closing_needs_the_csrf_token(app, make_user):
    user = make_user()
    laptop = browser(app, user, FIREFOX_WINDOWS)
    browser(app, user, SAFARI_IPHONE)
    response = laptop.post(f"/compte/sessions/{session_with(user, SAFARI_IPHONE).id}/fermer")
    assert response.status_code == 400
    assert session_with(user, SAFARI_IPHONE).ended_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/compte/sessions").headers["Location"].startswith("/connexion")


# ----- administrators ------------------------------------------------------------------------


def test_an_administrator_sees_the_count_and_closes_them_all(app, make_user):
    user, admin = make_user(), make_user("admin")
    laptop = browser(app, user, FIREFOX_WINDOWS)
    phone = browser(app, user, SAFARI_IPHONE)
    desk = browser(app, admin, FIREFOX_WINDOWS)
    page = f"/admin/utilisateurs/{user.id}"
    assert "Sessions ouvertes 2 sessions ouvertes" in visible_text(desk.get(page))
    response = post_form(desk, f"{page}/fermer-sessions", token_from=page)
    assert response.status_code == 303
    assert "Sessions ouvertes aucune" in visible_text(follow(desk, response))
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert desk.get("/").status_code == 200


def test_an_administrator_closes_their_own_sessions_from_their_account(app, make_user):
    admin = make_user("admin")
    desk = browser(app, admin, FIREFOX_WINDOWS)
    page = f"/admin/utilisateurs/{admin.id}"
    response = post_form(desk, f"{page}/fermer-sessions", token_from=page)
    assert response.headers["Location"] == "/compte/sessions"
    assert desk.get("/").status_code == 200


# ----- device names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX_WINDOWS, "Firefox sur Windows"),
        (SAFARI_IPHONE, "Safari sur iOS"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge sur Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Chrome sur macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1",
            "Chrome sur iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            "Samsung Internet sur Android",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox sur Linux",
        ),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome sur ChromeOS",
        ),
        ("Werkzeug/3.1", "Navigateur inconnu"),
        ("curl/8.5 (Windows)", "Navigateur inconnu sur Windows"),
        ("", "Navigateur inconnu"),
        (None, "Navigateur inconnu"),
    ],
)
def test_device_names(user_agent, device):
    assert describe_device(user_agent) == device


def test_a_user_agent_is_shown_as_text_not_html(app, make_user):
    user = make_user()
    client = browser(app, user, '<script>alert("x")</script> (Windows)')
    assert "<script>alert" not in text(client.get("/compte/sessions"))


# ----- the __Host- cookie ---------------------------------------------------------------------


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_plain_http_keeps_the_plain_cookie_name(client, make_user):
    cookies = set_cookies(sign_in(client, make_user().email))
    assert any(cookie.startswith("allervers_session=") for cookie in cookies)
    assert not any("__Host-" in cookie for cookie in cookies)


@pytest.fixture
def secure_app(database_url):
    app = create_app(config_for_tests(database_url, SESSION_COOKIE_SECURE=True))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()  # its own engine: no connection left open behind the test


def test_a_secure_cookie_takes_the_host_prefix(secure_app, make_user):
    user = make_user()
    client = secure_app.test_client()
    response = sign_in(client, user.email)
    assert response.status_code == 303
    cookie = next(c for c in set_cookies(response) if c.startswith("__Host-allervers_session="))
    attributes = [part.strip() for part in cookie.split(";")]
    assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(attributes)
    assert not any(part.lower().startswith("domain=") for part in attributes)
    # Everything that rides on the session still works: the flash, CSRF, the account pages.
    assert f"Bonjour {user.name}" in visible_text(follow(client, response))
    assert client.get("/compte/sessions").status_code == 200
    logout = post_form(client, "/deconnexion", token_from="/compte")
    assert logout.status_code == 303
    assert client.get("/compte").status_code == 302
