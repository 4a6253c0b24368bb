"""The header menu: at most seven entries grouped by task, the current one marked."""

import re

import pytest

WIDE = re.compile(r'<ul class="nav-wide">(.*?)</ul>\s*<details class="nav-narrow">', re.S)
ENTRY = re.compile(r"^        <li>\s*(?:<a [^>]*>|<details[^>]*>\s*<summary[^>]*>)([^<]+)<", re.M)


def top_level(page: str) -> list[str]:
    """Labels of the wide menu's entries (links and disclosure summaries), account aside."""
    wide = WIDE.search(page).group(1)
    return [label.strip() for label in ENTRY.findall(wide)]


@pytest.mark.parametrize("who", ["stagiaire", "formateur", "referent", "admin"])
def test_at_most_seven_entries_for_every_role(client_as, who):
    entries = top_level(client_as(who).get("/").get_data(as_text=True))
    assert entries[0] == "Accueil"
    assert len(entries) <= 7, entries


def test_admin_menu_groups_the_pages(client_as):
    page = client_as("admin").get("/").get_data(as_text=True)
    assert top_level(page) == [
        "Accueil", "Cartes", "Initiatives", "Suivi", "Annuaire", "Formation", "Administration"
    ]  # fmt: skip
    for href in ("/territoire", "/techniques", "/presentations", "/journal", "/corbeille",
                 "/annuaire/demandes-referents", "/admin/utilisateurs"):  # fmt: skip
        assert f'href="{href}"' in page


def test_the_current_group_is_marked(client_as):
    page = client_as("stagiaire").get("/techniques").get_data(as_text=True)
    wide = WIDE.search(page).group(1)
    assert re.search(r'<summary aria-current="true">Initiatives</summary>', wide)
    assert re.search(r'<a href="/techniques" aria-current="page">Techniques</a>', wide)
    assert wide.count("aria-current") == 2


def test_a_formateur_reaches_each_group_dashboard(client_as, world):
    page = client_as("formateur").get("/").get_data(as_text=True)
    assert f'href="/groupes/{world["group"].id}/tableau-de-bord"' in page
    assert f"/groupes/{world['other_group'].id}/tableau-de-bord" not in page
