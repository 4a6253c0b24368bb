"""What a person sees when their session ends while a page is open."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import update

from allervers.auth.models import UserSession
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from tests.browser.conftest import sign_in


def end_all_sessions() -> None:
    db.session.execute(update(UserSession).values(ended_at=utcnow()))
    db.session.commit()


def test_htmx_action_after_expiry_goes_to_sign_in_and_back(page: Page, world):
    group = world["group"]
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/groupes/{group.id}")
    expect(page.get_by_role("heading", name="Code d'invitation")).to_be_visible()

    end_all_sessions()  # e.g. the idle timeout passed during a long workshop break
    page.get_by_role("button", name="Créer un nouveau code").click()

    expect(page).to_have_url(re.compile(r"/connexion\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    sign_in(page, world["formateur"].email, go=False)
    # next= brings the person back to where they were, not to the POST-only action.
    expect(page).to_have_url(re.compile(rf"/groupes/{group.id}$"))
    db.session.refresh(group)
    assert group.current_code.code == "ORLAAA111"  # the refused action changed nothing


def test_boosted_link_after_expiry_shows_the_sign_in_page(page: Page, world):
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    end_all_sessions()
    page.get_by_role("link", name="Formation").click()  # the menu's link to /sessions
    expect(page).to_have_url(re.compile(r"/connexion\?next=/sessions"))
    expect(page.get_by_role("status")).to_contain_text("Connectez-vous pour accéder à cette page.")
