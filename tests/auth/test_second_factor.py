"""The second factor: enrolment, the sign-in's second step, recovery codes, limits, the
administrators' setting and the removal of a lost device."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from allervers.admin import settings
from allervers.auth import second_factor
from allervers.auth import second_factor_views as views
from allervers.auth.models import RecoveryCode, SecondFactor
from allervers.extensions import db
from tests.helpers import TEST_PASSWORD, follow, post_form, sign_in, text

PAGE = "/compte/double-authentification"
CODE_PAGE = "/connexion/code"
START = datetime(2026, 12, 7, 10, 0, 0, tzinfo=UTC)


class Clock:
    """The codes' clock, moved by the tests; `code()` is what the phone shows at that moment."""

    def __init__(self):
        self.moment = START
        self.secret: str | None = None

    def __call__(self) -> datetime:
        return self.moment

    def tick(self, seconds: int = 30) -> None:
        self.moment += timedelta(seconds=seconds)

    def code(self, secret: str | None = None) -> str:
        return pyotp.TOTP(secret or self.secret).at(self.moment)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(second_factor, "now", clock)
    return clock


def secret_on_page(response) -> str:
    match = re.search(r'id="second-factor-secret">([A-Z2-7 ]+)</code>', text(response))
    assert match, "la clé n'est pas affichée sous le QR code"
    return match.group(1).replace(" ", "")


def recovery_codes_on_page(response) -> list[str]:
    return re.findall(
        r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>", text(response)
    )


def enrol(client, clock: Clock) -> list[str]:
    """Through the pages, as a person does: start, read the key, type the app's code."""
    assert post_form(client, f"{PAGE}/activer", token_from=PAGE).status_code == 303
    clock.secret = secret_on_page(client.get(PAGE))
    response = post_form(client, f"{PAGE}/confirmer", {"code": clock.code()}, token_from=PAGE)
    assert response.status_code == 200, text(response)[:500]
    codes = recovery_codes_on_page(response)
    assert len(codes) == 10
    return codes


@pytest.fixture
def enrolled(app, make_user, clock):
    """A trainee with a second factor, signed out; returns (user, recovery codes)."""
    user = make_user()
    client = app.test_client()
    sign_in(client, user.email)
    codes = enrol(client, clock)
    clock.tick()
    return user, codes


def password_step(client, email: str, **kwargs):
    response = sign_in(client, email, **kwargs)
    assert response.status_code == 303
    assert response.headers["Location"] == CODE_PAGE
    return response


def send_code(client, code: str, token_from: str = CODE_PAGE):
    return post_form(client, CODE_PAGE, {"code": code}, token_from=token_from)


def is_signed_in(client) -> bool:
    return client.get("/").status_code == 200


# ----- enrolment -------------------------------------------------------------------------------


def test_the_account_page_links_to_the_second_factor(client_as):
    assert f'href="{PAGE}"' in text(client_as("stagiaire").get("/compte"))


def test_enrolment_shows_a_qr_code_and_the_key_then_ten_codes_once(client_as, world, clock):
    client = client_as("stagiaire")
    assert "n'est pas activée" in text(client.get(PAGE))
    post_form(client, f"{PAGE}/activer", token_from=PAGE)
    page = text(client.get(PAGE))
    assert re.search(r'<svg role="img" aria-label="QR code[^"]+"', page)
    secret = secret_on_page(client.get(PAGE))
    factor = db.session.get(SecondFactor, second_factor.factor_of(world["stagiaire"]).id)
    assert secret not in factor.secret_encrypted  # encrypted at rest
    assert factor.enabled_at is None
    clock.secret = secret
    response = post_form(client, f"{PAGE}/confirmer", {"code": clock.code()}, token_from=PAGE)
    codes = recovery_codes_on_page(response)
    assert len(set(codes)) == 10
    assert "ne seront plus jamais affichés" in text(response)
    page = text(client.get(PAGE))
    assert "Activée le" in page
    assert not any(code in page for code in codes)  # shown once only
    stored = db.session.query(RecoveryCode).filter_by(user_id=world["stagiaire"].id).all()
    assert len(stored) == 10
    assert not any(code in row.code_hash for row in stored for code in codes)


