"""Quick entry with a name close to a directory structure: chosen with the keyboard."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def test_quick_entry_candidate_chosen_with_the_keyboard(
    page: Page, world, make_structure, axe_check
):
    make_structure(name="CCAS de Fleury-les-Aubrais", commune="Fleury-les-Aubrais")
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/cartes/{world['map'].id}/import")
    quick = page.locator("form", has=page.locator("textarea[name=lines]"))
    quick.locator("textarea[name=lines]").fill("CCAS Fleury → CAF Loiret, niveau 3")
    quick.get_by_role("button", name="Voir l'aperçu").click()
    question = page.get_by_role("group", name="« CCAS Fleury » : quelle structure ?")
    expect(question).to_be_visible()
    axe_check(page)
    candidate = question.get_by_role("radio", name="CCAS de Fleury-les-Aubrais", exact=False)
    create = question.get_by_role("radio", name="Créer une nouvelle structure « CCAS Fleury »")
    expect(candidate).not_to_be_checked()
    expect(create).not_to_be_checked()
    candidate.focus()
    page.keyboard.press("Space")
    expect(candidate).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Confirmer l'import")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Import terminé : 1 lien, 0 structure ajoutée")).to_be_visible()
