"""The new-password field in a real browser: the strength meter as one types, the
« Afficher le mot de passe » toggle by keyboard, and closing a session on « Mes sessions »."""

from playwright.sync_api import Page, expect

from allervers.auth import services as accounts
from tests.browser.conftest import sign_in


def test_the_meter_follows_the_typing_and_the_toggle_shows_the_password(
    page: Page, world, axe_check
):
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto("/compte/mot-de-passe")
    new = page.get_by_role("textbox", name="Nouveau mot de passe", exact=True)
    meter = page.locator("#new-force")

    new.press_sequentially("password1234")
    expect(meter).to_contain_text("très faible")
    expect(meter).to_contain_text("C'est un mot de passe très courant.")
    expect(meter.locator("meter")).to_have_attribute("value", "1")
    new.fill("")
    new.press_sequentially("soleil levant sur la loire")
    expect(meter).to_contain_text("Ce mot de passe convient.")
    expect(meter.locator("meter")).to_have_attribute("value", "4")

    toggle = page.get_by_role("button", name="Afficher le mot de passe")
    expect(new).to_have_attribute("type", "password")
    new.focus()
    page.keyboard.press("Tab")  # the toggle comes right after its field
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(new).to_have_attribute("type", "text")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")
    expect(new).to_have_attribute("type", "password")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    axe_check(page)


def test_closing_another_session_in_place(page: Page, world, axe_check):
    user = world["stagiaire"]
    accounts.open_session(user, "192.0.2.7", "Mozilla/5.0 (iPhone) Safari/604.1")
    sign_in(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto("/compte")
    page.get_by_role("link", name="Mes sessions").click()
    expect(page.get_by_role("heading", name="2 sessions ouvertes")).to_be_visible()
    expect(page.get_by_text("cette session")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Fermer la session Safari sur iOS").click()
    expect(page.get_by_role("heading", name="1 session ouverte")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("La session est fermée")
    expect(page.get_by_text("Safari sur iOS")).to_have_count(0)


def test_a_refused_meter_request_shows_no_error_message(page: Page, world):
    """A meter request refused (a CSRF token gone stale as the form is sent) says nothing:
    the form's own check speaks on submit; a global error after joining would alarm."""
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto("/compte/mot-de-passe")
    page.evaluate("document.querySelector('meta[name=csrf-token]').content = 'perime'")
    with page.expect_response("**/mot-de-passe/force") as answer:
        page.get_by_role("textbox", name="Nouveau mot de passe", exact=True).fill("soleil levant")
    assert answer.value.status == 400
    page.wait_for_timeout(200)  # htmx handles the answer after the response event
    expect(page.locator("#messages .message-error")).to_have_count(0)