def test_a_wrong_code_does_not_enable(client_as, world, clock):
    client = client_as("stagiaire")
    post_form(client, f"{PAGE}/activer", token_from=PAGE)
    clock.secret = secret_on_page(client.get(PAGE))
    wrong = f"{(int(clock.code()) + 1) % 1_000_000:06d}"
    response = post_form(client, f"{PAGE}/confirmer", {"code": wrong}, token_from=PAGE)
    assert response.status_code == 422
    assert "Ce code n'est pas le bon." in text(response)
    assert not second_factor.is_enabled(world["stagiaire"])


def test_a_code_from_an_old_step_is_refused(client_as, world, clock):
    client = client_as("stagiaire")
    post_form(client, f"{PAGE}/activer", token_from=PAGE)
    clock.secret = secret_on_page(client.get(PAGE))
    old = clock.code()
    clock.tick(90)
    response = post_form(client, f"{PAGE}/confirmer", {"code": old}, token_from=PAGE)
    assert response.status_code == 422
    assert not second_factor.is_enabled(world["stagiaire"])


def test_enrolment_as_an_htmx_fragment(client_as, clock):
    client = client_as("stagiaire")
    post_form(client, f"{PAGE}/activer", token_from=PAGE)
    fragment = client.get(PAGE, headers={"HX-Request": "true"})
    assert "<html" not in text(fragment)
    assert "<svg" in text(fragment)


def test_the_secret_cannot_be_read_with_another_secret_key(app, make_user):
    factor = second_factor.begin(make_user())
    assert second_factor.secret_of(factor)
    app.config["SECRET_KEY"] = "une-autre-clef"
    assert second_factor.secret_of(factor) is None


# ----- signing in ------------------------------------------------------------------------------


def test_the_password_alone_no_longer_opens_a_session(app, enrolled, clock):
    user, _codes = enrolled
    client = app.test_client()
    password_step(client, user.email)
    assert not is_signed_in(client)
    page = text(client.get(CODE_PAGE))
    assert "Code de vérification" in page
    response = send_code(client, clock.code())
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert is_signed_in(client)


def test_the_next_page_survives_the_second_step(app, enrolled, clock):
    user, _codes = enrolled
    client = app.test_client()
    post_form(client, "/connexion", {"email": user.email, "password": TEST_PASSWORD,
                                     "next": "/compte"})  # fmt: skip
    assert send_code(client, clock.code()).headers["Location"] == "/compte"


def test_a_wrong_password_never_reaches_the_code(app, enrolled):
    user, _codes = enrolled
    client = app.test_client()
    assert sign_in(client, user.email, "mauvais-mot-de-passe").status_code == 422
    assert follow(client, client.get(CODE_PAGE)).request.path == "/connexion"


def test_the_code_page_without_the_password_step_sends_to_sign_in(client):
    response = client.get(CODE_PAGE)
    assert response.status_code == 303
    assert response.headers["Location"] == "/connexion"


def test_the_password_step_expires(app, enrolled, clock, monkeypatch):
    user, _codes = enrolled
    client = app.test_client()
    password_step(client, user.email)
    monkeypatch.setattr(views, "PASSWORD_STEP_SECONDS", -1)
    response = send_code(client, clock.code(), token_from="/connexion")
    assert response.headers["Location"] == "/connexion"
    assert not is_signed_in(client)


def test_a_code_serves_only_once(app, enrolled, clock):
    user, _codes = enrolled
    first = app.test_client()
    password_step(first, user.email)
    code = clock.code()
    assert send_code(first, code).status_code == 303
    second = app.test_client()
    password_step(second, user.email)
    response = send_code(second, code)
    assert response.status_code == 422
    assert "Ce code vient déjà de servir." in text(response)
    assert not is_signed_in(second)
    clock.tick()
    assert send_code(second, clock.code()).status_code == 303


