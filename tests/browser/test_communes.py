"""The structure form's commune combobox in a real browser, with the keyboard only: type a few
letters, arrow down to the commune, Enter chooses it (postal code and INSEE code filled), Enter
again saves. axe-core on the form with its list open."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from allervers.directory.models import Structure
from allervers.extensions import db
from tests.browser.conftest import sign_in


def test_choose_a_commune_with_the_keyboard_only(page: Page, world, axe_check):
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto("/annuaire/nouvelle")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Épicerie sociale de Fleury")
    page.get_by_label("Typologie").select_option("ES")
    commune = page.get_by_role("combobox", name="Commune")
    commune.focus()
    page.keyboard.type("fleury aub", delay=30)
    listbox = page.get_by_role("listbox", name="Communes correspondantes")
    option = listbox.get_by_role("option", name="Fleury-les-Aubrais 45400 · 45")
    expect(option).to_be_visible()
    expect(commune).to_have_attribute("aria-expanded", "true")
    axe_check(page)
    page.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(commune).to_have_attribute("aria-activedescendant", "commune-option-45147")
    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    expect(commune).to_have_value("Fleury-les-Aubrais")
    expect(commune).to_be_focused()
    expect(page.get_by_label("Code postal")).to_have_value("45400")
    expect(page.locator("#commune-insee")).to_have_text("Code INSEE 45147 · Orléans Métropole")
    page.keyboard.press("Enter")  # the list is closed: Enter sends the form
    expect(page.get_by_role("heading", level=1)).to_have_text("Épicerie sociale de Fleury")
    structure = db.session.scalar(
        select(Structure).where(Structure.name == "Épicerie sociale de Fleury")
    )
    assert (structure.commune, structure.postal_code, structure.insee_code) == (
        "Fleury-les-Aubrais", "45400", "45147"
    )  # fmt: skip


def test_escape_closes_the_list_and_typing_again_forgets_the_code(page: Page, world):
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto("/annuaire/nouvelle")
    commune = page.get_by_role("combobox", name="Commune")
    commune.focus()
    page.keyboard.type("45250", delay=30)
    listbox = page.get_by_role("listbox", name="Communes correspondantes")
    expect(listbox.get_by_role("option")).to_have_count(5)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(commune).to_have_value("Ouzouer-sur-Trézée")
    expect(page.locator("[data-commune-insee]")).to_have_value("45245")
    page.keyboard.type("x")
    expect(page.locator("[data-commune-insee]")).to_have_value("")
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()


def test_the_search_page_never_scrolls_sideways(page: Page, world, axe_check):
    """The results table (six columns) scrolls in its own box on a phone and a tablet."""
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    for width in (1366, 820, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/communes?q=orl")
        expect(page.get_by_role("row", name="Orléans")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe_check(page)
