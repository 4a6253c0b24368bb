"""Reset links: issued by an admin or the group's formateur, opened once within 24 hours.

The e-mails are read from a real SMTP server (aiosmtpd, the `smtp_server` fixture), and the
link they carry is followed with the test client.
"""

import hashlib
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from allervers.auth import ratelimit, recovery
from allervers.auth.models import PasswordReset
from allervers.core import mail
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.training.models import Membership
from tests.conftest import free_port
from tests.helpers import TEST_PASSWORD, follow, post_form, sign_in, text, visible_text

NEW_PASSWORD = "une phrase de passe toute neuve"
LINK = re.compile(r"https?://[^\s\"<]+/mot-de-passe/nouveau/[A-Za-z0-9_-]+")


def issue(client, user, **data):
    """POST the page's button, as the issuer's browser does."""
    return post_form(client, f"/mot-de-passe/lien/{user.id}", data, token_from="/")


def shown_link(response) -> str:
    assert response.status_code == 200, visible_text(response)[-400:]
    return LINK.search(text(response)).group(0)


def path_of(url: str) -> str:
    return urlsplit(url).path


def choose(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None, **kw):
    data = {"new": password, "confirm": password if confirm is None else confirm}
    return post_form(client, path, data, token_from=path, **kw)


def links_of(user) -> int:
    query = select(func.count()).select_from(PasswordReset)
    return db.session.scalar(query.where(PasswordReset.user_id == user.id))


@pytest.fixture
def trainee(world):
    return world["stagiaire"]


@pytest.fixture
def link_for(client_as):
    """link_for(user) → the path of a fresh link for `user`, issued by the admin."""

    def make(user) -> str:
        return path_of(shown_link(issue(client_as("admin"), user)))

    return make


# ----- the whole journey, through the e-mail -------------------------------------------------


def test_the_link_arrives_by_email_and_sets_a_new_password(client_as, client, trainee, smtp_server):
    page = issue(client_as("admin"), trainee)
    shown = shown_link(page)
    assert "envoyé par courriel" in text(page)
    [message] = smtp_server.messages
    assert message["To"] == trainee.email
    assert message["Subject"] == "Aller-vers : choisir un nouveau mot de passe"
    body = message.get_content()
    assert LINK.search(body).group(0) == shown
    assert "ne sert qu'une fois" in body

    form = client.get(path_of(shown))
    assert form.status_code == 200
    assert trainee.email in text(form)
    assert form.headers["Referrer-Policy"] == "no-referrer"
    response = choose(client, path_of(shown))
    assert response.status_code == 303
    assert response.headers["Location"] == "/connexion"
    assert "Votre mot de passe a été changé" in text(follow(client, response))

    assert sign_in(client_as("anonyme"), trainee.email, NEW_PASSWORD).status_code == 303
    assert sign_in(client_as("anonyme"), trainee.email, TEST_PASSWORD).status_code == 422
    notice = smtp_server.messages[1]
    assert notice["To"] == trainee.email
    assert notice["Subject"] == "Aller-vers : votre mot de passe a été changé"


def test_only_the_digest_of_the_token_is_stored(client_as, trainee):
    token = path_of(shown_link(issue(client_as("admin"), trainee))).rsplit("/", 1)[1]
    record = db.session.scalar(select(PasswordReset).where(PasswordReset.user_id == trainee.id))
    assert len(token) >= 43  # 32 random bytes, base64url
    assert record.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(db.session.execute(select(PasswordReset.__table__)).all())
    assert record.issued_by_id is not None
    assert record.expires_at - record.created_at == timedelta(hours=24)


def test_the_issuer_is_told_when_no_email_was_sent(client_as, trainee, smtp_server, app):
    app.config["MAIL_SERVER"] = None
    page = issue(client_as("admin"), trainee)
    assert shown_link(page)
    assert "Aucun courriel n'est parti" in text(page)
    assert smtp_server.messages == []


def test_an_smtp_server_that_does_not_answer_does_not_stop_the_link(
    client_as, trainee, app, caplog, monkeypatch
):
    # The migrations' logging set-up (alembic.ini) disables the loggers that existed then.
    monkeypatch.setattr(mail.log, "disabled", False)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    page = issue(client_as("admin"), trainee)
    assert shown_link(page)
    assert "Courriel non envoyé" in caplog.text


# ----- one use, 24 hours, one link at a time --------------------------------------------------

INVALID = "Ce lien n'est plus valable"


