"""E-mail: rendered in the request, sent by a job to a real local SMTP server (aiosmtpd)."""

import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from allervers.core import mail
from allervers.core.jobs import huey
from tests.analysis.test_worker import (  # noqa: F401 - job_queue is a fixture
    job_queue,
    start_worker,
    stop_worker,
)
from tests.conftest import Inbox, free_port
from tests.helpers import post_form


def test_a_message_reaches_the_smtp_server(app, smtp_server):
    with app.test_request_context():
        assert mail.send(
            "personne@exemple.fr",
            "Aller-vers : essai",
            "password_changed",
            user=_person(),
            changed_at=None,
            login_url="http://localhost/connexion",
        )
    [message] = smtp_server.messages
    assert message["To"] == "personne@exemple.fr"
    assert message["From"] == "Aller-vers <ne-pas-repondre@allervers.test>"
    assert message["Subject"] == "Aller-vers : essai"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "Bonjour Camille Martin" in body
    assert "http://localhost/connexion" in body


def test_nothing_is_sent_when_mail_is_not_configured(app, smtp_server):
    app.config["MAIL_SERVER"] = None
    with app.test_request_context():
        assert not mail.is_configured()
        sent = mail.send("personne@exemple.fr", "Essai", "password_changed", user=_person())
    assert sent is False
    assert smtp_server.messages == []


def test_a_server_that_does_not_answer_is_a_logged_failure(app, monkeypatch, caplog):
    # The migrations' logging set-up (alembic.ini) disables the loggers that existed then.
    monkeypatch.setattr(mail.log, "disabled", False)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    assert mail.deliver({"to": "a@exemple.fr", "subject": "Essai", "body": "x"}).get() is False
    assert "Courriel non envoyé" in caplog.text


@pytest.mark.parametrize("setting", ["MAIL_USE_TLS", "MAIL_USE_SSL"])
def test_an_encryption_the_server_does_not_offer_sends_nothing(app, smtp_server, setting):
    """STARTTLS or TLS asked of a server without it: the message is not sent in clear."""
    app.config[setting] = True
    assert mail.deliver({"to": "a@exemple.fr", "subject": "Essai", "body": "x"}).get() is False
    assert smtp_server.messages == []


@pytest.fixture
def smtp_with_login(app):
    """A local SMTP server that accepts only allervers / secret (AUTH allowed without TLS)."""
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(
            success=(auth_data.login, auth_data.password) == (b"allervers", b"secret")
        )

    port = free_port()
    controller = Controller(
        Inbox(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    try:
        yield controller.handler, logins
    finally:
        controller.stop()


def test_the_smtp_account_signs_in_when_configured(app, smtp_with_login):
    inbox, logins = smtp_with_login
    app.config.update(MAIL_USERNAME="allervers", MAIL_PASSWORD="mauvais")
    assert mail.deliver({"to": "a@exemple.fr", "subject": "Essai", "body": "x"}).get() is False
    assert inbox.messages == []
    app.config["MAIL_PASSWORD"] = "secret"
    assert mail.deliver({"to": "a@exemple.fr", "subject": "Essai", "body": "x"}).get() is True
    assert len(inbox.messages) == 1
    assert logins == [(b"allervers", b"mauvais"), (b"allervers", b"secret")]


def _person():
    from types import SimpleNamespace

    return SimpleNamespace(name="Camille Martin", email="personne@exemple.fr")


# ----- through the real worker -----------------------------------------------------------------


def test_the_worker_sends_what_a_page_queued(
    app,
    client_as,
    world,
    database_url,
    smtp_server,
    job_queue,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    trainee = world["stagiaire"]
    page = post_form(client_as("admin"), f"/mot-de-passe/lien/{trainee.id}", token_from="/")
    assert page.status_code == 200
    assert huey.pending_count() == 1
    assert smtp_server.messages == []  # queued, not sent by the request
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_SENDER"):
        monkeypatch.setenv(name, str(app.config[name]))
    monkeypatch.setenv("MAIL_USE_TLS", "false")
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = start_worker(database_url, job_queue, log)
        try:
            deadline = time.monotonic() + 30
            while not smtp_server.messages and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stop_worker(worker)
    assert smtp_server.messages, log_path.read_text()
    [message] = smtp_server.messages
    assert message["To"] == trainee.email
    assert "/mot-de-passe/nouveau/" in message.get_content()
