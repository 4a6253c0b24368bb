"""Sign-in, sign-out, replayed cookies, timeouts, inactive accounts and the rate limits."""

import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from allervers.auth.models import User, UserSession
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from tests.helpers import TEST_PASSWORD, TIMING_HASH_METHOD, csrf_token, post_form, sign_in, text


def test_sign_in_page_is_french_and_public(client):
    response = client.get("/connexion")
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="fr"' in page
    assert "Adresse e-mail" in page
    assert "Mot de passe" in page


def test_sign_in_opens_the_dashboard(client, make_user):
    user = make_user(name="Camille Stagiaire")
    response = sign_in(client, user.email)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Bonjour Camille Stagiaire" in text(client.get("/"))
    assert db.session.get(User, user.id).last_login_at is not None


def test_email_is_case_insensitive(client, make_user):
    user = make_user(email="camille@exemple.fr")
    assert sign_in(client, "  Camille@Exemple.FR ").status_code == 303
    assert text(client.get("/")).count(user.name) >= 1


@pytest.mark.parametrize("email_exists", [True, False])
def test_failed_sign_in_says_nothing_about_the_email(client, make_user, email_exists):
    user = make_user()
    email = user.email if email_exists else "personne@exemple.fr"
    response = sign_in(client, email, "mauvais-mot-de-passe")
    assert response.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect." in text(response)
    assert client.get("/").status_code == 302


def timed_failed_sign_in(client, token: str, email: str) -> float:
    # The CPU time of the thread that serves the request (the test client runs it in this
    # thread): what the server spends, undisturbed by whatever else the machine is running.
    start = time.thread_time()
    response = client.post(
        "/connexion", data={"csrf_token": token, "email": email, "password": "mauvais-mot"}
    )
    elapsed = time.thread_time() - start
    assert response.status_code == 422
    return elapsed


def test_failed_sign_in_takes_as_long_for_an_unknown_email(app, client, make_user):
    """Measured, not read from the message: the time of a refusal must not tell which
    e-mails have an account."""
    app.config["PASSWORD_HASH_METHOD"] = TIMING_HASH_METHOD
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 100  # this test measures hashing, not limits
    known = make_user().email
    token = csrf_token(client)
    timings = {known: [], "personne@exemple.fr": []}
    for attempt in range(8):  # alternated, so a busy machine slows both sides alike
        for email in list(timings)[:: 1 if attempt % 2 else -1]:
            timings[email].append(timed_failed_sign_in(client, token, email))
    known_time, unknown_time = (statistics.median(t[1:]) for t in timings.values())
    assert max(known_time, unknown_time) / min(known_time, unknown_time) <= 1.2, timings


