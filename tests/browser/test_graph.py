"""The interactive graph on the map page: drawn, clickable, filtered, live after an edit."""

import random
import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

from allervers.maps import services as maps
from tests.browser.conftest import sign_in

SCREENSHOT = "/tmp/graph.png"


def graph_count(page: Page, what: str) -> int:
    return page.evaluate(f"document.getElementById('graph').cy.{what}().not('.hidden').length")


def open_map(page: Page, world) -> Locator:
    """The trainee's map, signed in, once its graph is drawn."""
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/cartes/{world['map'].id}")
    graph = page.locator("#graph")
    expect(graph).to_have_attribute("data-ready", "true")
    return graph


def test_graph_renders_filters_opens_cards_and_follows_edits(
    page: Page, world, make_structure, axe_check
):
    make_structure(name="Mission locale", typology="ML")
    graph = open_map(page, world)
    graph.scroll_into_view_if_needed()
    assert graph_count(page, "nodes") == 2
    assert graph_count(page, "edges") == 1
    graph.screenshot(path=SCREENSHOT)

    # A click on a structure opens its card (htmx).
    partner = world["partner"].id
    box = page.evaluate(f"document.getElementById('graph').cy.$id('{partner}').renderedPosition()")
    bounds = graph.bounding_box()
    page.mouse.click(bounds["x"] + box["x"], bounds["y"] + box["y"])
    expect(page.locator("#node-card")).to_contain_text("CAF du Loiret")

    # A sector filter hides its structures.
    page.get_by_label("Accès aux droits et prestations").uncheck()
    assert graph_count(page, "nodes") == 1
    page.get_by_label("Accès aux droits et prestations").check()
    assert graph_count(page, "nodes") == 2

    # Adding a structure and a link in the workspace updates the graph and the key figures,
    # without a reload.
    page.evaluate("window.sameDocument = true")
    search = page.locator("#entry-q")
    search.press_sequentially("mission", delay=20)
    expect(page.locator("#structure-results [role=option]").first).to_contain_text("Mission locale")
    search.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Structure ajoutée : Mission locale")
    page.wait_for_function("document.getElementById('graph').cy.nodes().length === 3")
    form = page.locator("#link-form")
    source = form.get_by_role("combobox", name="De", exact=True)
    target = form.get_by_role("combobox", name="Vers", exact=True)
    # The link form is swapped for one that lists the new structure: wait for it.
    expect(
        form.locator('#link-target_id-options [role=option]:text-is("Mission locale")')
    ).to_have_count(1)
    source.fill("CCAS")
    source.press("Enter")
    target.fill("Mission")
    expect(
        page.locator("[role=option][aria-selected=true]", has_text="Mission locale")
    ).to_have_count(1)
    form.get_by_label("Niveau de coopération actuel").select_option("3")
    form.get_by_role("button", name="Ajouter le lien").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Lien ajouté : CCAS d'Orléans – Mission locale"
    )
    page.wait_for_function("document.getElementById('graph').cy.edges().length === 2")
    expect(page.locator("#ws-figures")).to_contain_text("3")
    assert page.evaluate("window.sameDocument") is True
    axe_check(page)


def test_analysis_page_is_accessible(page: Page, world, axe_check):
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/cartes/{world['map'].id}/analyse")
    expect(page.get_by_role("heading", name="Chiffres clés")).to_be_visible()
    axe_check(page)


# ----- labels, colours, keyboard, pair selection, CSP ----------------------------------------

NAMES = (
    "Caisse d'allocations familiales du Loiret",
    "Maison du Département de Montargis",
    "Centre de soins, d'accompagnement et de prévention en addictologie d'Orléans",
    "Service pénitentiaire d'insertion et de probation du Loiret",
    "Espace public numérique de Montargis",
    "Agence France Travail de Montargis",
    "Centre d'hébergement d'urgence d'Orléans",
    "Épicerie solidaire de Briare",
    "Mission locale de l'Orléanais",
    "Permanence d'accès aux soins de santé d'Orléans",
    "Conseil départemental du Loiret",
    "Médiathèque d'Orléans",
    "Les Restos du cœur du Loiret",
    "Centre socioculturel d'Olivet",
)
TYPOLOGIES = ("CAF", "MDS", "CSAPA", "SPIP", "EPN", "FT", "CHU", "EPI", "ML", "PASS")

# Every pair of visible labels (not their discs), as Cytoscape draws them, that intersect.
LABEL_OVERLAPS = """() => {
  const cy = document.getElementById('graph').cy;
  const boxes = cy.nodes().filter(n => n.visible() && n.data('text')).map(n => ({
    name: n.data('label'),
    b: n.renderedBoundingBox({includeLabels: true, includeNodes: false, includeEdges: false,
                              includeOverlays: false, includeUnderlays: false})}));
  const clashes = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].b, b = boxes[j].b;
      if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) {
        clashes.push([boxes[i].name, boxes[j].name]);
      }
    }
  }
  return {shown: boxes.length, clashes: clashes};
}"""