def test_a_link_works_once(client, trainee, link_for):
    path = link_for(trainee)
    assert choose(client, path).status_code == 303
    again = client.get(path)
    assert again.status_code == 410
    assert INVALID in text(again)
    assert choose(client, path, "encore une autre phrase").status_code == 410
    assert sign_in(client, trainee.email, NEW_PASSWORD).status_code == 303


def test_a_link_expires_after_24_hours(client, trainee, link_for, monkeypatch):
    path = link_for(trainee)
    issued = utcnow()
    monkeypatch.setattr(recovery, "utcnow", lambda: issued + timedelta(hours=23, minutes=59))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(recovery, "utcnow", lambda: issued + timedelta(hours=24, minutes=1))
    assert client.get(path).status_code == 410
    assert choose(client, path).status_code == 410
    assert sign_in(client, trainee.email, TEST_PASSWORD).status_code == 303


def test_a_new_link_replaces_the_previous_one(client, trainee, link_for):
    first, second = link_for(trainee), link_for(trainee)
    assert first != second
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    assert links_of(trainee) == 2


def test_unknown_used_and_expired_links_get_the_same_answer(
    client_as, client, trainee, link_for, monkeypatch
):
    used = link_for(trainee)
    choose(client_as("anonyme"), used)
    expired = link_for(trainee)
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(recovery, "utcnow", lambda: later)
    answers = [client.get(p) for p in (used, expired, "/mot-de-passe/nouveau/inconnu")]
    assert {a.status_code for a in answers} == {410}
    assert len({visible_text(a) for a in answers}) == 1
    assert "<form" not in text(answers[0])


def test_a_disabled_account_cannot_use_its_link(client, trainee, link_for):
    path = link_for(trainee)
    trainee.is_enabled = False
    db.session.commit()
    assert client.get(path).status_code == 410


