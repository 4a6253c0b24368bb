"""A phone number typed by mistake in a private initiative: the trainee takes it out while
sharing the initiative, and erases it from the history straight from the save message."""

from playwright.sync_api import Page, expect

from allervers.initiatives import services as initiatives
from tests.browser.conftest import sign_in

PHONE = "06 12 34 56 78"


def test_share_then_erase_the_old_value(page: Page, world, axe_check):
    initiative = initiatives.create_initiative(
        world["stagiaire"],
        {
            "title": "Permanence au marché du samedi",
            "summary": f"Madame appelle le {PHONE} chaque lundi.",
            "status": "en_cours",
            "visibility": "privee",
            "structure_id": world["structure"].id,
            "techniques": ["lieux-de-vie"],
        },
    )
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/initiatives/{initiative.id}/modifier")
    page.get_by_label("Résumé").fill("Une table au marché, chaque samedi.")
    page.get_by_label("Base partagée (tous les utilisateurs)").check()
    page.get_by_label("Je confirme que le texte n'identifie aucune personne").check()
    page.get_by_role("button", name="Enregistrer l'initiative").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("L'initiative a été enregistrée.")
    expect(status).to_contain_text("semble contenir un numéro de téléphone")
    axe_check(page)
    status.get_by_role("button", name="Effacer aussi l'ancienne valeur de l'historique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Effacer les anciennes valeurs de cette entrée ?"
    )
    expect(page.locator("main")).to_contain_text(PHONE)
    axe_check(page)
    page.get_by_role("button", name="Effacer définitivement").click()
    expect(page.get_by_role("status")).to_contain_text("Les anciennes valeurs ont été effacées")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Historique")
    expect(page.locator("main")).to_contain_text("valeur effacée")
    expect(page.locator("main")).not_to_contain_text(PHONE)
    axe_check(page)
