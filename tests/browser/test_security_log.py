"""The security log in a real browser: filtering swaps the results and keeps the filter in
the address bar (a shareable link), without reloading; axe-core on the page."""

import re

from playwright.sync_api import Page, expect

from allervers.auth import security_log
from allervers.extensions import db
from tests.browser.conftest import sign_in


def test_filtering_the_log_updates_the_list_and_the_address(page: Page, world, axe_check):
    security_log.record("lockout", email="cible@exemple.fr", address="203.0.113.5")
    db.session.commit()
    sign_in(page, world["admin"].email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {world['admin'].name}")
    page.goto("/admin/journal")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal de sécurité")
    results = page.locator("#journal-list")
    expect(results.get_by_role("rowheader", name="Connexion")).to_be_visible()
    axe_check(page)
    page.evaluate("() => { window.sansRechargement = true; }")
    page.get_by_label("Type d'événement").select_option(label="Compte bloqué (trop d'échecs)")
    expect(results.get_by_role("rowheader", name="Connexion")).to_have_count(0)
    expect(results.get_by_text("cible@exemple.fr")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/journal\?type=lockout"))
    page.get_by_label("Adresse réseau").fill("198.51.")
    expect(results.get_by_text("Aucun événement ne correspond")).to_be_visible()
    assert page.evaluate("() => window.sansRechargement") is True
    axe_check(page)