def test_a_recovery_code_works_once(app, enrolled):
    user, codes = enrolled
    client = app.test_client()
    password_step(client, user.email)
    response = send_code(client, codes[3].upper().replace("-", " "))  # as typed from paper
    assert response.status_code == 303
    assert "il vous en reste 9" in text(follow(client, response))
    again = app.test_client()
    password_step(again, user.email)
    assert send_code(again, codes[3]).status_code == 422
    assert not is_signed_in(again)


def test_five_wrong_codes_lock_the_account(app, enrolled, clock):
    user, _codes = enrolled
    client = app.test_client()
    password_step(client, user.email)
    for _ in range(4):
        assert send_code(client, "000000").status_code == 422
    # Typing the password again does not forgive the wrong codes.
    password_step(client, user.email)
    assert send_code(client, "000000").status_code == 422
    response = send_code(client, clock.code())
    assert response.status_code == 422
    assert "Trop de tentatives" in text(response)
    assert not is_signed_in(client)
    refused = sign_in(app.test_client(), user.email)
    assert refused.status_code == 422
    assert "Trop de tentatives" in text(refused)


# ----- managing it -----------------------------------------------------------------------------


def signed_in(app, user, clock: Clock):
    client = app.test_client()
    password_step(client, user.email)
    assert send_code(client, clock.code()).status_code == 303
    clock.tick()
    return client


def test_new_recovery_codes_replace_the_old_ones(app, enrolled, clock):
    user, old = enrolled
    client = signed_in(app, user, clock)
    wrong = post_form(client, f"{PAGE}/codes-de-secours", {"password": "faux"}, token_from=PAGE)
    assert wrong.status_code == 422
    response = post_form(
        client, f"{PAGE}/codes-de-secours", {"password": TEST_PASSWORD}, token_from=PAGE
    )
    new = recovery_codes_on_page(response)
    assert len(new) == 10
    assert not set(new) & set(old)
    other = app.test_client()
    password_step(other, user.email)
    assert send_code(other, old[0]).status_code == 422
    assert send_code(other, new[0]).status_code == 303


def test_deactivation_asks_the_password_and_a_code(app, enrolled, clock):
    user, _codes = enrolled
    client = signed_in(app, user, clock)
    path = f"{PAGE}/desactiver"
    wrong = post_form(client, path, {"password": "faux", "code": clock.code()}, token_from=PAGE)
    assert wrong.status_code == 422
    assert "Le mot de passe est incorrect." in text(wrong)
    no_code = post_form(client, path, {"password": TEST_PASSWORD, "code": "123"}, token_from=PAGE)
    assert no_code.status_code == 422
    assert second_factor.is_enabled(user)
    done = post_form(client, path, {"password": TEST_PASSWORD, "code": clock.code()},
                     token_from=PAGE)  # fmt: skip
    assert done.status_code == 303
    assert not second_factor.is_enabled(user)
    assert sign_in(app.test_client(), user.email).headers["Location"] == "/"


# ----- the administrators' setting -------------------------------------------------------------


def test_the_setting_page_is_for_administrators(client_as):
    assert client_as("formateur").get("/admin/parametres").status_code == 404
    admin = client_as("admin")
    assert "Double authentification obligatoire" in text(admin.get("/admin/parametres"))
    response = post_form(admin, "/admin/parametres", {"second_factor_required": "y"},
                         token_from="/admin/parametres")  # fmt: skip
    assert response.status_code == 303
    assert settings.second_factor_required()


def test_a_formateur_cannot_change_the_setting(client_as):
    response = post_form(client_as("formateur"), "/admin/parametres",
                         {"second_factor_required": "y"}, token_from="/")  # fmt: skip
    assert response.status_code == 404
    assert not settings.second_factor_required()


