"""The group page through a real browser: sign-in, dashboard link, invitation code, axe-core."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in

SCREENSHOT = "/tmp/group_page.png"


def test_trainee_reaches_their_group_from_the_dashboard(page: Page, world, axe_check):
    trainee = world["stagiaire"]

    page.goto("/connexion")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    axe_check(page)

    sign_in(page, trainee.email)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {trainee.name}")
    axe_check(page)

    page.get_by_role("link", name="Groupe 1 Orléans").click()
    expect(page).to_have_url(re.compile(rf"/groupes/{world['group'].id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Groupe 1 Orléans")
    trainees = page.get_by_role("region", name=re.compile(r"^Stagiaires")).get_by_role("table")
    expect(trainees.get_by_role("rowheader", name=trainee.name)).to_be_visible()
    # A trainee does not manage the group: no invitation code, no other group's people.
    expect(page.get_by_role("heading", name="Code d'invitation")).to_have_count(0)
    expect(page.get_by_text(world["stagiaire_autre"].name)).to_have_count(0)
    axe_check(page)
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_trainer_creates_a_new_invitation_code_without_reloading(page: Page, world, axe_check):
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {world['formateur'].name}")
    page.goto(f"/groupes/{world['group'].id}")

    invitation = page.get_by_role("region", name="Code d'invitation")
    code = invitation.get_by_label("Code d'invitation")
    expect(code).to_have_text("ORL-AAA-111")
    axe_check(page)

    # Set on this document: a full page load would lose it, an htmx swap keeps it.
    page.evaluate("() => { window.sansRechargement = true; }")
    invitation.get_by_role("button", name="Créer un nouveau code").click()

    expect(code).not_to_have_text("ORL-AAA-111")
    expect(code).to_have_text(re.compile(r"^ORL-[0-9A-Z]{3}-[0-9A-Z]{3}$"))
    assert page.evaluate("() => window.sansRechargement") is True
    expect(page.locator("#invitation")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Groupe 1 Orléans")
    axe_check(page)


def test_new_code_is_announced_in_the_messages(page: Page, world):
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {world['formateur'].name}")
    page.goto(f"/groupes/{world['group'].id}")

    page.get_by_role("button", name="Créer un nouveau code").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Un nouveau code a été créé ; l'ancien ne fonctionne plus.", timeout=2000
    )


def test_wrong_password_shows_the_french_error(page: Page, world, axe_check):
    sign_in(page, world["stagiaire"].email, "pas-le-bon-mot-de-passe")

    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/connexion$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    password = page.get_by_label("Mot de passe")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(
        re.compile("Adresse e-mail ou mot de passe incorrect.")
    )
    expect(page.get_by_label("Adresse e-mail")).to_have_value(world["stagiaire"].email)
    axe_check(page)
