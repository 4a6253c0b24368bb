"""In a real browser, with the Content-Security-Policy enforced (the other browser tests bypass
it to inject axe-core): no page breaks the policy, and a shared computer keeps no draft."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.test_actions import Scene


@pytest.fixture
def browser_context_args(base_url: str) -> dict:
    return {"base_url": base_url, "bypass_csp": False, "locale": "fr-FR"}


def record_violations(page: Page) -> list[str]:
    """Every CSP violation the browser reports, as 'directive: blocked URI'."""
    violations: list[str] = []
    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "window.reportViolation(e.violatedDirective + ': ' + e.blockedURI));"
    )
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and violations.append(message.text)
        ),
    )
    return violations


def test_the_pages_run_under_the_policy(page: Page, world):
    scene = Scene(world)
    presentation, initiative = scene.presentation(), scene.initiative()
    violations = record_violations(page)
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    pages = {
        f"/cartes/{world['map'].id}": "#graph[data-ready='true']",
        f"/cartes/{world['map'].id}/analyse": "h1",
        f"/groupes/{world['group'].id}/analyse": "h1",
        f"/groupes/{world['group'].id}/rapport": "h1",
        f"/groupes/{world['group'].id}": "h1",
        f"/groupes/{world['group'].id}/tableau-de-bord": "h1",
        f"/initiatives/{initiative.id}": "h1",
        f"/presentations/{presentation.id}": "h1",
        f"/presentations/{presentation.id}/diaporama": "section",
        f"/presentations/{presentation.id}/orateur": "h1",
        "/territoire?departement=45": "h1",
        "/annuaire": "h1",
    }
    for path, ready in pages.items():
        page.goto(path)
        expect(page.locator(ready).first).to_be_visible()
    page.goto(f"/cartes/{world['map'].id}")
    page.get_by_role("button", name="Se déconnecter").click()  # an htmx-boosted form
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    assert violations == [], "\n".join(violations)


def test_sign_out_leaves_no_draft_in_the_browser(page: Page, world):
    violations = record_violations(page)
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto("/initiatives/nouvelle")
    page.get_by_label("Titre").fill("Maraude du jeudi soir")
    key = f"allervers-draft-{world['stagiaire'].id}-initiative-nouvelle"
    page.wait_for_function(f"window.localStorage.getItem('{key}') !== null")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    drafts = page.evaluate(
        "Object.keys(window.localStorage).filter(k => k.startsWith('allervers-draft-'))"
    )
    assert drafts == []
    assert violations == [], "\n".join(violations)
