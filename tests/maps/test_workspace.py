"""The map workspace: the page and its fragments, the tabs, the key figures, the quick paths
for adding structures and links (defaults remembered, pairs picked in the graph)."""

import re

from allervers.maps import services
from tests.helpers import fragment, post_form, text

LINK = {"status": "existant", "level": "4", "direction": "mutuel"}


def owner(client_as):
    return client_as("stagiaire")


def post(client, path, data=None, htmx=True):
    return post_form(client, path, data or {}, htmx=htmx, token_from="/")


def path(world, suffix=""):
    return f"/cartes/{world['map'].id}{suffix}"


def selected(page: str, name: str) -> str | None:
    """The value the select `name` (or its combobox) starts with."""
    block = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    option = r'<option (?:value="([^"]*)" selected|selected value="([^"]*)")>'
    found = re.search(option, block.group(1)) if block else None
    return (found.group(1) or found.group(2)) if found else None


# ----- the pages ------------------------------------------------------------------------------


def test_workspace_has_the_graph_the_panel_and_the_figures_not_the_lists(client_as, world):
    page = text(owner(client_as).get(path(world)))
    assert 'id="graph"' in page
    assert 'id="ws-panel"' in page
    assert f'data-link-form="{path(world, "/liens/formulaire")}"' in page
    assert page.count('id="node-card-slot"') == 1  # the panel's, not the graph's own
    assert 'id="entry-form"' in page
    assert 'id="link-form"' in page
    assert 'id="entries"' not in page
    assert 'id="links"' not in page
    assert 'id="analysis-panel"' not in page
    assert re.search(r'<a href="[^"]+" aria-current="page">Espace de travail</a>', page)
    for target in ("#ws-panel", "#graph-title", "#ws-tabs"):
        assert f'class="skip-link" href="{target}"' in page
    assert "Supprimer la carte" in page
    assert "Copier" in page
    assert 'href="/static/css/workspace.css' in page


def test_a_reader_gets_the_graph_without_the_panel(client_as, world):
    page = text(client_as("formateur").get(path(world)))
    assert 'id="graph"' in page
    assert 'id="ws-panel"' not in page
    assert "data-link-form" not in page
    assert page.count('id="node-card-slot"') == 1  # the graph keeps its own


def test_tabs_are_full_pages_and_htmx_fragments(client_as, world):
    client = owner(client_as)
    structures = text(client.get(path(world, "/structures")))
    assert re.search(r'aria-current="page">Structures</a>', structures)
    assert "CAF du Loiret" in structures
    assert 'id="entry-form"' in structures
    links = text(client.get(path(world, "/liens")))
    assert re.search(r'aria-current="page">Liens</a>', links)
    assert "CCAS d'Orléans ↔ CAF du Loiret" in links
    assert 'id="link-form"' in links
    assert (
        text(fragment(client, path(world, "/liens")))
        .lstrip()
        .startswith('<div class="table-scroll">')
    )
    assert "<html" not in text(fragment(client, path(world, "/structures")))


def bare(html: str) -> str:
    """The markup without attributes nor spans: what the strip says, term by term."""
    return re.sub(r"<(/?)(\w+)[^>]*>", lambda m: "" if m[2] == "span" else f"<{m[1]}{m[2]}>", html)


def test_key_figures_strip_has_its_own_route(client_as, world, make_structure):
    client = owner(client_as)
    strip = bare(text(fragment(client, path(world, "/chiffres"))))
    assert "<html" not in strip
    assert re.search(r"<dt>Structures</dt><dd>2</dd>", strip)
    assert re.search(r"<dt>Liens</dt><dd>1</dd>", strip)
    assert re.search(r"<dt>Densité</dt><dd>100\u202f%</dd>", strip)
    assert re.search(r"<dt>Isolée</dt><dd>0</dd>", strip)  # 0 and 1: singular
    assert re.search(r"<dt>Lien souhaité</dt><dd>0</dd>", strip)
    for name in ("Mission locale", "Secours populaire"):
        services.add_entry(world["map"], make_structure(name=name, typology="ASSO"), {})
    strip = bare(text(fragment(client, path(world, "/chiffres"))))
    assert re.search(r"<dt>Isolées</dt><dd>2</dd>", strip)
    assert "entriesChanged from:body" in text(client.get(path(world)))


def test_key_figures_count_as_the_analysis_does(world, make_structure):
    cooperation_map = world["map"]
    third = make_structure(name="Mission locale", typology="ML")
    services.add_entry(cooperation_map, third, {})
    services.save_link(
        cooperation_map, world["partner"].id, third.id, {"status": "souhaite", "desired_level": 3}
    )
    figures = services.key_figures(cooperation_map)
    assert (figures.structures, figures.links, figures.wished, figures.isolates) == (3, 1, 1, 1)
    assert figures.density == 1 / 3


