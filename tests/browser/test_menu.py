"""The grouped menu: keyboard disclosures on wide screens, one « Menu » on a phone, no sideways
scroll, and the home page's next step after joining."""

from playwright.sync_api import Browser, expect

from tests.browser.conftest import sign_in


def test_wide_menu_opens_from_the_keyboard(page, world, axe_check):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    menu = page.locator(".nav-wide")
    summary = menu.locator("summary", has_text="Initiatives")
    summary.focus()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("link", name="Techniques")).to_be_visible()
    # Opening another group closes the first; Escape closes and keeps the focus on its summary.
    menu.locator("summary", has_text="Suivi").click()
    expect(menu.get_by_role("link", name="Techniques")).to_be_hidden()
    expect(menu.get_by_role("link", name="Plan d'action")).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu.get_by_role("link", name="Plan d'action")).to_be_hidden()
    expect(menu.locator("summary", has_text="Suivi")).to_be_focused()
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Techniques")
    expect(menu.locator('summary[aria-current="true"]')).to_have_text("Initiatives")
    axe_check(page)


def test_phone_menu_collapses_and_nothing_scrolls_sideways(browser: Browser, base_url, world,
                                                            axe_check):  # fmt: skip
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844},
                                  bypass_csp=True)  # fmt: skip
    page = context.new_page()
    sign_in(page, world["admin"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator(".nav-wide")).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Utilisateurs")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
    page.get_by_role("link", name="Journal de pratique").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Journal")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_without_javascript_the_menu_still_opens(browser: Browser, base_url, world):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, world["stagiaire"].email)
    page.locator(".nav-wide summary", has_text="Suivi").click()
    page.locator(".nav-wide").get_by_role("link", name="Plan d'action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan d'action")
    context.close()
