"""A trainee in a workshop: joins the group, draws a map in the workspace with mouse and
keyboard, edits and removes on the lists' tabs, no reload; the pages keep to the screen."""

import re

import pytest
from playwright.sync_api import Page, expect

EXISTING = [
    "Mission locale de l'Orléanais",
    "Secours populaire du Loiret",
    "Centre social de l'Argonne",
    "CAF du Loiret",
]
NEW = [("Association Le Relais", "Gien"), ("Tiers-lieu La Fabrique", "Orléans")]
FOCAL = "CCAS d'Orléans"
WIDTHS = (1366, 820, 390)


def add_existing(page: Page, name: str) -> None:
    """Type, then Enter on the highlighted suggestion: the structure is on the map."""
    search = page.locator("#entry-q")
    # Key by key, as a person types: with fill() (one input event, at once), CI twice saw no
    # search sent for the first structure after the editor opened.
    search.press_sequentially(name.split()[0] + " " + name.split()[-1], delay=20)
    option = page.locator("#structure-results [role=option]").first
    expect(option).to_contain_text(name)
    expect(option).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Structure ajoutée : {name}")
    expect(search).to_be_focused()  # back in the empty box, for the next one
    expect(search).to_have_value("")


def add_new(page: Page, name: str, commune: str) -> None:
    form = page.locator("#entry-form")
    details = form.locator("#entry-new")
    if details.get_attribute("open") is None:
        form.get_by_text("Créer une structure absente de l'annuaire").click()
    form.get_by_label("Nom de la nouvelle structure").fill(name)
    form.get_by_label("Commune").fill(commune)
    form.get_by_label("Type de structure").select_option("ASSO")
    form.get_by_role("button", name="Ajouter à la carte").click()
    expect(page.get_by_role("status")).to_contain_text(f"Structure ajoutée : {name}")


def add_link(
    page: Page,
    first: str,
    second: str,
    level: str | None,
    status: str = "Existant",
    keyboard: bool = False,
) -> None:
    form = page.locator("#link-form")
    source = form.get_by_role("combobox", name="De", exact=True)
    target = form.get_by_role("combobox", name="Vers", exact=True)
    # The form is swapped for one that lists each new structure: wait for it.
    expect(
        form.locator(f'#link-target_id-options [role=option]:text-is("{second}")')
    ).to_have_count(1)
    source.fill("")
    source.press_sequentially(first.split()[0], delay=10)
    expect(form.locator("#link-source_id-options [aria-selected=true]")).to_have_text(first)
    source.press("Tab")
    expect(target).to_be_focused()
    target.press_sequentially(second.split()[0], delay=10)
    expect(form.locator("#link-target_id-options [aria-selected=true]")).to_have_text(second)
    if keyboard:
        target.press("Tab")
        if status != "Existant":
            page.keyboard.press("ArrowLeft" if status == "Difficile" else "ArrowRight")
        expect(form.get_by_role("radio", name=re.compile(f"^{status}"))).to_be_checked()
        if level is not None:
            page.keyboard.press("Tab")
            page.keyboard.press(level)
        page.keyboard.press("Enter")
    else:
        form.get_by_role("radio", name=re.compile(f"^{status}")).check()
        if level is not None:
            form.get_by_label("Niveau de coopération actuel").select_option(level)
        form.get_by_role("button", name="Ajouter le lien").click()
    expect(page.get_by_role("status")).to_contain_text(f"Lien ajouté : {first} – {second}")
    expect(source).to_be_focused()  # the « de » box of a fresh form
    expect(source).to_have_value(first)  # kept: the next link often starts from the same one


def log_browser_events(page: Page) -> None:
    """What the browser sent and said, printed: pytest shows it when the test fails."""
    page.on("console", lambda message: print("console", message.type, message.text))
    page.on("pageerror", lambda error: print("page error", error))
    page.on("request", lambda request: print("request", request.method, request.url))
    page.on("requestfailed", lambda request: print("failed", request.url, request.failure))


def join_and_start_a_map(page: Page) -> None:
    page.goto("/rejoindre")
    page.get_by_label("Code d'invitation").fill("ORL-AAA-111")
    page.get_by_label("Prénom et nom").fill("Camille Atelier")
    page.get_by_label("Adresse e-mail professionnelle").fill("camille@ccas-exemple.fr")
    page.locator("#password").fill("une-phrase-de-passe")
    page.get_by_label("Confirmez le mot de passe").fill("une-phrase-de-passe")
    page.get_by_label("Votre structure (employeur)").select_option(label="CCAS d'Orléans — Orléans")
    page.get_by_role("button", name="Créer mon compte et rejoindre le groupe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carte du groupe – Groupe 1 Orléans")
    # joining lands on the group map; the trainee's own map starts from the list of maps
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name="Cartes").click()
    page.get_by_role("button", name="Nouvelle carte").click()
    page.get_by_label("Titre de la carte").fill("Mon réseau")
    page.get_by_role("button", name="Enregistrer la carte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon réseau")