def test_the_new_password_follows_the_policy(client, trainee, link_for):
    path = link_for(trainee)
    short = choose(client, path, "court")
    assert short.status_code == 422
    assert "au moins" in text(short)
    mismatch = choose(client, path, NEW_PASSWORD, "une autre phrase de passe")
    assert mismatch.status_code == 422
    assert "pas identiques" in text(mismatch)
    assert client.get(path).status_code == 200  # a refused password does not spend the link
    own = f"{trainee.name} {trainee.email.split('@')[0]} 2026"  # the account's own words
    assert choose(client, path, own).status_code == 422
    fragment = choose(client, path, "court", headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert "<html" not in text(fragment)


def test_the_page_needs_the_csrf_token(client, trainee, link_for):
    path = link_for(trainee)
    client.get(path)
    response = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert client.get(path).status_code == 200


def test_the_page_loads_nothing_from_elsewhere(client, trainee, link_for):
    page = text(client.get(link_for(trainee)))
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    assert all(not urlsplit(source).netloc for source in sources), sources


# ----- the account is signed out everywhere ----------------------------------------------------


def test_the_new_password_ends_every_session_of_the_account(client_as, client, trainee, link_for):
    laptop = client_as("stagiaire")
    assert laptop.get("/compte").status_code == 200
    assert choose(client, link_for(trainee)).status_code == 303
    assert laptop.get("/compte").status_code == 302


# ----- guessing --------------------------------------------------------------------------------


def test_guessing_tokens_is_refused_then_limited(client, app, trainee, link_for, monkeypatch):
    path = link_for(trainee)
    guesser = "203.0.113.9"
    for _ in range(app.config["RESET_MAX_FAILURES_PER_ADDRESS"]):
        guess = f"/mot-de-passe/nouveau/{secrets.token_urlsafe(32)}"
        answer = client.get(guess, environ_base={"REMOTE_ADDR": guesser})
        assert answer.status_code == 410
    blocked = client.get(path, environ_base={"REMOTE_ADDR": guesser})
    assert blocked.status_code == 429
    assert "Trop de liens non valables" in text(blocked)
    assert "<form" not in text(blocked)
    # another address is not held back by the guesser, and the window ends
    assert client.get(path, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200
    later = utcnow() + app.config["RESET_FAILURE_WINDOW"] + timedelta(seconds=1)
    monkeypatch.setattr(ratelimit, "now", lambda: later)
    assert client.get(path, environ_base={"REMOTE_ADDR": guesser}).status_code == 200


# ----- who may issue a link --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issuer", "target", "allowed"),
    [
        ("admin", "stagiaire", True),
        ("admin", "formateur", True),
        ("formateur", "stagiaire", True),  # a trainee of the group he trains
        ("formateur_autre", "stagiaire", False),  # another group's trainee
        ("formateur", "stagiaire_autre", False),
        ("formateur", "formateur_autre", False),
        ("formateur", "admin", False),
        ("formateur", "referent", False),  # not a member of his group
        ("stagiaire", "stagiaire_autre", False),
        ("referent", "stagiaire", False),
    ],
)
def test_who_may_issue_a_link(client_as, world, issuer, target, allowed):
    response = issue(client_as(issuer), world[target])
    if allowed:
        assert shown_link(response)
        assert links_of(world[target]) == 1
    else:
        assert response.status_code == 404
        assert links_of(world[target]) == 0


def test_a_formateur_may_not_issue_for_an_admin_in_his_group(client_as, world):
    admin = world["admin"]
    world["group"].memberships.append(Membership(user=admin, role="stagiaire", joined_at=utcnow()))
    db.session.commit()
    assert issue(client_as("formateur"), admin).status_code == 404
    assert links_of(admin) == 0


def test_an_unknown_account_is_a_404(client_as):
    assert (
        post_form(client_as("admin"), "/mot-de-passe/lien/99999", token_from="/").status_code == 404
    )


def test_the_buttons_are_on_the_admin_and_group_pages(client_as, world):
    trainee = world["stagiaire"]
    action = f'action="/mot-de-passe/lien/{trainee.id}"'
    assert action in text(client_as("admin").get(f"/admin/utilisateurs/{trainee.id}"))
    assert action in text(client_as("formateur").get(f"/groupes/{world['group'].id}"))
    assert action not in text(client_as("stagiaire").get(f"/groupes/{world['group'].id}"))


def test_the_formateur_comes_back_to_the_group(client_as, world):
    group_page = f"/groupes/{world['group'].id}"
    page = issue(client_as("formateur"), world["stagiaire"], next=group_page)
    assert f'href="{group_page}"' in text(page)
    elsewhere = issue(client_as("formateur"), world["stagiaire"], next="https://exemple.org/")
    assert "exemple.org" not in text(elsewhere)


# ----- the sign-in page and the password change ------------------------------------------------


def test_the_sign_in_page_explains_a_forgotten_password(client):
    page = visible_text(client.get("/connexion"))
    assert "Mot de passe oublié ?" in page
    assert "Demandez à votre formateur ou à l'administrateur" in page


def test_changing_ones_password_tells_the_account_and_ends_open_links(
    client_as, trainee, link_for, smtp_server
):
    path = link_for(trainee)
    smtp_server.messages.clear()
    client = client_as("stagiaire")
    response = post_form(
        client,
        "/compte/mot-de-passe",
        {"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        token_from="/compte/mot-de-passe",
    )
    assert response.status_code == 303
    [notice] = smtp_server.messages
    assert notice["To"] == trainee.email
    assert "a été changé" in notice.get_content()
    assert client_as("anonyme").get(path).status_code == 410


# ----- an account created with an activation link (ASVS 2.3.1) --------------------------------


def new_account(client, **fields):
    data = {"email": "nouvelle@exemple.fr", "name": "Nouvelle Personne", "role": "stagiaire"}
    return post_form(client, "/admin/utilisateurs/nouveau", {**data, **fields}, token_from="/")


def test_an_account_created_with_an_activation_link(client_as, client, smtp_server):
    page = new_account(client_as("admin"), send_link="y")
    link = shown_link(page)
    assert "Lien d'activation" in text(page)
    [message] = smtp_server.messages
    assert message["To"] == "nouvelle@exemple.fr"
    assert message["Subject"] == recovery.ACTIVATION_SUBJECT
    assert LINK.search(message.get_content()).group(0) == link
    assert choose(client, path_of(link)).status_code == 303
    assert sign_in(client_as("anonyme"), "nouvelle@exemple.fr", NEW_PASSWORD).status_code == 303


def test_an_account_needs_a_password_or_a_link(client_as):
    refused = new_account(client_as("admin"))
    assert refused.status_code == 422
    assert "ou cochez « Envoyer un lien d'activation »" in text(refused)
    typed = new_account(client_as("admin"), password=NEW_PASSWORD)
    assert typed.status_code == 303
    assert sign_in(client_as("anonyme"), "nouvelle@exemple.fr", NEW_PASSWORD).status_code == 303
