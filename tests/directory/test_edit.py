"""Creating and editing a structure: the form, its checks, duplicates, permissions, conflicts."""

import pytest
from sqlalchemy import select

from allervers.core.timeutil import utcnow
from allervers.directory.models import Structure
from allervers.extensions import db
from tests.helpers import post_form, text, visible_text

FORM = {
    "name": "Épicerie solidaire de Briare",
    "acronym": "",
    "typology": "ES",
    "sector": "",
    "commune": "Briare",
    "postal_code": "45250",
    "insee_code": "45053",
    "siret": "123 456 789 00012",
    "website": "www.epicerie-briare.fr",
    "phone": "02 38 00 00 00",
    "email": "accueil@epicerie-briare.fr",
    "description": "Aide alimentaire et ateliers.",
    "publics": ["travailleurs-precaires", "familles-monoparentales"],
    "thematiques": "alimentation, budget , alimentation,",
}


def structure_named(name: str) -> Structure | None:
    return db.session.scalar(select(Structure).where(Structure.name == name))


def count() -> int:
    return len(db.session.scalars(select(Structure)).all())


def create(client, data=None, **kwargs):
    data = {**FORM, **(data or {})}
    return post_form(client, "/annuaire/nouvelle", data, token_from="/", **kwargs)


# ----- creating -------------------------------------------------------------------------------


def test_every_signed_in_user_may_create_a_structure(client_as, world):
    client = client_as("stagiaire_autre")
    response = create(client)
    assert response.status_code == 303
    structure = structure_named("Épicerie solidaire de Briare")
    assert response.headers["Location"] == f"/annuaire/{structure.id}"
    assert structure.created_by_id == world["stagiaire_autre"].id
    assert structure.siret == "12345678900012"
    assert structure.website == "https://www.epicerie-briare.fr"
    assert structure.insee_code == "45053"
    assert structure.thematiques == ["alimentation", "budget"]
    assert structure.public_codes == ["familles-monoparentales", "travailleurs-precaires"]
    # derived fields: sector from the typology, département, search key
    assert (structure.sector, structure.has_custom_sector) == ("caritatif", False)
    assert structure.departement == "45"
    assert structure.search_text == "epicerie solidaire de briare briare"
    page = text(client.get(response.headers["Location"]))
    assert "a été ajoutée à l'annuaire" in page
    assert "Personnes en situation de handicap" not in page
    assert "Familles monoparentales" in page


def test_a_sector_chosen_by_hand_overrides_the_typology(client_as, world):
    create(client_as("stagiaire"), {"sector": "social"})
    structure = structure_named(FORM["name"])
    assert (structure.sector, structure.has_custom_sector) == ("social", True)


