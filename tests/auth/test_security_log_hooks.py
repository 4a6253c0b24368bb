"""The security log records what the second factor, reset links and « Mes sessions » do,
through their own pages (the log itself: tests/auth/test_security_log.py)."""

from sqlalchemy import select

from allervers.auth.models import SecurityEvent
from allervers.extensions import db
from tests.auth.test_password_reset import choose, issue, path_of, shown_link
from tests.auth.test_second_factor import (
    clock,  # noqa: F401 - a fixture
    enrol,
    enrolled,  # noqa: F401 - a fixture
    password_step,
    send_code,
)
from tests.helpers import post_form, sign_in

NEW_PASSWORD = "une phrase de passe toute neuve"


def kinds_for(user) -> list[str]:
    """The kinds of the user's entries, oldest first."""
    query = select(SecurityEvent.kind).where(SecurityEvent.user_id == user.id)
    return list(db.session.scalars(query.order_by(SecurityEvent.id)))


def test_enrolling_and_the_second_step_are_recorded(app, make_user, clock):  # noqa: F811
    user = make_user()
    client = app.test_client()
    sign_in(client, user.email)
    codes = enrol(client, clock)
    assert kinds_for(user)[-1] == "second_factor_enabled"
    other = app.test_client()
    password_step(other, user.email)
    assert send_code(other, "000000").status_code == 422
    assert send_code(other, codes[0]).status_code == 303
    assert kinds_for(user)[-3:] == ["second_factor_failed", "sign_in", "recovery_code_used"]


def test_five_wrong_codes_record_a_lockout(app, enrolled):  # noqa: F811
    user, _codes = enrolled
    client = app.test_client()
    password_step(client, user.email)
    for _try in range(5):
        send_code(client, "000000")
    assert kinds_for(user).count("second_factor_failed") == 5
    assert kinds_for(user)[-1] == "lockout"


def test_an_administrator_removing_a_factor_and_the_setting_are_recorded(
    client_as,
    world,
    enrolled,  # noqa: F811
):
    user, _codes = enrolled
    admin = client_as("admin")
    back = f"/admin/utilisateurs/{user.id}"
    removal = f"{back}/double-authentification/retirer"
    assert post_form(admin, removal, {"confirm": "y"}, token_from=back).status_code == 303
    entry = db.session.scalars(
        select(SecurityEvent).where(SecurityEvent.kind == "second_factor_reset")
    ).one()
    assert (entry.user_id, entry.actor_id) == (user.id, world["admin"].id)
    settings = "/admin/parametres"
    post_form(admin, settings, {}, token_from=settings)  # left off: nothing changes
    post_form(admin, settings, {"second_factor_required": "y"}, token_from=settings)
    changes = db.session.scalars(
        select(SecurityEvent.detail).where(SecurityEvent.kind == "settings_changed")
    ).all()
    assert changes == [
        "Double authentification obligatoire pour les administrateurs et les formateurs"
    ]


def test_a_reset_link_issued_used_then_refused_is_recorded(client_as, client, world):
    trainee = world["stagiaire"]
    path = path_of(shown_link(issue(client_as("admin"), trainee)))
    assert choose(client, path, NEW_PASSWORD).status_code == 303
    assert client.get(path).status_code == 410
    assert kinds_for(trainee)[-3:] == ["reset_link_issued", "reset_link_used", "reset_link_refused"]
    issued = db.session.scalars(
        select(SecurityEvent).where(SecurityEvent.kind == "reset_link_issued")
    ).one()
    assert issued.actor_id == world["admin"].id
    assert path.rsplit("/", 1)[1] not in (issued.detail or "")  # never the token


def test_closing_sessions_is_recorded(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    sign_in(first, user.email)
    sign_in(second, user.email)
    page = "/compte/sessions"
    assert post_form(second, f"{page}/fermer-les-autres", token_from=page).status_code == 303
    assert kinds_for(user)[-1] == "session_closed"


def test_the_second_factor_changes_are_told_by_email_and_end_other_sessions(
    app,
    make_user,
    clock,  # noqa: F811
    smtp_server,
):
    user = make_user()
    client, other = app.test_client(), app.test_client()
    sign_in(other, user.email)
    sign_in(client, user.email)
    smtp_server.messages.clear()
    enrol(client, clock)
    [notice] = smtp_server.messages
    assert notice["To"] == user.email
    assert "La double authentification a été activée" in notice.get_content()
    assert other.get("/").status_code == 302  # signed in before the factor: signed out
    assert client.get("/").status_code == 200
