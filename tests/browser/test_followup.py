"""Following the training in a browser: a trainee answers the start questionnaire; the trainer
opens the dashboard, records attendance and prints the session report."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

PRINT_PREVIEW = "/tmp/report-print.png"


def test_questionnaire_dashboard_attendance_report(page: Page, world, axe_check):
    group = world["group"]
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/groupes/{group.id}")
    page.get_by_role("link", name="Début de formation").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Début de formation")
    axe_check(page)
    statements = page.locator("fieldset.assessment-statement")
    count = statements.count()
    assert count >= 8
    for index in range(count):
        statements.nth(index).get_by_label("Je sais un peu faire").check()
    page.get_by_role("button", name="Enregistrer mes réponses").click()
    expect(page.get_by_role("status")).to_contain_text("enregistr")
    # Submitted: a summary by objective replaces the form, printable, with a way to revise.
    expect(page.locator("fieldset.assessment-statement")).to_have_count(0)
    summary = page.locator(".assessment-levels dd")
    expect(summary).to_have_count(count)
    expect(summary.first).to_contain_text("Je sais un peu faire (niveau 2 sur 4)")
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Modifier mes réponses").click()
    expect(page.locator("fieldset.assessment-statement")).to_have_count(count)
    page.goto(f"/groupes/{group.id}/auto-positionnement")
    expect(page.locator("main")).to_contain_text("Je sais un peu faire")
    axe_check(page)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")

    sign_in(page, world["formateur"].email, go=False)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/groupes/{group.id}")
    page.get_by_role("button", name="Tableau de bord").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord")
    row = page.get_by_role("row", name=world["stagiaire"].name)
    expect(row).to_contain_text("Début ✓")
    axe_check(page)

    page.get_by_role("link", name="Émargement").click()
    for day in (1, 2):
        for half in ("matin", "apres_midi"):
            page.locator(f"#present-{world['stagiaire'].id}-{day}-{half}").check()
    page.get_by_role("button", name="Enregistrer l'émargement").click()
    expect(page.get_by_role("status")).to_contain_text("Émargement enregistré.")
    expect(page.get_by_role("row", name=world["stagiaire"].name)).to_contain_text("14 h")
    axe_check(page)

    page.goto(f"/groupes/{group.id}/rapport")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport de session")
    expect(page.get_by_role("row", name=world["stagiaire"].name)).to_contain_text("14 h")
    axe_check(page)
    page.emulate_media(media="print")
    expect(page.locator("nav.breadcrumb")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer ou enregistrer en PDF")).to_be_hidden()
    page.screenshot(path=PRINT_PREVIEW, full_page=True)