def test_a_trainee_draws_a_map_in_the_workshop(page: Page, world, make_structure, axe_check):
    log_browser_events(page)
    for name in EXISTING[:3]:
        make_structure(name=name, commune="Orléans", typology="ASSO")
    join_and_start_a_map(page)
    page.evaluate("window.sameDocument = true")

    # The workspace: a fresh map puts the keyboard in the search box.
    expect(page.locator("#entry-q")).to_be_focused()
    for name in EXISTING:
        add_existing(page, name)
    # A new structure without its commune: said, and the keyboard is on the commune.
    form = page.locator("#entry-form")
    form.get_by_text("Créer une structure absente de l'annuaire").click()
    form.get_by_label("Nom de la nouvelle structure").fill(NEW[0][0])
    form.get_by_role("button", name="Ajouter à la carte").click()
    expect(form.get_by_text("Indiquez la commune de la nouvelle structure.")).to_be_visible()
    expect(form.get_by_label("Commune")).to_be_focused()
    for name, commune in NEW:
        add_new(page, name, commune)
    figures = page.locator("#ws-figures")
    expect(figures).to_contain_text(re.compile(r"Structures\s*7"))
    expect(figures).to_contain_text(re.compile(r"Isolées\s*7"))

    add_link(page, FOCAL, EXISTING[0], "3")
    add_link(page, FOCAL, EXISTING[1], "2", keyboard=True)
    add_link(page, FOCAL, EXISTING[2], "4")
    add_link(page, FOCAL, EXISTING[3], "5", keyboard=True)
    add_link(page, FOCAL, NEW[0][0], None, status="Souhaité", keyboard=True)
    add_link(page, EXISTING[0], NEW[1][0], "1", status="Difficile", keyboard=True)
    add_link(page, EXISTING[1], EXISTING[2], "0")
    expect(figures).to_contain_text(re.compile(r"Liens\s*6"))
    expect(figures).to_contain_text(re.compile(r"Lien souhaité\s*1"))
    expect(figures).to_contain_text(re.compile(r"Isolée\s*1"))  # wished only: not linked yet
    assert page.evaluate("window.sameDocument") is True  # no full page reload happened
    axe_check(page)

    # A wrong pair: the error is said, the keyboard lands on the field to correct.
    form = page.locator("#link-form")
    target = form.get_by_role("combobox", name="Vers", exact=True)
    page.keyboard.press("Tab")
    target.press_sequentially("zzz", delay=10)
    target.press("Enter")
    expect(form.get_by_text("Choisissez la seconde structure.")).to_be_visible()
    expect(target).to_be_focused()

    # The links tab: edit one link in place, delete one, then undo.
    page.get_by_role("navigation", name="Vues de la carte").get_by_role(
        "link", name="Liens"
    ).click()
    expect(page.get_by_role("heading", name="Liens de coopération")).to_be_visible()
    links = page.locator("#links tbody tr:not(.detail-row)")
    expect(links).to_have_count(7)
    page.get_by_role("link", name=f"Modifier le lien {FOCAL} – {EXISTING[0]}").click()
    form = page.locator("#link-form")
    expect(form.get_by_role("heading")).to_have_text("Modifier le lien")
    expect(form.get_by_label("Niveau de coopération actuel")).to_be_focused()  # the edit starts
    form.get_by_label("Niveau de coopération actuel").select_option("4")
    form.get_by_role("button", name="Enregistrer le lien").click()
    expect(page.get_by_role("status")).to_contain_text(f"Lien mis à jour : {FOCAL} – {EXISTING[0]}")
    expect(links.filter(has_text=EXISTING[0]).first).to_contain_text("4 – Intervenir ensemble")

    page.get_by_role("button", name=f"Supprimer le lien {FOCAL} – {EXISTING[1]}").click()
    expect(links).to_have_count(6)
    undo = page.get_by_role("status").get_by_role("button", name="Annuler")
    expect(undo).to_be_focused()  # after a removal, the next action may be to undo it
    undo.press("Enter")
    expect(links).to_have_count(7)
    expect(page.get_by_role("status")).to_contain_text("Le lien est rétabli.")
    assert page.evaluate("document.activeElement !== document.body")
    axe_check(page)

    page.get_by_role("navigation", name="Vues de la carte").get_by_role(
        "link", name="Structures"
    ).click()
    expect(page.locator("#entries tbody tr")).to_have_count(7)
    axe_check(page)

    # The directory the map draws on, and a structure's page, pass the same checks.
    page.get_by_role("link", name="Annuaire", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annuaire")
    axe_check(page)
    page.goto(f"/annuaire/{world['structure'].id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("CCAS d'Orléans")
    maps = page.get_by_role("region", name="Cartes de coopération")
    expect(maps.get_by_role("link", name="Mon réseau")).to_be_visible()  # the map it appears in
    axe_check(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_workspace_and_its_tabs_keep_to_the_screen(page: Page, world, width):
    """No page of the map scrolls sideways; a trainee on a phone still adds and links."""
    from tests.browser.conftest import sign_in

    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    base = f"/cartes/{world['map'].id}"
    for path in (base, f"{base}/structures", f"{base}/liens"):
        page.goto(path)
        expect(page.locator("#ws-tabs")).to_be_visible()
        sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1], f"{path} à {width} px : {sizes[0]} > {sizes[1]}"
    page.goto(base)
    panel, graph = page.locator("#ws-panel"), page.locator("#graph")
    expect(panel.get_by_role("combobox", name="Structure de l'annuaire")).to_be_visible()
    expect(panel.get_by_role("combobox", name="Vers", exact=True)).to_be_visible()
    panel_box, graph_box = panel.bounding_box(), graph.bounding_box()
    if width >= 1280:  # side by side
        assert panel_box["x"] + panel_box["width"] <= graph_box["x"]
    elif width >= 768:  # the graph above the panel
        assert graph_box["y"] + graph_box["height"] <= panel_box["y"]
