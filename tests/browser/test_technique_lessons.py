"""A technique's page in the browser: what the initiatives say is readable on a phone (nothing
scrolls sideways), passes axe-core, and « voir tout » pages through every initiative with htmx
and, the same pages, without JavaScript."""

from datetime import date

from playwright.sync_api import Browser, Page, expect

from allervers.initiatives import services
from tests.browser.conftest import sign_in

LONG = "Un passage régulier, annoncé aux commerçants, au même endroit chaque semaine. " * 8


def shared_initiatives(world, count: int) -> None:
    for number in range(count):
        initiative = services.create_initiative(
            world["formateur_autre"],
            {
                "title": f"Maraude au long titre qui ne tient pas sur une ligne n° {number:02d}",
                "visibility": "base",
                "consent": True,
                "structure_id": world["structure"].id,
                "techniques": ["maraude"],
                "success_conditions": f"Cas {number:02d}. {LONG}",
                "difficulties": f"Frein {number:02d} : l'hiver.",
                "lessons": f"Leçon {number:02d}.",
            },
        )
        services.add_effect(
            initiative,
            {
                "dimension": "personnes",
                "indicator_code": "rencontrees",
                "value": 12.0,
                "comment": "Beaucoup de passage au marché, surtout des personnes âgées.",
                "observed_on": date(2026, 10, 1 + number),
            },
            world["formateur_autre"],
        )


def goto_technique(page: Page, world, path: str) -> None:
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(path)


def test_phone_reads_the_technique_page_without_sideways_scroll(
    browser: Browser, base_url, world, axe_check
):
    shared_initiatives(world, 4)
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    page = context.new_page()
    goto_technique(page, world, "/techniques/maraude")
    expect(page.get_by_role("heading", level=2, name="Ce qui a fait réussir")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Ce qui a freiné")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Enseignements")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Effets observés")).to_be_visible()
    expect(page.locator(".technique-quotes").first.locator("blockquote")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
    context.close()


def test_voir_tout_pages_with_htmx_and_keeps_the_address(page: Page, world, axe_check):
    shared_initiatives(world, 12)
    goto_technique(page, world, "/techniques/maraude")
    page.get_by_role("link", name="Voir tout (12 initiatives) : ce qui a fait réussir").click()
    expect(page).to_have_url("/techniques/maraude/reussite")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ce qui a fait réussir")
    expect(page.locator("#technique-quotes blockquote")).to_have_count(10)
    axe_check(page)
    page.locator("#technique-quotes").get_by_role("link", name="2", exact=True).click()
    expect(page.locator("#technique-quotes blockquote")).to_have_count(2)
    expect(page).to_have_url("/techniques/maraude/reussite?page=2")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ce qui a fait réussir")


def test_voir_tout_works_without_javascript(browser: Browser, base_url, world):
    shared_initiatives(world, 12)
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    goto_technique(page, world, "/techniques/maraude")
    page.get_by_role("link", name="Voir tout (12 initiatives) : ce qui a freiné").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ce qui a freiné")
    page.get_by_role("link", name="Suivante →").click()
    expect(page.locator("#technique-quotes blockquote")).to_have_count(2)
    context.close()