def zoom_by(page: Page, factor: float) -> None:
    """Zoom about the graph's centre, as the mouse wheel would."""
    page.evaluate(
        "factor => { const cy = document.getElementById('graph').cy; cy.zoom({level: cy.zoom()"
        " * factor, renderedPosition: {x: cy.width() / 2, y: cy.height() / 2}}); }",
        factor,
    )


def no_label_overlaps(page: Page) -> int:
    """Asserts that no two visible labels intersect; returns how many are shown."""
    page.wait_for_timeout(300)  # labels are placed again shortly after a zoom or a resize
    result = page.evaluate(LABEL_OVERLAPS)
    assert result["clashes"] == [], result
    return result["shown"]


def crowded_map(world, make_structure) -> list:
    """The test map with 14 more structures, 20 more links (the partner: 16 in all)."""
    cooperation_map = world["map"]
    structures = [world["structure"], world["partner"]]
    for number, name in enumerate(NAMES):
        structure = make_structure(name=name, typology=TYPOLOGIES[number % len(TYPOLOGIES)])
        maps.add_entry(cooperation_map, structure, {"influence": number % 6})
        structures.append(structure)
    rng = random.Random(7)
    pairs = set()
    while len(pairs) < 20:
        first, second = rng.sample(structures, 2)
        pairs.add((first.id, second.id) if first.id < second.id else (second.id, first.id))
    for source, target in sorted(pairs):
        maps.save_link(cooperation_map, source, target, {"level": rng.randint(0, 5)})
    return structures


def test_labels_never_overlap_on_a_map_at_any_zoom_or_width(page: Page, world, make_structure):
    crowded_map(world, make_structure)
    graph = open_map(page, world)
    assert graph_count(page, "nodes") == 16
    shown = no_label_overlaps(page)
    assert shown >= 6  # most structures are named, not one label for the map
    # closer: more room, more names, still apart
    zoom_by(page, 2.5)
    no_label_overlaps(page)
    # farther: fewer names
    zoom_by(page, 1 / 6)
    no_label_overlaps(page)
    # a phone: the view refits to the narrower graph (ResizeObserver), labels still apart
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_function(
        "() => { const cy = document.getElementById('graph').cy;"
        " return cy.width() < 390 && cy.nodes().every(n => {"
        " const p = n.renderedPosition(); return p.x >= 0 && p.x <= cy.width(); }); }"
    )
    no_label_overlaps(page)
    # the structure under the mouse shows its full name (and still overlaps no other label)
    node = world["structure"].id
    graph.scroll_into_view_if_needed()
    page.wait_for_timeout(250)
    spot = page.evaluate(f"document.getElementById('graph').cy.$id('{node}').renderedPosition()")
    box = graph.bounding_box()
    page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"])
    page.wait_for_function(
        f"document.getElementById('graph').cy.$id('{node}').data('text') === \"CCAS d'Orléans\""
    )
    no_label_overlaps(page)