def test_the_setting_sends_staff_to_enrolment_and_nowhere_else(app, world, clock):
    settings.set_second_factor_required(True)
    client = app.test_client()
    response = follow(client, sign_in(client, world["formateur"].email))
    assert response.request.path == PAGE
    assert "activez-la pour continuer" in text(response)
    for path in ("/", "/compte", "/sessions", f"/groupes/{world['group'].id}"):
        refused = client.get(path)
        assert refused.status_code == 303, path
        assert refused.headers["Location"] == PAGE
    htmx = client.get("/sessions", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == PAGE
    assert post_form(client, "/compte", {"name": "X"}, token_from=PAGE).status_code == 303
    enrol(client, clock)
    assert client.get("/sessions").status_code == 200
    trainee = app.test_client()
    assert follow(trainee, sign_in(trainee, world["stagiaire"].email)).request.path == "/"


def test_required_second_factor_cannot_be_deactivated(app, world, clock):
    settings.set_second_factor_required(True)
    client = app.test_client()
    sign_in(client, world["admin"].email)
    enrol(client, clock)
    clock.tick()
    data = {"password": TEST_PASSWORD, "code": clock.code()}
    response = post_form(client, f"{PAGE}/desactiver", data, token_from=PAGE)
    assert response.status_code == 303
    assert "obligatoire" in text(follow(client, response))
    assert second_factor.is_enabled(world["admin"])


# ----- a lost phone: an administrator removes the factor ---------------------------------------


def removal_path(user) -> str:
    return f"/admin/utilisateurs/{user.id}/double-authentification/retirer"


def test_an_administrator_removes_a_lost_second_factor(app, client_as, world, enrolled):
    user, _codes = enrolled
    admin = client_as("admin")
    page = f"/admin/utilisateurs/{user.id}"
    assert "Retirer la double authentification" in text(admin.get(page))
    unconfirmed = post_form(admin, removal_path(user), {}, token_from=page)
    assert "Cochez la case" in text(follow(admin, unconfirmed))
    assert second_factor.is_enabled(user)
    response = post_form(admin, removal_path(user), {"confirm": "y"}, token_from=page)
    assert response.status_code == 303
    assert not second_factor.is_enabled(user)
    assert not db.session.query(RecoveryCode).filter_by(user_id=user.id).count()
    assert sign_in(app.test_client(), user.email).headers["Location"] == "/"


@pytest.mark.parametrize("role", ["formateur", "stagiaire", "referent"])
def test_only_administrators_remove_a_second_factor(client_as, enrolled, role):
    user, _codes = enrolled
    client = client_as(role)
    response = post_form(client, removal_path(user), {"confirm": "y"}, token_from="/")
    assert response.status_code == 404
    assert second_factor.is_enabled(user)


def test_after_a_removal_a_required_user_enrols_again(app, world, clock):
    formateur = world["formateur"]
    client = app.test_client()
    sign_in(client, formateur.email)
    enrol(client, clock)
    settings.set_second_factor_required(True)
    second_factor.remove(formateur)
    again = app.test_client()
    assert follow(again, sign_in(again, formateur.email)).request.path == PAGE


def test_the_command_line_removes_a_second_factor(app, enrolled):
    user, _codes = enrolled
    runner = app.test_cli_runner()
    result = runner.invoke(args=["remove-second-factor", "--email", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert not second_factor.is_enabled(user)
    again = runner.invoke(args=["remove-second-factor", "--email", user.email])
    assert again.exit_code != 0
    assert "n'a pas de double authentification" in again.output


def test_the_right_password_buys_no_new_tries_at_the_code_on_deactivation(app, enrolled, clock):
    user, _codes = enrolled
    client = signed_in(app, user, clock)
    path = f"{PAGE}/desactiver"
    for _ in range(5):
        wrong = {"password": TEST_PASSWORD, "code": "000000"}
        assert post_form(client, path, wrong, token_from=PAGE).status_code == 422
    right = {"password": TEST_PASSWORD, "code": clock.code()}
    response = post_form(client, path, right, token_from=PAGE)
    assert response.status_code == 422
    assert "Trop de codes erronés" in text(response)
    assert second_factor.is_enabled(user)