def test_the_form_page_and_its_fragment(client_as, world):
    client = client_as("stagiaire")
    page = text(client.get("/annuaire/nouvelle"))
    assert "<h1>Nouvelle structure</h1>" in page
    assert '<option value="CCAS">Centres communaux d’action sociale (CCAS)</option>' in page
    assert "Déduit de la typologie" in page
    assert "<legend>Publics accompagnés</legend>" in page
    assert "créer quand même" not in page  # only when duplicates were found
    fragment = client.get("/annuaire/nouvelle", headers={"HX-Request": "true"})
    assert "<html" not in text(fragment)
    assert "<form" in text(fragment)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "Saisissez le nom de la structure."),
        ("typology", "XYZ", "Typologie « XYZ » inconnue"),
        ("typology", "", "Choisissez une typologie"),
        ("sector", "pirates", "Secteur « pirates » inconnu"),
        ("publics", ["jeunes", "martiens"], "Public « martiens » inconnu"),
        ("commune", "Nulle-Part-sur-Mer", "Commune inconnue : « Nulle-Part-sur-Mer »"),
        ("postal_code", "45000", "Le code postal 45000 n'est pas celui de Briare (45250)."),
        ("postal_code", "4525", "Le code postal compte cinq chiffres"),
        ("siret", "1234", "Le SIRET compte 14 chiffres"),
        ("website", "ftp://exemple.fr", "Saisissez l'adresse complète du site"),
        ("website", "javascript:alert(1)", "Saisissez l'adresse complète du site"),
        ("phone", "appelez-nous", "Saisissez un numéro de téléphone"),
        ("email", "accueil@", "Cette adresse e-mail n'est pas valide"),
        ("thematiques", ",".join(f"t{n}" for n in range(31)), "30 thématiques au plus."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_kept(client_as, world, field, value, message):
    before = count()
    response = create(client_as("stagiaire"), {field: value})
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert 'aria-invalid="true"' in page or 'class="field-error"' in page
    assert "Aide alimentaire et ateliers." in page  # what was typed stays
    if field in ("postal_code", "siret", "phone", "email"):
        assert f'value="{value}"' in page
    assert count() == before


def test_refused_form_as_an_htmx_fragment(client_as, world):
    response = create(client_as("stagiaire"), {"typology": "XYZ"}, htmx=True)
    assert response.status_code == 422
    assert "<html" not in text(response)
    assert "Typologie « XYZ » inconnue" in text(response)


def test_corsican_insee_code_and_empty_optional_fields(client_as, world):
    data = {"insee_code": "2a004", "siret": "", "website": "", "phone": "", "email": "",
            "publics": [], "thematiques": "", "commune": "Ajaccio",
            "postal_code": "20000"}  # fmt: skip
    assert create(client_as("stagiaire"), data).status_code == 303
    structure = structure_named(FORM["name"])
    assert (structure.insee_code, structure.departement) == ("2A004", "2A")
    assert structure.siret is None
    assert structure.public_codes == []


# ----- duplicates and SIRET ------------------------------------------------------------------


def test_likely_duplicate_is_shown_before_saving_then_created_anyway(client_as, world):
    client, before = client_as("stagiaire"), count()
    data = {"name": "CCAS d’ORLEANS", "commune": "orléans", "postal_code": "", "insee_code": "",
            "typology": "CCAS", "siret": ""}  # fmt: skip
    response = create(client, data)
    assert response.status_code == 422
    page = visible_text(response)
    assert "Cette structure est peut-être déjà dans l'annuaire" in page
    assert "CCAS d'Orléans — Orléans (45000)" in page
    assert f'href="/annuaire/{world["structure"].id}">Utiliser cette structure' in text(response)
    assert "Ce n'est pas un doublon, créer quand même" in page
    assert 'value="CCAS d’ORLEANS"' in text(response)
    assert count() == before
    response = create(client, {**data, "not_duplicate": "y"})
    assert response.status_code == 303
    assert count() == before + 1


def test_same_acronym_in_the_same_commune_is_a_likely_duplicate(client_as, world):
    data = {"name": "Caisse d'allocations familiales", "acronym": "caf", "commune": "Orléans",
            "postal_code": "", "insee_code": "", "typology": "CAF", "siret": ""}  # fmt: skip
    response = create(client_as("stagiaire"), data)
    assert response.status_code == 422
    assert "CAF du Loiret" in visible_text(response)
    elsewhere = create(client_as("stagiaire"), {**data, "commune": "Tours"})
    assert elsewhere.status_code == 303


def test_a_siret_already_listed_is_a_warning_with_a_clear_message(client_as, world):
    # data·inclusion allows a head office's SIRET on several structures: the person confirms
    world["structure"].siret = "12345678900012"
    db.session.commit()
    response = create(client_as("stagiaire"))
    assert response.status_code == 422
    page = text(response)
    assert "Ce SIRET est déjà celui de « CCAS d'Orléans » (Orléans)" in page
    assert "Utiliser cette structure" in page
    assert "créer quand même" in page
    assert structure_named(FORM["name"]) is None
    assert create(client_as("stagiaire"), {"not_duplicate": "y"}).status_code == 303
    assert structure_named(FORM["name"]).siret == "12345678900012"


def test_siret_of_a_deleted_structure_says_it_can_be_restored(client_as, world, make_structure):
    make_structure(name="Ancienne épicerie", siret="12345678900012").deleted_at = utcnow()
    db.session.commit()
    response = create(client_as("stagiaire"))
    assert response.status_code == 422
    assert "supprimée : un formateur peut la restaurer" in text(response)


# ----- editing --------------------------------------------------------------------------------


def edit_data(structure, **changes) -> dict:
    return {**FORM, "name": structure.name, "commune": structure.commune,
            "postal_code": structure.postal_code or "", "insee_code": structure.insee_code or "",
            "typology": "CCAS", "siret": "", "version": str(structure.version),
            **changes}  # fmt: skip


@pytest.mark.parametrize("role", ["referent", "formateur", "formateur_autre", "admin"])
def test_referent_of_the_structure_and_staff_edit_it(client_as, world, role):
    structure = world["structure"]
    client = client_as(role)
    form = text(client.get(f"/annuaire/{structure.id}/modifier"))
    assert 'value="CCAS d\'Orléans"' in form
    assert 'name="version" type="hidden" value="1"' in form
    response = post_form(
        client, f"/annuaire/{structure.id}/modifier",
        edit_data(structure, acronym="CCAS", publics=["non-recours"]), token_from="/",
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"] == f"/annuaire/{structure.id}"
    db.session.refresh(structure)
    assert structure.acronym == "CCAS"
    assert structure.public_codes == ["non-recours"]
    assert structure.version == 2
    assert structure.search_text == "ccas d orleans ccas orleans"


def test_unticking_every_public_clears_them(client_as, world):
    structure = world["structure"]
    path = f"/annuaire/{structure.id}/modifier"
    client = client_as("referent")
    post_form(client, path, edit_data(structure, publics=["jeunes"]), token_from="/")
    data = {k: v for k, v in edit_data(structure).items() if k != "publics"}  # none ticked
    assert post_form(client, path, data, token_from="/").status_code == 303
    db.session.refresh(structure)
    assert structure.public_codes == []


@pytest.mark.parametrize("role", ["stagiaire", "stagiaire_autre"])
def test_others_get_404_on_edit(client_as, world, role):
    structure = world["structure"]
    client = client_as(role)  # the trainee works there, but is not its référent
    assert client.get(f"/annuaire/{structure.id}/modifier").status_code == 404
    response = post_form(
        client, f"/annuaire/{structure.id}/modifier", edit_data(structure, acronym="X"),
        token_from="/",
    )  # fmt: skip
    assert response.status_code == 404
    db.session.refresh(structure)
    assert structure.acronym is None
    assert "Modifier la fiche" not in text(client.get(f"/annuaire/{structure.id}"))


def test_the_creator_edits_what_they_added(client_as, world):
    client = client_as("stagiaire_autre")
    create(client)
    structure = structure_named(FORM["name"])
    path = f"/annuaire/{structure.id}/modifier"
    response = post_form(client, path, {**FORM, "acronym": "ESB", "version": "1"}, token_from="/")
    assert response.status_code == 303
    db.session.refresh(structure)
    assert structure.acronym == "ESB"
    assert client_as("stagiaire").get(path).status_code == 404


def test_edit_refuses_bad_input_with_422(client_as, world):
    structure = world["structure"]
    response = post_form(
        client_as("admin"), f"/annuaire/{structure.id}/modifier",
        edit_data(structure, typology="XYZ", acronym="Nouveau"), token_from="/",
    )  # fmt: skip
    assert response.status_code == 422
    assert "Typologie « XYZ » inconnue" in text(response)
    assert 'value="Nouveau"' in text(response)
    db.session.refresh(structure)
    assert (structure.typology, structure.acronym) == ("CCAS", None)


def test_edit_refuses_a_siret_already_taken(client_as, world):
    world["partner"].siret = "12345678900012"
    db.session.commit()
    structure = world["structure"]
    response = post_form(
        client_as("admin"), f"/annuaire/{structure.id}/modifier",
        edit_data(structure, siret="12345678900012"), token_from="/",
    )  # fmt: skip
    assert response.status_code == 422
    assert "Ce SIRET est déjà celui de « CAF du Loiret »" in text(response)
    db.session.refresh(structure)
    assert structure.siret is None


def test_keeping_its_own_siret_is_fine(client_as, world):
    structure = world["structure"]
    structure.siret = "12345678900012"
    db.session.commit()
    response = post_form(
        client_as("admin"), f"/annuaire/{structure.id}/modifier",
        edit_data(structure, siret="12345678900012", acronym="CCAS"), token_from="/",
    )  # fmt: skip
    assert response.status_code == 303


def test_concurrent_edit_gets_a_conflict_and_loses_nothing(client_as, world):
    structure = world["structure"]
    first, second = client_as("formateur"), client_as("referent")
    path = f"/annuaire/{structure.id}/modifier"
    stale = edit_data(structure)
    post_form(first, path, {**stale, "acronym": "CCAS45", "publics": ["jeunes"]}, token_from="/")
    response = post_form(
        second, path, {**stale, "acronym": "CCAS-O", "publics": ["jeunes"]}, token_from="/"
    )
    assert response.status_code == 409
    page = text(response)
    assert "Quelqu'un a modifié cette fiche" in page
    assert 'value="CCAS-O"' in page  # the second person's input is kept
    assert "Valeur enregistrée entre-temps : « CCAS45 »" in page
    assert "Valeur enregistrée entre-temps : « Jeunes" not in page  # same publics: no note
    assert 'name="version" type="hidden" value="2"' in page  # saving again takes the new one
    db.session.refresh(structure)
    assert structure.acronym == "CCAS45"
    again = post_form(second, path, {**stale, "acronym": "CCAS-O", "version": "2"}, token_from="/")
    assert again.status_code == 303


def test_conflict_as_an_htmx_fragment(client_as, world):
    structure = world["structure"]
    path = f"/annuaire/{structure.id}/modifier"
    first, second = edit_data(structure, acronym="A"), edit_data(structure, acronym="B")
    post_form(client_as("admin"), path, first, token_from="/")
    response = post_form(client_as("formateur"), path, second, htmx=True, token_from="/")
    assert response.status_code == 409
    assert "<html" not in text(response)
    assert "Valeur enregistrée entre-temps : « A »" in text(response)
