"""A formateur gives a trainee a reset link: copied with the button, opened in another
browser, a new password chosen there, and the trainee signs in with it."""

from playwright.sync_api import Browser, expect

from tests.browser.conftest import sign_in

NEW_PASSWORD = "une phrase de passe toute neuve"


def test_a_trainee_gets_a_new_password_from_the_formateur(
    browser: Browser, base_url, page, world, axe_check
):
    trainee = world["stagiaire"]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/groupes/{world['group'].id}")
    page.get_by_role("button", name=f"Lien de mot de passe pour {trainee.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lien de nouveau mot de passe")
    axe_check(page)
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.get_by_role("status").filter(has_text="Lien copié.")).to_be_visible()
    link = page.get_by_label("Lien à transmettre").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == link

    other = browser.new_context(base_url=base_url, bypass_csp=True, locale="fr-FR")
    trainee_page = other.new_page()
    trainee_page.goto(link)
    expect(trainee_page.get_by_role("heading", level=1)).to_have_text(
        "Choisir un nouveau mot de passe"
    )
    axe_check(trainee_page)
    trainee_page.get_by_label("Nouveau mot de passe", exact=False).first.fill(NEW_PASSWORD)
    trainee_page.get_by_label("Confirmez le nouveau mot de passe").fill(NEW_PASSWORD)
    trainee_page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(trainee_page.get_by_text("Votre mot de passe a été changé")).to_be_visible()
    sign_in(trainee_page, trainee.email, NEW_PASSWORD, go=False)
    expect(trainee_page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    trainee_page.goto(link)
    expect(trainee_page.get_by_role("heading", level=1)).to_have_text("Ce lien n'est plus valable")
    other.close()
