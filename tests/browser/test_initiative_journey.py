"""The initiatives end to end: a trainee writes one, records two effects and shares it with her
group; the formateur finds it by searching, adds it to a presentation and projects it."""

import re

from playwright.sync_api import Page, expect

from allervers.initiatives import presentations
from tests.browser.conftest import sign_in

SCREENSHOTS = "/tmp/journey-{}.png"


def record_effect(page: Page, day: str, dimension: str, indicator: str, value: str) -> None:
    page.get_by_text("Noter un effet observé").click()
    page.get_by_label("Date de l'observation").fill(day)
    page.get_by_role("radio", name=dimension).check()
    page.get_by_label("Indicateur", exact=True).select_option(
        label=f"{dimension} – {indicator} (personnes)"
    )
    page.get_by_label("Valeur (si elle se compte)").fill(value)
    page.get_by_role("button", name="Enregistrer l'effet").click()
    expect(page.get_by_role("status")).to_contain_text("Effet enregistré.")


def test_write_share_find_present(page: Page, world, axe_check):
    presentations.create_presentation(world["formateur"], "Cas du jour", world["group"])
    # The trainee writes her initiative, in steps.
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.locator(".nav-wide").get_by_text("Initiatives", exact=True).click()  # the menu group
    page.get_by_role("link", name="Base des initiatives").click()
    axe_check(page)
    page.get_by_role("button", name="Décrire une initiative").click()
    page.get_by_label("Titre *").fill("Un café-rencontre au marché de l'Argonne")
    page.get_by_label("Résumé").fill(
        "Chaque mercredi, un café offert au marché pour parler droits."
    )
    page.get_by_label("Structure porteuse *").select_option(label="CCAS d'Orléans (Orléans)")
    page.get_by_label("En cours").check()
    page.get_by_label("Présence dans les lieux du quotidien").check()
    page.get_by_label("Personnes âgées isolées").check()
    page.get_by_label("Enseignements").fill("Le café fait venir ceux qui n'osent pas demander.")
    page.get_by_label("Mon groupe").check()
    page.get_by_label("Groupe", exact=True).select_option(label="Groupe 1 Orléans")
    page.screenshot(path=SCREENSHOTS.format("form"), full_page=True)
    page.get_by_role("button", name="Enregistrer l'initiative").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Un café-rencontre au marché de l'Argonne"
    )
    # Two effects, then the page shows their chart.
    record_effect(page, "2026-10-07", "Personnes concernées", "Personnes rencontrées", "9")
    record_effect(page, "2026-11-04", "Personnes concernées", "Personnes rencontrées", "16")
    expect(page.locator(".chart canvas")).to_have_attribute(
        "aria-label", "Personnes rencontrées : 9 le 07/10/2026, 16 le 04/11/2026"
    )
    expect(page.locator(".chart canvas")).to_be_visible()  # drawn after an htmx swap too
    page.screenshot(path=SCREENSHOTS.format("initiative"), full_page=True)
    axe_check(page)
    page.get_by_role("link", name="Présence dans les lieux du quotidien").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Présence dans les lieux")
    expect(page.locator("main")).to_contain_text("Un café-rencontre au marché de l'Argonne")
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")

    # The formateur finds it by searching, without accents, and adds it to his presentation.
    sign_in(page, world["formateur"].email, go=False)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto("/initiatives")
    page.get_by_label("Rechercher (titre, résumé, récit)").fill("cafe marche")
    result = page.locator("#results").get_by_role("link", name="Un café-rencontre au marché")
    expect(result).to_be_visible()
    result.click()
    page.get_by_role("button", name="Ajouter « Un café-rencontre au marché de l'Argonne »").click()
    expect(page.locator(".add-to-presentation")).to_contain_text("Dans la présentation")
    page.get_by_role("link", name="« Cas du jour »").click()
    expect(page.locator("main")).to_contain_text("Un café-rencontre au marché de l'Argonne")

    # The slideshow, with the keyboard only.
    page.get_by_role("button", name="Lancer le diaporama").click()
    # The counter is in the HTML before slides.js runs: wait for the script, not the text,
    # or the first key press can land before its listener exists.
    expect(page.locator("html")).to_have_class(re.compile(r"\bslides-js\b"))
    counter = page.locator("[data-slides-counter]")
    expect(counter).to_have_text("1 / 2")
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("2 / 2")
    slide = page.locator("section.slide:visible")
    expect(slide).to_contain_text("Un café-rencontre au marché de l'Argonne")
    expect(slide).to_contain_text("Présence dans les lieux du quotidien")
    expect(slide).to_contain_text("16")
    page.screenshot(path=SCREENSHOTS.format("slide"))
    axe_check(page)
    page.keyboard.press("Home")
    expect(counter).to_have_text("1 / 2")
    page.keyboard.press("End")
    expect(counter).to_have_text("2 / 2")
    page.keyboard.press("Escape")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cas du jour")
