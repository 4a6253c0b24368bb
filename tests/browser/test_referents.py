"""Becoming a structure's référent through a real browser: the request from « Mon compte »,
the approval by the structure's référent without reloading, axe-core on both pages."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in


def test_a_request_is_sent_then_approved_without_reloading(page: Page, world, make_user, axe_check):
    newcomer = make_user("referent", structure_id=world["structure"].id, name="Nina Nouvelle")
    sign_in(page, newcomer.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {newcomer.name}")
    page.goto("/compte")
    referent = page.get_by_role("region", name="Référent de structure")
    referent.get_by_role("button", name="Demander à être référent de « CCAS d'Orléans »").click()
    expect(page.get_by_text("Demande envoyée, en attente de validation").first).to_be_visible()
    expect(referent.get_by_role("button", name="Retirer ma demande")).to_be_visible()
    axe_check(page)
    page.context.clear_cookies()

    sign_in(page, world["referent"].email)  # granted CCAS d'Orléans: decides its requests
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {world['referent'].name}")
    page.goto("/annuaire/demandes-referents")
    requests = page.get_by_role("region", name="En attente de validation")
    expect(requests.get_by_role("rowheader", name=re.compile("Nina Nouvelle"))).to_be_visible()
    axe_check(page)
    page.evaluate("() => { window.sansRechargement = true; }")
    requests.get_by_role("button", name="Valider la demande de Nina Nouvelle").click()
    expect(requests.get_by_text("Aucune demande en attente.")).to_be_visible()
    # the button is gone with the redrawn list: the keyboard starts again from its heading
    expect(requests.get_by_role("heading", name="En attente de validation")).to_be_focused()
    expect(page.get_by_text("Nina Nouvelle est désormais référent")).to_be_visible()
    assert page.evaluate("() => window.sansRechargement") is True
    axe_check(page)