# ----- adding structures ----------------------------------------------------------------------


def test_search_answers_combobox_options_with_htmx_and_links_without(
    client_as, world, make_structure
):
    make_structure(name="Mission locale de l'Orléanais", typology="ML")
    client = owner(client_as)
    options = text(fragment(client, path(world, "/structures/recherche?q=mission")))
    assert 'role="listbox"' in options
    assert 'data-q="mission"' in options
    assert re.search(r'role="option"[^>]*data-structure-id="\d+"', options)
    assert "Créer « mission » dans l'annuaire" in options  # the last option creates it
    typed = post(client, path(world, "/structures"), {"q": "mission"}, htmx=False)
    assert typed.status_code == 422
    assert 'role="option"' not in text(typed)
    assert re.search(r'<a href="[^"]+structure_id=\d+#entry-form"', text(typed))


def test_choosing_a_structure_already_on_the_map_keeps_what_was_recorded(client_as, world):
    response = post(
        owner(client_as), path(world, "/structures"), {"structure_id": world["partner"].id}
    )
    assert "CAF du Loiret est déjà sur la carte." in text(response)
    assert world["entry"].influence == 4


# ----- adding links ---------------------------------------------------------------------------


def test_after_a_link_the_fresh_form_keeps_its_source_and_level(client_as, world, make_structure):
    third = make_structure(name="Mission locale", typology="ML")
    services.add_entry(world["map"], third, {})
    client = owner(client_as)
    blank = text(fragment(client, path(world, "/liens/formulaire")))
    assert selected(blank, "source_id") == str(world["structure"].id)  # the focal one at first
    assert not selected(blank, "level")
    data = {**LINK, "source_id": world["partner"].id, "target_id": third.id}
    response = text(post(client, path(world, "/liens"), data))
    assert "Lien ajouté : CAF du Loiret – Mission locale" in response
    assert re.search(r'<select id="link-source_id"[^>]*autofocus', response)  # « de » box
    assert selected(response, "source_id") == str(world["partner"].id)
    assert selected(response, "level") == "4"
    assert selected(response, "target_id") is None
    again = text(fragment(client, path(world, "/liens/formulaire")))
    assert selected(again, "level") == "4"


def test_a_pair_picked_in_the_graph_prefills_the_form(client_as, world, make_structure):
    third = make_structure(name="Mission locale", typology="ML")
    services.add_entry(world["map"], third, {})
    client = owner(client_as)
    pair = f"?source_id={world['partner'].id}&target_id={third.id}"
    form = text(fragment(client, path(world, "/liens/formulaire" + pair)))
    assert selected(form, "source_id") == str(world["partner"].id)
    assert selected(form, "target_id") == str(third.id)
    # no level remembered yet: the person starts on the level, then Enter saves
    assert re.search(r'<select(?=[^>]*id="link-level")[^>]*autofocus', form)
    assert not re.search(r"<button[^>]*autofocus", form)
    # once a level is remembered, the button has the focus: Enter alone saves
    fourth = make_structure(name="Épicerie solidaire", typology="EPI")
    services.add_entry(world["map"], fourth, {})
    post(client, path(world, "/liens"), {**LINK, "source_id": third.id, "target_id": fourth.id})
    form = text(fragment(client, path(world, "/liens/formulaire" + pair)))
    assert selected(form, "level") == "4"
    assert re.search(r'<button type="submit" autofocus>Ajouter le lien', form)


def test_a_pair_that_has_a_link_opens_it(client_as, world):
    pair = f"?source_id={world['partner'].id}&target_id={world['structure'].id}"
    form = text(fragment(owner(client_as), path(world, "/liens/formulaire" + pair)))
    assert "Modifier le lien" in form
    assert f"/liens/{world['link'].id}/modifier" in form
    assert re.search(r'<button type="submit" autofocus>Enregistrer le lien', form)


def test_a_pair_off_the_map_is_ignored(client_as, world, make_structure):
    elsewhere = make_structure(name="Hors carte", typology="ASSO")
    pair = f"?source_id={elsewhere.id}&target_id={world['partner'].id}"
    form = text(fragment(owner(client_as), path(world, "/liens/formulaire" + pair)))
    assert "Ajouter un lien" in form
    assert "autofocus" not in form
    assert selected(form, "target_id") is None
    assert "Hors carte" not in form