def test_a_one_structure_map_is_not_one_giant_label(page: Page, world, make_user):
    owner = make_user("stagiaire")
    lonely = maps.create_map(owner, "Ma carte", "Orléans", world["structure"].id)
    sign_in(page, owner.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/cartes/{lonely.id}")
    expect(page.locator("#graph")).to_have_attribute("data-ready", "true")
    view = page.evaluate("""() => { const cy = document.getElementById('graph').cy;
      const n = cy.nodes()[0]; return {zoom: cy.zoom(), width: n.renderedWidth(),
      fontSize: parseFloat(n.style('font-size')) * cy.zoom()}; }""")
    assert view["zoom"] <= 1.2
    assert view["width"] < 80
    assert 10 <= view["fontSize"] <= 14


def test_colour_by_community_and_size_names_follow_the_choice(page: Page, world, make_structure):
    crowded_map(world, make_structure)
    sign_in(page, world["stagiaire"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/cartes/{world['map'].id}")
    expect(page.locator("#graph")).to_have_attribute("data-ready", "true")
    size = page.get_by_label("Taille des structures selon")
    options = size.locator("option").all_inner_texts()
    assert options == [
        "Nombre de liens",
        "Rôle de passeur (intermédiarité)",
        "Influence déclarée (Net-Map 0 à 5)",
        "Influence dans le réseau (vecteur propre)",
    ]
    legend = page.locator("[data-graph-legend]")
    expect(legend).to_contain_text("Taille : nombre de liens")
    expect(legend).not_to_contain_text("Groupe 1")
    page.get_by_label("Couleur des structures selon").select_option("community")
    expect(legend).to_contain_text("Groupe 1")
    expect(legend.locator("[data-sector]:visible")).to_have_count(0)
    colours = page.evaluate(
        "[...new Set(document.getElementById('graph').cy.nodes().map(n => n.data('colour')))]"
    )
    communities = page.evaluate(
        "[...new Set(document.getElementById('graph').cy.nodes().map(n => n.data('community')))]"
    )
    assert len(communities) >= 2
    assert len(colours) >= 2
    size.select_option("influence")
    expect(legend).to_contain_text("Taille : influence déclarée (Net-Map 0 à 5)")
    sizes = page.evaluate(
        "document.getElementById('graph').cy.nodes()"
        ".map(n => [n.data('influence'), n.data('size')])"
    )
    top = max(s for i, s in sizes if i == 5)
    assert all(s < top for i, s in sizes if i is not None and i < 5)
    page.get_by_label("Couleur des structures selon").select_option("sector")
    expect(legend.locator("[data-community]")).to_have_count(0)


def test_keyboard_moves_opens_cards_and_chooses_a_pair_for_a_link(
    page: Page, world, make_structure
):
    crowded_map(world, make_structure)
    graph = open_map(page, world)
    expect(graph).to_have_attribute("data-link-form", f"/cartes/{world['map'].id}/liens/formulaire")
    expect(page.locator("#graph-keys")).to_contain_text("les flèches")
    graph.focus()
    status = page.locator("[data-graph-status]")
    focused = "document.getElementById('graph').cy.nodes('.graph-focus').map(n => n.id())"
    page.keyboard.press("ArrowRight")
    expect(status).to_contain_text(" lien")
    first = page.evaluate(focused)
    assert len(first) == 1
    label = page.evaluate(f"document.getElementById('graph').cy.$id('{first[0]}').data('label')")
    expect(status).to_contain_text(label)
    # the focused structure shows its full name
    assert page.evaluate(f"document.getElementById('graph').cy.$id('{first[0]}').data('text')")
    page.keyboard.press("Enter")
    expect(page.locator("#node-card")).to_contain_text(label)
    graph.focus()
    page.keyboard.press(" ")
    expect(status).to_contain_text("choisie")
    # Move to a structure that is not yet linked to the first one (the layout is not
    # deterministic, so walk until one is focused): the form then opens as a new link.
    cy = "document.getElementById('graph').cy"
    linked = page.evaluate(f"{cy}.$id('{first[0]}').neighborhood('node').map(n => n.id())")
    second = first
    walk = random.Random(3)
    for _ in range(80):
        page.keyboard.press(walk.choice(("ArrowLeft", "ArrowDown", "ArrowUp", "ArrowRight")))
        second = page.evaluate(focused)
        if second != first and second[0] not in linked:
            break
    assert second != first
    assert second[0] not in linked
    with page.expect_request(lambda r: "/liens/formulaire?" in r.url) as request:
        page.keyboard.press(" ")
    sent = parse_qs(urlsplit(request.value.url).query)
    assert sent == {"source_id": [first[0]], "target_id": [second[0]]}
    assert request.value.headers.get("hx-request") == "true"
    expect(status).to_contain_text("formulaire du lien est ouvert")
    # The form comes prefilled; no level to remember yet, so the focus is on the level:
    # choose one, Enter saves the link.
    level = page.locator("#link-form").get_by_label("Niveau de coopération actuel")
    expect(level).to_be_focused()
    level.select_option("2")
    edges = page.evaluate("document.getElementById('graph').cy.edges().length")
    level.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Lien ajouté")
    page.wait_for_function(f"document.getElementById('graph').cy.edges().length === {edges + 1}")
    # Escape drops a half-made choice
    graph.focus()
    page.keyboard.press(" ")
    assert page.evaluate("document.getElementById('graph').cy.nodes('.graph-selected').length") == 1
    page.keyboard.press("Escape")
    assert page.evaluate("document.getElementById('graph').cy.nodes('.graph-selected').length") == 0


def test_two_clicks_on_structures_open_the_link_form_for_that_pair(page: Page, world):
    graph = open_map(page, world)
    graph.scroll_into_view_if_needed()
    page.wait_for_timeout(250)
    bounds = graph.bounding_box()

    def click(structure_id: int) -> None:
        spot = page.evaluate(
            f"document.getElementById('graph').cy.$id('{structure_id}').renderedPosition()"
        )
        page.mouse.click(bounds["x"] + spot["x"], bounds["y"] + spot["y"])

    click(world["structure"].id)
    expect(page.locator("#node-card")).to_contain_text("CCAS d'Orléans")
    with page.expect_request(lambda r: "/liens/formulaire?" in r.url) as request:
        click(world["partner"].id)
    sent = parse_qs(urlsplit(request.value.url).query)
    assert sent == {
        "source_id": [str(world["structure"].id)],
        "target_id": [str(world["partner"].id)],
    }


def test_a_reader_gets_no_link_form_from_the_graph(page: Page, world):
    sign_in(page, world["formateur"].email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.goto(f"/cartes/{world['map'].id}")
    graph = page.locator("#graph")
    expect(graph).to_have_attribute("data-ready", "true")
    expect(graph).not_to_have_attribute("data-link-form", re.compile(".*"))
    expect(page.locator("#graph-keys")).not_to_contain_text("Espace")
