"""The second factor in a real browser: enrolment from the QR code page, sign-in with the
app's code then with a recovery code, and an administrator removing a lost one."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.browser.test_security import record_violations


def greeted(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {name}")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")


def enter_code(page: Page, code: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de vérification")
    page.get_by_label("Code de vérification").fill(code)
    page.get_by_role("button", name="Valider").click()


def enrol(page: Page, axe_check, *, via_account: bool = True) -> tuple[pyotp.TOTP, list[str]]:
    if via_account:
        page.goto("/compte")
        page.get_by_role("link", name="Double authentification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    axe_check(page)
    page.get_by_role("button", name="Activer la double authentification").click()
    qr_code = page.get_by_role("img", name=re.compile("QR code à scanner"))
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("element => element.tagName") == "svg"
    axe_check(page)
    secret = page.locator("#second-factor-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(totp.now())
    page.get_by_role("button", name="Activer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    # Shown once: the address stays the page's, so reloading does not post again.
    assert page.url.endswith("/compte/double-authentification")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    expect(page.get_by_role("button", name="Copier les codes")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="J'ai noté mes codes").click()
    expect(page.get_by_text(re.compile("Activée le"))).to_be_visible()
    return totp, codes


def test_enrol_sign_in_with_codes_then_an_admin_removes_it(page: Page, world, axe_check):
    trainee = world["stagiaire"]
    sign_in(page, trainee.email)
    greeted(page, trainee.name)
    totp, codes = enrol(page, axe_check)
    sign_out(page)

    sign_in(page, trainee.email)
    axe_check(page)
    # The next time step's code: the enrolment's own code may not serve twice.
    enter_code(page, totp.at(time.time() + 30))
    greeted(page, trainee.name)
    sign_out(page)

    sign_in(page, trainee.email)
    enter_code(page, codes[0])
    greeted(page, trainee.name)
    expect(page.get_by_text("il vous en reste 9")).to_be_visible()
    sign_out(page)

    admin = world["admin"]
    sign_in(page, admin.email)
    greeted(page, admin.name)
    page.goto("/admin/parametres")
    expect(page.get_by_label(re.compile("Double authentification obligatoire"))).not_to_be_checked()
    axe_check(page)
    page.goto(f"/admin/utilisateurs/{trainee.id}")
    section = page.get_by_role("region", name="Double authentification")
    section.get_by_label(re.compile("Je confirme")).check()
    section.get_by_role("button", name="Retirer la double authentification").click()
    expect(
        page.get_by_text(re.compile("La double authentification de .* est retirée"))
    ).to_be_visible()
    axe_check(page)
    sign_out(page)

    sign_in(page, trainee.email)
    greeted(page, trainee.name)


def test_the_setting_holds_an_admin_on_the_enrolment_page(page: Page, world, axe_check):
    admin = world["admin"]
    sign_in(page, admin.email)
    greeted(page, admin.name)
    page.goto("/admin/parametres")
    page.get_by_label(re.compile("Double authentification obligatoire")).check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    expect(page.get_by_text("activez-la pour continuer")).to_be_visible()
    page.goto("/sessions")  # any other page leads back here
    expect(page).to_have_url(re.compile("/compte/double-authentification$"))
    enrol(page, axe_check, via_account=False)
    page.goto("/sessions")
    expect(page).to_have_url(re.compile("/sessions$"))


class TestUnderThePolicy:
    """The other test bypasses the Content-Security-Policy to inject axe-core: here it is
    enforced, and the inline SVG QR code and the codes page must not break it."""

    @pytest.fixture
    def browser_context_args(self, base_url: str) -> dict:
        return {"base_url": base_url, "bypass_csp": False, "locale": "fr-FR"}

    def test_enrolment_runs_under_the_policy(self, page: Page, world):
        violations = record_violations(page)
        trainee = world["stagiaire"]
        sign_in(page, trainee.email)
        greeted(page, trainee.name)
        page.goto("/compte/double-authentification")
        page.get_by_role("button", name="Activer la double authentification").click()
        expect(page.get_by_role("img", name=re.compile("QR code à scanner"))).to_be_visible()
        secret = page.locator("#second-factor-secret").inner_text().replace(" ", "")
        page.get_by_label("Code à 6 chiffres affiché par l'application").fill(
            pyotp.TOTP(secret).now()
        )
        page.get_by_role("button", name="Activer", exact=True).click()
        expect(page.locator("#recovery-codes code")).to_have_count(10)
        assert violations == [], "\n".join(violations)
