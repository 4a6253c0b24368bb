"""The structure form's commune: autocomplete from the official list, INSEE code stored,
postal code checked and resolved (allervers.communes)."""

from sqlalchemy import select

from allervers.directory.models import Structure
from allervers.extensions import db
from tests.directory.test_edit import FORM, count, create, structure_named
from tests.helpers import post_form, text, visible_text


def test_autocomplete_options_as_an_htmx_listbox(client_as, world):
    response = client_as("stagiaire").get(
        "/communes?commune=fleury+aub", headers={"HX-Request": "true"}
    )
    page = text(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert 'role="listbox"' in page
    assert 'id="commune-option-45147"' in page
    assert 'data-name="Fleury-les-Aubrais"' in page
    assert 'data-postal="45400"' in page
    assert 'data-epci="Orléans Métropole"' in page


def test_autocomplete_by_postal_code_offers_each_commune_with_that_code(client_as, world):
    response = client_as("stagiaire").get("/communes?q=45250", headers={"HX-Request": "true"})
    page = text(response)
    for insee in ("45053", "45245", "45238", "45052", "45138"):
        assert f'data-insee="{insee}"' in page
    assert page.count('data-postal="45250"') == 5


def test_too_short_a_query_gives_an_empty_hidden_listbox(client_as, world):
    page = text(client_as("stagiaire").get("/communes?q=o", headers={"HX-Request": "true"}))
    assert 'role="option"' not in page
    assert "hidden" in page


def test_communes_full_page_without_htmx(client_as, world):
    response = client_as("referent").get("/communes?q=ajaccio")
    page = visible_text(response)
    assert response.status_code == 200
    assert '<html lang="fr"' in text(response)
    assert "Ajaccio" in page
    assert "2A004" in page
    assert "CA du Pays Ajaccien" in page
    nothing = visible_text(client_as("referent").get("/communes?q=zzzzzz"))
    assert "Aucune commune ne correspond à « zzzzzz »" in nothing
    many = visible_text(client_as("referent").get("/communes?q=saint"))
    assert "50 premières communes" in many


def test_the_chosen_commune_is_stored_with_its_insee_code(client_as, world):
    response = create(client_as("stagiaire"), {"commune": "fleury les aubrais", "postal_code": "",
                                               "insee_code": "45147"})  # fmt: skip
    assert response.status_code == 303
    structure = structure_named(FORM["name"])
    assert (structure.commune, structure.postal_code, structure.insee_code) == (
        "Fleury-les-Aubrais",
        "45400",
        "45147",
    )
    assert structure.departement == "45"


def test_a_postal_code_alone_resolves_a_commune_it_alone_serves(client_as, world):
    response = create(client_as("stagiaire"), {"commune": "", "postal_code": "37300",
                                               "insee_code": ""})  # fmt: skip
    assert response.status_code == 303
    structure = structure_named(FORM["name"])
    assert (structure.commune, structure.insee_code, structure.departement) == (
        "Joué-lès-Tours",
        "37122",
        "37",
    )


def test_a_postal_code_of_several_communes_asks_which_then_saves_the_choice(client_as, world):
    client, before = client_as("stagiaire"), count()
    data = {"commune": "", "postal_code": "45250", "insee_code": ""}
    response = create(client, data)
    assert response.status_code == 422
    page = visible_text(response)
    assert "Le code postal 45250 dessert 5 communes : choisissez la vôtre ci-dessous." in page
    assert "Choisissez la commune" in page
    assert 'name="commune_choice" value="45245"' in text(response)
    assert count() == before
    chosen = create(client, {**data, "commune_choice": "45245"})
    assert chosen.status_code == 303
    structure = structure_named(FORM["name"])
    assert (structure.commune, structure.insee_code) == ("Ouzouer-sur-Trézée", "45245")


def test_homonyms_without_postal_code_ask_which(client_as, world):
    data = {"commune": "Saint-Denis", "postal_code": "", "insee_code": ""}
    response = create(client_as("stagiaire"), data)
    assert response.status_code == 422
    assert "Plusieurs communes s'appellent « Saint-Denis »" in visible_text(response)
    assert 'value="93066"' in text(response)
    assert create(client_as("stagiaire"), {**data, "postal_code": "97400"}).status_code == 303
    assert structure_named(FORM["name"]).insee_code == "97411"


def test_a_postal_code_of_another_commune_is_refused_and_nothing_saved(client_as, world):
    before = count()
    response = create(client_as("stagiaire"), {"commune": "Tours", "postal_code": "45000",
                                               "insee_code": ""})  # fmt: skip
    assert response.status_code == 422
    page = visible_text(response)
    assert "Le code postal 45000 n'est pas celui de Tours (37000, 37100 ou 37200)." in page
    assert 'value="Tours"' in text(response)
    assert count() == before


def test_an_unknown_commune_is_refused_even_with_an_old_insee_code(client_as, world):
    before = count()
    response = create(client_as("stagiaire"), {"commune": "Atlantide", "postal_code": "",
                                               "insee_code": "45053"})  # fmt: skip
    assert response.status_code == 422
    assert "Commune inconnue : « Atlantide »" in visible_text(response)
    assert 'name="insee_code" type="hidden" value=""' in text(response)
    assert count() == before


def test_a_renamed_commune_follows_the_name_not_the_stale_code(client_as, world):
    response = create(client_as("stagiaire"), {"commune": "gien", "postal_code": "",
                                               "insee_code": "45053"})  # fmt: skip
    assert response.status_code == 303
    structure = structure_named(FORM["name"])
    assert (structure.commune, structure.postal_code, structure.insee_code) == (
        "Gien",
        "45500",
        "45155",
    )


def test_editing_shows_the_insee_code_and_keeps_it(client_as, world):
    structure = world["structure"]
    client = client_as("admin")
    form = text(client.get(f"/annuaire/{structure.id}/modifier"))
    assert structure.insee_code == "45234"  # resolved when the record was saved
    assert "Code INSEE 45234 · Orléans Métropole" in form
    assert 'aria-controls="commune-options"' in form
    data = {**FORM, "name": structure.name, "commune": "Orléans", "postal_code": "45100",
            "insee_code": "45234", "typology": "CCAS", "siret": "",
            "version": str(structure.version)}  # fmt: skip
    response = post_form(client, f"/annuaire/{structure.id}/modifier", data, token_from="/")
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.scalar(select(Structure).where(Structure.id == structure.id))
    assert (saved.postal_code, saved.insee_code) == ("45100", "45234")


def test_departement_comes_from_the_insee_code(make_structure):
    assert make_structure(name="A", commune="Bastia", postal_code="20200").departement == "2B"
    assert make_structure(name="B", commune="Les Abymes", postal_code="97139").departement == "971"
    unknown = make_structure(name="C", commune="Atlantide", postal_code="45999")
    assert (unknown.insee_code, unknown.departement) == (None, "45")
