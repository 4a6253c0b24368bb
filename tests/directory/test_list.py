"""The directory list: search, filters, sort, pagination, fragment and deleted structures."""

import pytest

from allervers.core.timeutil import utcnow
from allervers.extensions import db
from tests.helpers import fragment, text, visible_text


@pytest.fixture
def directory(world, make_structure):
    """A few structures besides the world's CCAS d'Orléans and CAF du Loiret."""
    return {
        "epicerie_briare": make_structure(
            name="Épicerie solidaire de Briare", commune="Briare", postal_code="45250",
            typology="ES", publics=["travailleurs-precaires"],
        ),
        "epicerie_gien": make_structure(
            name="Épicerie sociale du Giennois", commune="Gien", postal_code="45500",
            typology="ES",
        ),
        "mds_tours": make_structure(
            name="Maison départementale de la solidarité Tours Nord", acronym="MDS",
            commune="Tours", postal_code="37100", typology="MDS",
            publics=["familles-monoparentales", "non-recours"],
        ),
        "ccas_briare": make_structure(
            name="Centre communal d'action sociale de Briare", acronym="CCAS",
            commune="Briare", postal_code="45250", typology="CCAS", sector="logement",
            has_custom_sector=True,
        ),
    }  # fmt: skip


def results(client, **args) -> str:
    """The visible text of the results region only (what htmx swaps in)."""
    return visible_text(client.get("/annuaire", query_string=args, headers={"HX-Request": "true"}))


def test_list_shows_every_live_structure_sorted_by_name(client_as, directory):
    page = text(client_as("stagiaire").get("/annuaire"))
    order = ["CAF du Loiret", "CCAS d'Orléans", "Centre communal d'action sociale de Briare",
             "Épicerie sociale du Giennois", "Épicerie solidaire de Briare",
             "Maison départementale de la solidarité Tours Nord"]  # fmt: skip
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)  # "Épicerie" sorts with the E, accents ignored
    assert "Centres communaux d’action sociale (CCAS)" in page  # typology label
    assert 'aria-current="page">Annuaire' in page  # the menu item


@pytest.mark.parametrize(
    ("search", "found", "not_found"),
    [
        ("orleans", ["CCAS d'Orléans"], ["Briare"]),  # accents and case do not matter
        ("ORLÉANS", ["CCAS d'Orléans"], ["Briare"]),
        ("epicerie briare", ["Épicerie solidaire de Briare"], ["Giennois", "Centre communal"]),
        ("epicerie", ["Épicerie solidaire de Briare", "Épicerie sociale du Giennois"], ["CAF du"]),
        ("mds", ["Tours Nord"], ["Briare"]),  # the acronym
        ("ccas briare", ["Centre communal d'action sociale de Briare"], ["Orléans"]),
        ("tours", ["Tours Nord"], ["Orléans"]),  # the commune
    ],
)
def test_search_is_accent_and_case_blind_and_every_word_narrows(
    client_as, directory, search, found, not_found
):
    page = results(client_as("stagiaire"), q=search)
    for name in found:
        assert name in page
    for name in not_found:
        assert name not in page


def test_search_without_result_says_so(client_as, directory):
    page = results(client_as("stagiaire"), q="introuvable")
    assert "Aucune structure ne correspond à cette recherche" in page


@pytest.mark.parametrize(
    ("args", "found", "not_found"),
    [
        ({"typologie": "ES"}, ["Briare", "Giennois"], ["Tours Nord", "CCAS d'Orléans"]),
        ({"secteur": "logement"}, ["Centre communal d'action sociale de Briare"],
         ["CCAS d'Orléans"]),  # the sector set by hand, not the typology's
        ({"secteur": "social"}, ["CCAS d'Orléans", "Tours Nord"], ["de Briare"]),
        ({"departement": "37"}, ["Tours Nord"], ["Orléans", "Briare"]),
        ({"commune": "briare"}, ["Épicerie solidaire de Briare", "sociale de Briare"],
         ["Giennois", "Orléans"]),
        ({"commune": "ORLEANS"}, ["CCAS d'Orléans", "CAF du Loiret"], ["Briare"]),
        ({"public": "non-recours"}, ["Tours Nord"], ["Briare", "Orléans"]),
        ({"typologie": "ES", "commune": "Gien"}, ["Giennois"], ["de Briare"]),
    ],
)  # fmt: skip
def test_filters(client_as, directory, args, found, not_found):
    page = results(client_as("stagiaire"), **args)
    for name in found:
        assert name in page
    for name in not_found:
        assert name not in page


def test_unknown_filter_values_are_ignored(client_as, directory):
    client = client_as("stagiaire")
    assert "Tours Nord" in results(client, typologie="XYZ", tri="n'importe", departement="zz")


def test_sort_by_commune_and_by_most_recent(client_as, directory):
    client = client_as("stagiaire")
    by_commune = results(client, tri="commune")
    assert (
        by_commune.index("de Briare")
        < by_commune.index("Giennois")
        < by_commune.index("CCAS d'Orléans")
        < by_commune.index("Tours Nord")
    )
    directory["epicerie_gien"].created_at = utcnow().replace(year=2100)
    db.session.commit()
    recent = results(client, tri="recent")
    assert recent.index("Giennois") < recent.index("CCAS d'Orléans")
    assert 'value="recent" selected' in text(client.get("/annuaire?tri=recent"))


def test_pagination_keeps_the_search(app, client_as, directory):
    app.config["PER_PAGE"] = 2
    client = client_as("stagiaire")
    first = text(client.get("/annuaire?q=a"))
    assert "Page 1 sur 3" in first
    assert 'href="/annuaire?q=a&amp;page=2"' in first or 'href="/annuaire?q=a&page=2"' in first
    assert 'hx-target="#results"' in first
    assert "Page 3 sur 3" in text(client.get("/annuaire?q=a&page=3"))
    assert "Page 3 sur 3" in text(client.get("/annuaire?q=a&page=99"))


def test_htmx_search_returns_only_the_results(client_as, directory):
    response = fragment(client_as("stagiaire"), "/annuaire?q=briare")
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert "<form" not in body
    assert body.lstrip().startswith('<div class="table-scroll">\n<table')
    assert "Épicerie solidaire de Briare" in body
    assert "Tours Nord" not in body
    assert "HX-Request" in response.headers["Vary"]
    boosted = client_as("stagiaire").get(
        "/annuaire?q=briare", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert "<html" in text(boosted)


def test_search_form_works_with_and_without_javascript(client_as, world):
    page = text(client_as("stagiaire").get("/annuaire?q=orl&commune=Orl%C3%A9ans"))
    assert '<form method="get" action="/annuaire"' in page
    assert 'hx-get="/annuaire" hx-target="#results" hx-push-url="true"' in page
    assert "input changed delay:300ms from:#q" in page
    assert 'value="orl"' in page
    assert 'value="Orléans"' in page
    assert '<div id="results">' in page


def test_deleted_structures_are_listed_only_for_staff_who_ask(client_as, directory):
    directory["epicerie_gien"].deleted_at = utcnow()
    db.session.commit()
    trainee = client_as("stagiaire")
    assert "Giennois" not in results(trainee)
    assert "Giennois" not in results(trainee, supprimees="1")
    assert "Afficher les structures supprimées" not in text(trainee.get("/annuaire"))
    trainer = client_as("formateur")
    assert "Giennois" not in results(trainer)
    shown = results(trainer, supprimees="1")
    assert "Épicerie sociale du Giennois Supprimée" in shown
    assert "Afficher les structures supprimées" in text(trainer.get("/annuaire"))
