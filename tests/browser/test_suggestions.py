"""Acting on suggested partners in a browser, at the keyboard: dismiss, undo, wished link,
action-plan item; the page stays accessible (axe-core) after each swap."""

from playwright.sync_api import Page, expect

from tests.analysis.conftest import grocery, neighbour  # noqa: F401 - fixtures
from tests.browser.conftest import sign_in


def test_suggestions_at_the_keyboard(page: Page, world, neighbour, grocery, axe_check):  # noqa: F811
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/cartes/{world['map'].id}/analyse")
    section = page.locator("#suggestions")
    mission = section.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Mission locale de l'Orléanais")
    )
    expect(mission).to_contain_text("Coopère déjà avec CAF du Loiret")
    expect(mission).to_contain_text("4 points : 1 partenaire commun (+1)")
    axe_check(page)

    # Écarter, at the keyboard: the message says so and its « Annuler » takes the focus.
    mission.get_by_role("button", name="Écarter").focus()
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Suggestion écartée : Mission locale de l'Orléanais.")
    expect(section.get_by_role("heading", name="Mission locale de l'Orléanais")).to_have_count(0)
    expect(section.get_by_role("heading", name="Suggestions écartées")).to_be_visible()
    undo = status.get_by_role("button", name="Annuler")
    expect(undo).to_be_focused()
    axe_check(page)
    page.keyboard.press("Enter")
    expect(status).to_contain_text("Suggestion rétablie : Mission locale de l'Orléanais.")
    expect(mission).to_be_visible()
    expect(section.get_by_role("heading", name="Suggestions écartées")).to_have_count(0)

    # Ajouter en lien souhaité: the suggestion leaves the list, the focus stays in the section.
    mission.get_by_role("button", name="Ajouter en lien souhaité").focus()
    page.keyboard.press("Enter")
    expect(status).to_contain_text(
        "Lien souhaité ajouté : CCAS d'Orléans – Mission locale de l'Orléanais."
    )
    expect(mission).to_have_count(0)
    expect(page.locator("#suggestions-title")).to_be_focused()
    axe_check(page)

    # Ajouter au plan d'action: marked on the suggestion, and the message links to the action.
    epicerie = section.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Épicerie solidaire de Gien")
    )
    epicerie.get_by_role("button", name="Ajouter au plan d'action").click()
    expect(status).to_contain_text("Action ajoutée au plan : Prendre contact avec Épicerie")
    expect(epicerie).to_contain_text("dans le plan d'action")
    axe_check(page)
    status.get_by_role("button", name="Voir l'action").click()  # a link styled as a button
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Prendre contact avec Épicerie solidaire de Gien. Accompagne les mêmes publics : jeunes"
    )
