"""Projection mode in Chromium: axe-clean on the wall's widths, shortcuts, and the issue's
three screens (two trainees on the group map, the formateur's projection) kept in step live."""

import pytest
from playwright.sync_api import Browser, Page, expect

from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.training.models import Membership
from tests.browser.conftest import sign_in
from tests.browser.test_workshop import add_existing, add_link
from tests.helpers import post_form

LIVE_TIMEOUT = 4_000  # the feed is polled every second: 2 s and a margin


def add_structures(client_as, world, who, structures):
    for structure in structures:
        post_form(
            client_as(who),
            f"/cartes/{world['group_map'].id}/structures",
            {"structure_id": structure.id},
            htmx=True,
            token_from="/",
        )


def signed_in(page: Page, email: str) -> None:
    sign_in(page, email)
    page.wait_for_url(lambda url: "/connexion" not in url)


def open_projection(page: Page, world, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/cartes/{world['group_map'].id}/projection")
    expect(page.locator("#graph[data-ready=true]")).to_have_count(1)


def tour_ids(page: Page) -> list[str]:
    return page.evaluate(
        """() => document.getElementById('graph').cy.elements('.graph-tour').map(e =>
                 e.isNode() ? e.id() : [e.data('source'), e.data('target')].sort().join('-')
               ).sort()"""
    )


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_projection_is_accessible_and_answers_its_shortcuts(
    page: Page, client_as, world, axe_check, width, height
):
    add_structures(client_as, world, "stagiaire", [world["structure"], world["partner"]])
    signed_in(page, world["formateur"].email)
    open_projection(page, world, width, height)
    expect(page.locator(".proj-code")).to_have_text("ORL-AAA-111")
    expect(page.locator("[data-proj-count=structures]")).to_have_text("2")
    axe_check(page)
    state = page.locator("[data-proj-state]")
    expect(state).to_have_text("En direct")
    page.keyboard.press("p")
    expect(state).to_have_text("En pause")
    page.keyboard.press("p")
    expect(state).to_have_text("En direct")
    page.keyboard.press("t")
    caption = page.locator("[data-proj-caption]")
    expect(caption).to_have_text(
        f"Tour de table : {world['stagiaire'].name} — 2 structures, 0 lien"
    )
    expected = sorted([str(world["structure"].id), str(world["partner"].id)])
    assert tour_ids(page) == expected
    page.keyboard.press("Escape")
    expect(caption).not_to_contain_text("Tour de table :")
    assert tour_ids(page) == []
    # typing in the form does not fire the shortcuts
    page.locator("#proj-close summary").click()
    page.get_by_label("Nom de l'instantané").fill("tp")
    expect(state).to_have_text("En direct")
    axe_check(page)


def test_three_screens_follow_each_other_and_the_tour_names_each_contributor(
    browser: Browser, base_url, client_as, world, make_user, make_structure, axe_check
):
    group_map, group = world["group_map"], world["group"]
    second = make_user("stagiaire", name="Bertrand Second")
    group.memberships.append(Membership(user=second, role="stagiaire", joined_at=utcnow()))
    db.session.commit()
    mission = make_structure(name="Mission locale de l'Orléanais", typology="ML")
    add_structures(client_as, world, "stagiaire", [world["structure"], world["partner"]])
    screens = {}
    for who, email in (
        ("a", world["stagiaire"].email),
        ("b", second.email),
        ("wall", world["formateur"].email),
    ):
        context = browser.new_context(base_url=base_url, bypass_csp=True, locale="fr-FR")
        screens[who] = context.new_page()
        signed_in(screens[who], email)
    a, b, wall = screens["a"], screens["b"], screens["wall"]
    for page in (a, b):
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"/cartes/{group_map.id}")
        expect(page.locator("#graph[data-ready=true]")).to_have_count(1)
    open_projection(wall, world, 1920, 1080)
    # B starts typing a note in the link form, and leaves it half done
    b_form = b.locator("#link-form")
    b_form.locator("details.ws-more > summary").click()
    b_form.get_by_label("Note").fill("à revoir avec")
    # A links the two structures through the form
    add_link(a, world["structure"].name, world["partner"].name, "3")
    edges = "() => document.getElementById('graph').cy.edges().length"
    b.wait_for_function(f"({edges})() === 1", timeout=LIVE_TIMEOUT)
    wall.wait_for_function(f"({edges})() === 1", timeout=LIVE_TIMEOUT)
    expect(wall.locator("[data-proj-events] li").first).to_contain_text(
        f"{world['stagiaire'].name} a ajouté le lien", timeout=LIVE_TIMEOUT
    )
    expect(wall.locator("[data-proj-count=links]")).to_have_text("1")
    expect(b_form.get_by_label("Note")).to_have_value("à revoir avec")
    # then B places a structure
    add_existing(b, mission.name)
    nodes = "() => document.getElementById('graph').cy.nodes().length"
    wall.wait_for_function(f"({nodes})() === 3", timeout=LIVE_TIMEOUT)
    expect(wall.locator("[data-proj-count=contributors]")).to_have_text("2")
    # the tour: A's additions, then B's, exactly
    wall.keyboard.press("t")
    expect(wall.locator("[data-proj-caption]")).to_have_text(
        f"Tour de table : {world['stagiaire'].name} — 2 structures, 1 lien"
    )
    pair = "-".join(sorted([str(world["structure"].id), str(world["partner"].id)]))
    assert tour_ids(wall) == sorted([str(world["structure"].id), str(world["partner"].id), pair])
    wall.keyboard.press("ArrowRight")
    expect(wall.locator("[data-proj-caption]")).to_have_text(
        "Tour de table : Bertrand Second — 1 structure, 0 lien"
    )
    assert tour_ids(wall) == [str(mission.id)]
    axe_check(wall)
    for page in screens.values():
        page.context.close()
