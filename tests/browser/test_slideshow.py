"""A formateur prepares a presentation and projects it: ordering, notes, slideshow, speaker view."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from allervers.initiatives import presentations, services
from tests.browser.conftest import sign_in

SCREENSHOT = "/tmp/slide.png"
SPEAKER_SCREENSHOT = "/tmp/speaker.png"
COVER_SCREENSHOT = "/tmp/slide_cover.png"
PAGE_SCREENSHOT = "/tmp/presentation_page.png"
FORM_SCREENSHOT = "/tmp/presentation_form.png"


@pytest.fixture
def presentation(world):
    """Two cases of the shared base, the first one with partners and effects."""
    author = world["stagiaire"]
    first = services.create_initiative(
        author,
        {
            "title": "Maraude en camping-car dans le Giennois",
            "summary": (
                "Une équipe du CCAS et de la CAF sillonne chaque mardi les hameaux du Giennois "
                "pour rencontrer les personnes âgées isolées et ouvrir leurs droits sur place."
            ),
            "status": "en_cours",
            "visibility": "base",
            "consent": True,
            "structure_id": world["structure"].id,
            "communes": "Gien, Briare",
            "techniques": ["maraude", "permanence-delocalisee"],
            "publics": ["personnes-agees", "sans-domicile"],
        },
    )
    services.add_partner(first, world["partner"], "Ouverture des droits sur place")
    for day, value in ((1, 18.0), (15, 24.0)):
        effect = {"dimension": "personnes", "indicator_code": "rencontrees", "value": value}
        services.add_effect(first, {**effect, "observed_on": date(2026, 9, day)}, author)
    services.add_effect(
        first,
        {
            "dimension": "organisations",
            "indicator_label": "Convention signée avec la mairie de Briare",
            "observed_on": date(2026, 10, 2),
        },
        author,
    )
    second = services.create_initiative(
        author,
        {"title": "Permanence au marché du samedi", "visibility": "base", "consent": True},
    )
    made = presentations.create_presentation(
        world["formateur"], "Séance 2 : deux cas ruraux", world["group"]
    )
    presentations.add_item(made, first)
    presentations.add_item(made, second)
    presentations.save_notes(made, made.items[0], "Commencer par la carte des hameaux.")
    return made


def wait_for_slides_script(page: Page) -> None:
    """The counter is in the HTML before slides.js runs: a key pressed earlier is lost."""
    expect(page.locator("html")).to_have_class(re.compile(r"\bslides-js\b"))


def counter(page: Page):
    return page.locator("[data-slides-counter]")


def current_slide(page: Page):
    return page.locator("section.slide:visible")


def test_formateur_orders_and_projects_a_presentation(page: Page, world, presentation, axe_check):
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/presentations/{presentation.id}")
    titles = page.locator(".presentation-items h3")
    expect(titles).to_have_text(
        ["Maraude en camping-car dans le Giennois", "Permanence au marché du samedi"]
    )
    page.screenshot(path=PAGE_SCREENSHOT, full_page=True)
    axe_check(page)

    # Reordering goes through htmx: no reload, and the focus stays on the pressed button.
    page.evaluate("window.sameDocument = true")
    first_id = presentation.items[0].id
    page.locator(f"#descendre-{first_id}").click()
    expect(titles).to_have_text(
        ["Permanence au marché du samedi", "Maraude en camping-car dans le Giennois"]
    )
    expect(page.locator(f"#descendre-{first_id}")).to_be_focused()
    # What is typed in a note survives a move of another item, then is saved on its own.
    notes = page.locator(f"#element-{first_id}-notes")
    notes.fill("Commencer par la carte des hameaux.\nPuis la convention.")
    page.locator(f"#monter-{first_id}").click()
    expect(titles).to_have_text(
        ["Maraude en camping-car dans le Giennois", "Permanence au marché du samedi"]
    )
    expect(notes).to_have_value("Commencer par la carte des hameaux.\nPuis la convention.")
    page.locator(f"#notes-{first_id}").get_by_role("button", name="Enregistrer les notes").click()
    expect(page.get_by_role("status").first).to_contain_text("enregistrées")
    assert page.evaluate("window.sameDocument") is True

    # The slideshow: a title slide, then one slide per initiative.
    page.get_by_role("button", name="Lancer le diaporama").click()
    expect(page).to_have_url(re.compile(rf"/presentations/{presentation.id}/diaporama"))
    wait_for_slides_script(page)
    expect(counter(page)).to_have_text("1 / 3")
    expect(current_slide(page)).to_have_count(1)
    expect(current_slide(page).get_by_role("heading", level=1)).to_have_text(
        "Séance 2 : deux cas ruraux"
    )
    page.screenshot(path=COVER_SCREENSHOT)
    axe_check(page)

    page.keyboard.press("ArrowRight")
    expect(counter(page)).to_have_text("2 / 3")
    slide = current_slide(page)
    expect(slide.get_by_role("heading", level=2)).to_have_text(
        "Maraude en camping-car dans le Giennois"
    )
    for shown in ("Maraude", "CAF du Loiret", "Ouverture des droits sur place", "24 personnes"):
        expect(slide).to_contain_text(shown)
    expect(page).to_have_url(re.compile(r"#diapo-2$"))
    page.wait_for_timeout(300)  # let the fonts settle before the picture
    page.screenshot(path=SCREENSHOT)
    axe_check(page)

    page.keyboard.press("End")
    expect(counter(page)).to_have_text("3 / 3")
    expect(current_slide(page).get_by_role("heading", level=2)).to_have_text(
        "Permanence au marché du samedi"
    )
    page.keyboard.press("ArrowRight")  # past the end: stays
    expect(counter(page)).to_have_text("3 / 3")
    page.keyboard.press("ArrowLeft")
    expect(counter(page)).to_have_text("2 / 3")
    page.keyboard.press("Home")
    expect(counter(page)).to_have_text("1 / 3")
    page.keyboard.press("Space")
    expect(counter(page)).to_have_text("2 / 3")
    page.keyboard.press("PageUp")
    expect(counter(page)).to_have_text("1 / 3")
    expect(page.get_by_role("button", name="Plein écran")).to_be_visible()

    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"/presentations/{presentation.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Séance 2 : deux cas ruraux")


def test_speaker_view_follows_and_drives_the_slideshow(page: Page, world, presentation, axe_check):
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/presentations/{presentation.id}/diaporama")
    wait_for_slides_script(page)
    expect(counter(page)).to_have_text("1 / 3")

    speaker = page.context.new_page()
    speaker.goto(f"/presentations/{presentation.id}/orateur")
    wait_for_slides_script(speaker)
    expect(counter(speaker)).to_have_text("1 / 3")
    expect(speaker.locator("[data-speaker-next]")).to_have_text(
        "Maraude en camping-car dans le Giennois"
    )

    page.bring_to_front()
    page.keyboard.press("ArrowRight")
    expect(counter(speaker)).to_have_text("2 / 3")
    notes = speaker.locator("article.slide:visible")
    expect(notes).to_contain_text("Commencer par la carte des hameaux.")
    expect(speaker.locator("[data-speaker-next]")).to_have_text("Permanence au marché du samedi")
    expect(speaker.locator("[data-speaker-link]")).to_contain_text("Diaporama ouvert")

    speaker.bring_to_front()
    speaker.keyboard.press("ArrowRight")
    expect(counter(page)).to_have_text("3 / 3")
    expect(speaker.locator("[data-speaker-next]")).to_have_text("Fin de la présentation")
    speaker.screenshot(path=SPEAKER_SCREENSHOT)
    axe_check(speaker)


def test_formateur_creates_a_presentation(page: Page, world, presentation, axe_check):
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto("/presentations")
    expect(page.get_by_role("rowheader", name="Séance 2 : deux cas ruraux")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Nouvelle présentation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle présentation")
    page.get_by_role("button", name="Enregistrer la présentation").click()
    expect(page.get_by_text("Donnez un titre à la présentation.")).to_be_visible()
    page.screenshot(path=FORM_SCREENSHOT, full_page=True)
    axe_check(page)
    page.get_by_label("Titre de la présentation").fill("Séance 3 : le numérique")
    page.get_by_role("button", name="Enregistrer la présentation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Séance 3 : le numérique")
    expect(page.get_by_role("status")).to_contain_text("La présentation est créée.")
    expect(page.get_by_text("Aucune initiative pour l'instant.")).to_be_visible()


def test_formateur_adds_an_initiative_from_its_page(page: Page, world, presentation, axe_check):
    third = services.create_initiative(
        world["stagiaire"],
        {"title": "Café des parents à la PMI", "visibility": "base", "consent": True},
    )
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/initiatives/{third.id}")
    page.evaluate("window.sameDocument = true")
    block = page.locator(".add-to-presentation")
    block.get_by_role("button", name=re.compile("Ajouter")).click()
    expect(block).to_contain_text("Dans la présentation « Séance 2 : deux cas ruraux »")
    expect(page.get_by_role("status").first).to_contain_text("est ajoutée à la présentation")
    assert page.evaluate("window.sameDocument") is True
    axe_check(page)
    block.get_by_role("link", name="« Séance 2 : deux cas ruraux »").click()
    expect(page.locator(".presentation-items h3")).to_have_count(3)
    expect(page.locator(".presentation-items h3").last).to_have_text("Café des parents à la PMI")