def test_empty_form_gets_french_messages(client):
    response = post_form(client, "/connexion", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "Saisissez votre adresse e-mail." in text(response)
    assert 'aria-invalid="true"' in text(response)


def test_inactive_account_cannot_sign_in(client, make_user):
    user = make_user(is_enabled=False)
    response = sign_in(client, user.email)
    assert response.status_code == 422
    assert "désactivé" in text(response)
    assert client.get("/").status_code == 302


def test_deactivation_ends_open_sessions(app, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    assert client.get("/").status_code == 200
    user.is_enabled = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_next_goes_back_to_the_page_asked_for(client, make_user):
    user = make_user()
    first = client.get("/sessions")
    assert first.status_code == 302
    assert first.headers["Location"].startswith("/connexion?next=/sessions")
    response = post_form(
        client, "/connexion", {"email": user.email, "password": TEST_PASSWORD, "next": "/sessions"}
    )
    assert response.headers["Location"] == "/sessions"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
def test_no_open_redirect_after_sign_in(client, make_user, target):
    user = make_user()
    response = post_form(
        client, "/connexion", {"email": user.email, "password": TEST_PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_sign_out_ends_the_session(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    response = post_form(client, "/deconnexion", token_from="/")
    assert response.status_code == 303
    assert client.get("/").status_code == 302
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert record.ended_at is not None


def test_cookie_replayed_after_sign_out_opens_nothing(app, make_user):
    user = make_user()
    browser = app.test_client()
    sign_in(browser, user.email)
    stolen = browser.get_cookie("allervers_session").value
    assert browser.get("/").status_code == 200
    post_form(browser, "/deconnexion", token_from="/")

    attacker = app.test_client()
    attacker.set_cookie("allervers_session", stolen)
    response = attacker.get("/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
    assert attacker.get("/sessions").status_code == 302


def test_sign_out_elsewhere_keeps_this_browser(app, make_user):
    user = make_user()
    laptop, tablet = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(tablet, user.email)
    post_form(tablet, "/deconnexion", token_from="/")
    assert laptop.get("/").status_code == 200


def test_idle_session_expires(app, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    record.last_seen_at = utcnow() - timedelta(hours=2, minutes=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_absolute_session_lifetime(app, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    record.created_at = utcnow() - timedelta(hours=12, minutes=1)
    record.last_seen_at = utcnow()
    db.session.commit()
    assert client.get("/").status_code == 302


def test_activity_keeps_the_session_alive(app, client, make_user):
    user = make_user()
    sign_in(client, user.email)
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    record.last_seen_at = utcnow() - timedelta(hours=1, minutes=50)
    db.session.commit()
    assert client.get("/").status_code == 200
    db.session.refresh(record)
    assert utcnow() - record.last_seen_at < timedelta(minutes=1)


def test_expired_login_during_htmx_request_redirects_the_tab(client):
    response = client.get("/sessions", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/connexion?next=/sessions")


def test_htmx_redirect_returns_to_the_page_not_the_action(client):
    headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost/groupes/3?onglet=x"}
    response = client.get("/groupes/3/modifier", headers=headers)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/connexion?next=/groupes/3?onglet%3Dx"
    foreign = {"HX-Request": "true", "HX-Current-URL": "https://evil.example/groupes/3"}
    response = client.get("/groupes/3/modifier", headers=foreign)
    assert response.headers["HX-Redirect"] == "/connexion?next=/groupes/3/modifier"
    boosted = {**headers, "HX-Boosted": "true"}
    response = client.get("/sessions", headers=boosted)
    assert response.headers["HX-Redirect"] == "/connexion?next=/sessions"


def test_passwords_are_hashed_with_scrypt(app, make_user):
    from allervers.auth.passwords import hash_password

    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    hashed = hash_password("un-mot-de-passe-long")
    assert hashed.startswith("scrypt:")
    assert "un-mot-de-passe-long" not in hashed


# ----- rate limits ----------------------------------------------------------------------------


def test_account_is_locked_after_repeated_failures(client, make_user):
    user = make_user()
    for _ in range(5):
        assert sign_in(client, user.email, "mauvais-mot-de-passe").status_code == 422
    response = sign_in(client, user.email)  # even the right password is refused now
    assert response.status_code == 422
    assert "Trop de tentatives" in text(response)


def test_lock_does_not_reveal_whether_the_email_exists(client):
    for _ in range(5):
        sign_in(client, "inconnu@exemple.fr", "mauvais-mot-de-passe")
    assert "Trop de tentatives" in text(sign_in(client, "inconnu@exemple.fr", "x"))


def test_account_limit_counts_across_addresses(app, make_user):
    user = make_user()
    for number in range(5):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{number}"
        sign_in(client, user.email, "mauvais-mot-de-passe")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    assert "Trop de tentatives" in text(sign_in(client, user.email))


def test_success_resets_the_account_counter(client, make_user):
    user = make_user()
    for _ in range(4):
        sign_in(client, user.email, "mauvais-mot-de-passe")
    assert sign_in(client, user.email).status_code == 303
    post_form(client, "/deconnexion", token_from="/")
    for _ in range(4):
        sign_in(client, user.email, "mauvais-mot-de-passe")
    assert sign_in(client, user.email).status_code == 303


def test_address_is_limited_across_accounts(app, client, make_user):
    """Past the address's budget (here 6 accounts), one try per back-off period."""
    app.config["LOGIN_ADDRESS_MAX_ACCOUNTS"] = 6
    user = make_user()
    for number in range(7):  # the 7th is the back-off's first try
        assert sign_in(client, f"essai{number}@exemple.fr", "mauvais-mot").status_code == 422
    response = sign_in(client, user.email)
    assert response.status_code == 422
    assert "depuis votre réseau. Réessayez dans 30 secondes." in text(response)


def test_a_training_room_of_twenty_signs_in_from_one_address(app, make_user):
    """Twenty trainees behind one Wi-Fi address in the same minute, a few typos included."""
    people = [make_user() for _ in range(20)]
    for index, person in enumerate(people):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
        if index % 4 == 0:  # one in four mistypes once first
            assert sign_in(client, person.email, "faute-de-frappe").status_code == 422
        assert sign_in(client, person.email).status_code == 303
        assert client.get("/").status_code == 200


def test_rate_limit_counters_are_shared_through_the_database(app, make_user):
    """A second app object (another gunicorn worker) sees the same counters."""
    from allervers import create_app
    from tests.conftest import IsolatedClient, config_for_tests

    user = make_user()
    for _ in range(5):
        sign_in(app.test_client(), user.email, "mauvais-mot-de-passe")
    other_worker = create_app(config_for_tests(app.config["SQLALCHEMY_DATABASE_URI"]))
    other_worker.test_client_class = IsolatedClient
    response = sign_in(other_worker.test_client(), user.email)
    assert "Trop de tentatives" in text(response)
    with other_worker.app_context():
        db.engine.dispose()


def test_csrf_token_is_required_to_sign_in(client, make_user):
    user = make_user()
    csrf_token(client)
    response = client.post("/connexion", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "session a expiré" in text(response)
    assert client.get("/").status_code == 302
