"""Two people on one group map: what one adds appears on the other's screen without a reload,
and what the other was typing stays where it was."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from allervers.auth.models import UserSession
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.maps import services as maps
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

EDGES = "() => document.getElementById('graph').cy.edges().length"
NODES = "() => document.getElementById('graph').cy.nodes().length"


def placed_group_map(world, make_structure):
    group_map = world["group_map"]
    third = make_structure(name="Mission locale de l'Orléanais", typology="ML")
    for structure in (world["structure"], world["partner"], third):
        maps.add_entry(group_map, structure, {})
    return group_map, third


def open_as(browser: Browser, base_url: str, person, group_map) -> Page:
    context = browser.new_context(
        bypass_csp=True, base_url=base_url, locale="fr-FR", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    sign_in(page, person.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/cartes/{group_map.id}")
    expect(page.locator("#graph")).to_have_attribute("data-ready", "true")
    return page


def add_link(page: Page, first: str, second: str) -> None:
    # the form reloads when structures come: wait for the one that offers both
    for name in (first, second):
        option = page.locator(f'#link-target_id-options [role=option]:text-is("{name}")')
        expect(option).to_have_count(1)
    form = page.locator("#link-form")
    form.get_by_role("combobox", name="De", exact=True).fill(first)
    page.keyboard.press("Tab")
    form.get_by_role("combobox", name="Vers", exact=True).fill(second)
    page.keyboard.press("Tab")
    form.get_by_label("Niveau de coopération actuel").select_option("3")
    form.get_by_role("button", name=re.compile("Enregistrer|Ajouter")).click()
    expect(page.locator("#messages")).to_contain_text("Lien ajouté")


def test_a_link_added_on_one_screen_appears_on_the_other_without_a_reload(
    browser: Browser, base_url, world, make_structure
):
    group_map, third = placed_group_map(world, make_structure)
    trainee = open_as(browser, base_url, world["stagiaire"], group_map)
    trainer = open_as(browser, base_url, world["formateur"], group_map)
    assert trainer.evaluate(f"({EDGES})()") == 0
    # the trainer has started a link of their own and typed a note in it
    trainer.locator("#link-form summary").first.click()
    note = trainer.locator("#link-form").get_by_label("Note")
    note.fill("Réunion prévue en janvier")
    trainer_url = trainer.url
    trainer.evaluate("() => document.activeElement.blur()")  # looking at the wall, say

    asked = []
    trainer.on("request", lambda request: asked.append(request.url))
    add_link(trainee, world["structure"].name, world["partner"].name)

    trainer.wait_for_function(f"{EDGES} === 1", timeout=4000)
    line = trainer.locator("[data-live-line]")
    expect(line).to_be_visible()
    expect(line).to_contain_text(
        f"{world['stagiaire'].name} a ajouté le lien {world['structure'].name} – "
        f"{world['partner'].name}"
    )
    expect(trainer.locator("#ws-figures")).to_contain_text(re.compile(r"Liens\s*1"))
    assert trainer.url == trainer_url  # no reload
    # the figures came with the feed: only the graph was asked for again
    assert not [url for url in asked if "/chiffres" in url]
    assert [url for url in asked if url.endswith("/graphe.json")]
    expect(note).to_have_value("Réunion prévue en janvier")
    # someone else's change moves nobody's focus (a screen reader would jump with it)
    focused = "() => document.activeElement.id || document.activeElement.tagName"
    assert trainer.evaluate(focused) == "BODY"
    # the trainee's own change is not announced back to the trainee
    trainee.wait_for_timeout(1500)
    expect(trainee.locator("[data-live-line]")).to_be_hidden()

    # a structure added by the trainer: a new node on the trainee's graph, and a new choice
    # in the trainee's link form, without losing the trainee's half-filled form
    trainee.locator("#link-form").get_by_role("combobox", name="De", exact=True).fill("Mission")
    trainee.evaluate("() => document.activeElement.blur()")
    trainer_search = trainer.locator("#entry-q")
    newcomer = make_structure(name="Secours populaire du Loiret", typology="ASSO")
    trainer_search.fill("Secours populaire")
    expect(trainer.locator("#structure-results [role=option]").first).to_contain_text(
        "Secours populaire"
    )
    trainer_search.press("Enter")
    expect(trainer.locator("#messages")).to_contain_text("Structure ajoutée")
    trainee.wait_for_function(f"{NODES} === 4", timeout=4000)
    expect(trainee.locator(f"#link-source_id-options [data-value='{newcomer.id}']")).to_have_count(
        1
    )
    # the structure the trainee had picked (leaving the field takes the suggestion) stays
    de = trainee.locator("#link-form").get_by_role("combobox", name="De", exact=True)
    expect(de).to_have_value(third.name)
    assert trainee.locator("#link-source_id").input_value() == str(third.id)
    assert trainee.evaluate(focused) == "BODY"


def test_joining_on_a_phone_lands_on_the_group_map_ready_to_add(browser: Browser, base_url, world):
    context = browser.new_context(
        base_url=base_url,
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone = context.new_page()
    phone.goto("/rejoindre")
    phone.fill("[name=code]", "orl-aaa-111")  # typed from the wall, as people type it
    phone.fill("[name=name]", "Dominique Nouvelle")
    phone.fill("[name=email]", "dominique@ccas-exemple.fr")
    phone.fill("[name=password]", "une-phrase-de-passe")
    phone.fill("[name=confirm]", "une-phrase-de-passe")
    phone.fill("[name=job_title]", "Conseillère ESF")
    phone.select_option("[name=structure_id]", str(world["structure"].id))
    phone.locator("form [type=submit]").click()
    expect(phone).to_have_url(re.compile(rf"/cartes/{world['group_map'].id}$"))
    expect(phone.locator("#messages")).to_contain_text("Voici la carte du groupe")
    expect(phone.locator("#graph")).to_have_attribute("data-ready", "true")
    # a fresh group map: the cursor waits in the structure search
    search = phone.locator("#entry-q")
    expect(search).to_be_focused()
    for name in (world["structure"].name, world["partner"].name):
        # the form is drawn again after each addition: type in the fresh one
        expect(search).to_be_focused()
        expect(search).to_have_value("")
        search.fill(name[:12])
        expect(phone.locator("#structure-results [role=option]").first).to_contain_text(name)
        search.press("Enter")
        expect(phone.locator("#messages")).to_contain_text(f"Structure ajoutée : {name}")
    add_link(phone, world["structure"].name, world["partner"].name)
    phone.wait_for_function(f"{EDGES} === 1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_a_screen_whose_session_ended_says_so_and_stops_asking(
    browser: Browser, base_url, world, make_structure
):
    group_map, _third = placed_group_map(world, make_structure)
    page = open_as(browser, base_url, world["stagiaire"], group_map)
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == world["stagiaire"].id)
        .values(ended_at=utcnow())
    )
    db.session.commit()
    note = page.locator("[data-live-offline]")
    expect(note).to_contain_text("Votre session a pris fin", timeout=5000)
    polls = []
    page.on(
        "request", lambda request: polls.append(request.url) if "/direct" in request.url else None
    )
    page.wait_for_timeout(2500)
    assert polls == []
