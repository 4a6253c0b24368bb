"""data·inclusion v1 and v0 files in the directory import, the mapping page and the v1 export.

The files under tests/directory/data/ are built from the schema repository's own examples
(see the README there)."""

from pathlib import Path

import pytest
from sqlalchemy import select

from allervers.directory import datainclusion, importer
from allervers.directory.models import Structure
from allervers.extensions import db
from tests.directory.test_import_export import structures, token_of, upload
from tests.helpers import post_form, text, visible_text

DATA = Path(__file__).parent / "data"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def confirm(client, preview_response):
    token = token_of(preview_response)
    return post_form(client, "/annuaire/import/confirmer", {"token": token}, token_from="/")


def by_di_id(di_id: str) -> Structure | None:
    return db.session.scalar(select(Structure).where(Structure.di_id == di_id))


# ----- pure functions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "items"),
    [
        ("a|b", ["a", "b"]),
        ("a, b", ["a", "b"]),
        ("a;b", ["a", "b"]),
        ("['a', 'b']", ["a", "b"]),
        ('["a","b"]', ["a", "b"]),
        ("[]", []),
        ("", []),
        ("a | a | b", ["a", "b"]),
        ("[a, b]", ["a", "b"]),  # bracketed, neither JSON nor Python: what is inside
    ],
)
def test_list_cells_in_every_usual_spelling(cell, items):
    assert datainclusion.split_cell(cell) == items


@pytest.mark.parametrize(
    ("keys", "version"),
    [
        (["source", "id", "nom", "date_maj", "reseaux_porteurs"], "v1"),
        (["source", "id", "nom", "date_maj"], "v1"),
        (["nom", "reseaux_porteurs"], "v1"),
        (["id", "nom", "source", "date_maj", "typologie"], "v0"),
        (["nom", "typologie", "commune"], None),  # ours
    ],
)
def test_schema_version_is_read_from_the_columns(keys, version):
    assert datainclusion.version_of(keys) == version


def test_every_network_of_the_v1_vocabulary_is_mapped_to_a_known_typology():
    networks = set(datainclusion.labels("reseaux-porteurs"))
    assert set(datainclusion.reseaux()) == networks
    assert datainclusion.typology_of_reseaux(["ccas-cias", "communes"]) == ("CCAS", None, [])
    # a structure of several networks: the first one mapped to something else than « Autre »
    assert datainclusion.typology_of_reseaux(["inconnu", "aidants-connect", "caf"]) == (
        "CAF",
        None,
        ["inconnu"],
    )
    assert datainclusion.typology_of_reseaux(["adie"]) == ("ASSO", "emploi", [])


def test_the_shared_jeunes_code_keeps_its_meaning_on_each_side():
    # ours: 16-25 year olds without job nor training; data·inclusion's: young people at large
    assert datainclusion.publics_of(["jeunes"], data_inclusion=False) == (["jeunes"], [])
    assert datainclusion.publics_of(["jeunes"], data_inclusion=True) == (
        ["jeunes-au-sens-large"],
        [],
    )
    # the other data·inclusion publics read in either file, ours too
    assert datainclusion.publics_of(
        ["residents-qpv-frr", "personnes-exilees", "martiens"], data_inclusion=False
    ) == (["qpv", "ruraux", "exiles"], ["martiens"])
    assert datainclusion.publics_of(["handicap"], data_inclusion=True) == (["handicap"], [])


def test_every_data_inclusion_public_is_mapped_to_our_codes():
    ours = {code for code, _label in importer.vocab.choices("publics")}
    for value in datainclusion.labels("publics"):
        codes = datainclusion.publics_in()[value]
        assert codes, value
        assert set(codes) <= ours
    assert set(datainclusion.publics_out().values()) <= set(datainclusion.labels("publics"))


# ----- v1 -------------------------------------------------------------------------------------


def test_v1_file_preview(app):
    result = importer.preview(read("di-v1-structures.csv"))
    assert result.version == "v1"
    assert [row.name for row in result.to_create] == [
        "Centre social Le Tournesol",
        "CCAS de Gien",  # the same head office SIRET: another structure all the same
        "Mission locale de l'Orléanais",
        "Tiers-lieu des Aubrais",
    ]
    assert result.errors == [
        "Ligne 6 : la commune est obligatoire (ou son code INSEE, ou son code postal)"
    ]
    assert result.unrecognised == ["reseau-de-demain (réseau porteur)"]
    assert result.ignored == [
        "adresse",
        "complement_adresse",
        "lien_source",
        "horaires_accueil",
        "accessibilite_lieu",
    ]
    tournesol, ccas, mission, tiers_lieu = (row.fields for row in result.to_create)
    # the commune comes from the INSEE code, or from a postal code that serves one commune
    assert (tournesol["commune"], tournesol["insee_code"]) == ("Orléans", "45234")
    assert (ccas["commune"], ccas["postal_code"]) == ("Gien", "45500")
    assert (tiers_lieu["commune"], tiers_lieu["insee_code"]) == ("Orléans", "45234")
    assert (tournesol["typology"], tournesol["phone"]) == ("CS", "+33123456789")
    assert (ccas["typology"], mission["typology"], tiers_lieu["typology"]) == (
        "CCAS",
        "ML",
        "Autre",
    )
    assert (tournesol["latitude"], tournesol["longitude"]) == (47.9029, 1.9093)
    assert tournesol["description"].startswith("L’association 3027")


def test_v1_import_then_a_newer_file_updates_instead_of_duplicating(client_as, world):
    client = client_as("admin")
    before = structures()
    page = visible_text(upload(client, read("di-v1-structures.csv")))
    assert "Format reconnu : data·inclusion v1." in page
    assert "Valeurs non reconnues : reseau-de-demain (réseau porteur)." in page
    assert "1 ligne en erreur" in page
    response = confirm(client, upload(client, read("di-v1-structures.csv")))
    assert response.status_code == 303
    assert structures() == before + 4
    tournesol = by_di_id("emplois-de-linclusion--17")
    assert (tournesol.di_source, tournesol.siret) == ("emplois-de-linclusion", "13003013300016")
    assert by_di_id("france-travail--ccas-provence-alpes-cote-dazur-2024-01-01").siret == (
        "13003013300016"
    )

    newer = upload(client, read("di-v1-structures-newer.csv"))
    page = visible_text(newer)
    assert "3 lignes lues : 0 à créer , 2 à mettre à jour , 1 déjà dans l'annuaire" in page
    assert "téléphone : +33123456789 → +33 2 38 00 00 00" in page
    assert "typologie : ML → PIJ_BIJ" in page
    response = confirm(client, newer)
    message = visible_text(client.get(response.headers["Location"]))
    assert "0 structure créée, 2 structures mises à jour, 1 ligne déjà dans l'annuaire" in message
    assert structures() == before + 4
    db.session.expire_all()
    assert by_di_id("emplois-de-linclusion--17").phone == "+33 2 38 00 00 00"
    mission = by_di_id("dora--AidantsConnect:2024-47BXY")
    assert (mission.typology, mission.sector) == ("PIJ_BIJ", "jeunesse")
    # a column the newer file does not have is left as it was
    assert by_di_id("emplois-de-linclusion--17").latitude == 47.9029


def test_v1_services_file_completes_the_structures(client_as, world):
    client = client_as("admin")
    confirm(client, upload(client, read("di-v1-structures.csv")))
    preview = upload(client, read("di-v1-services.csv"))
    page = visible_text(preview)
    assert "Format reconnu : services data·inclusion v1." in page
    assert "Ligne 4 : la structure « dora--inconnue » (dora) n'est pas dans l'annuaire" in page
    assert "1 à mettre à jour" in page
    confirm(client, preview)
    db.session.expire_all()
    tournesol = by_di_id("emplois-de-linclusion--17")
    assert tournesol.thematiques == [
        "choisir-un-metier--confirmer-son-choix-de-metier",
        "difficultes-administratives-ou-juridiques--beneficier-dune-mesure-daccompagnement-adapte",
        "numerique--acquerir-un-equipement",
    ]
    assert tournesol.public_codes == ["femmes", "jeunes-au-sens-large", "qpv", "ruraux"]
    assert tournesol.modes_accueil == ["en-presentiel", "a-distance"]
    assert tournesol.typology == "CS"  # what the services file does not give stays
    page = visible_text(client.get(f"/annuaire/{tournesol.id}"))
    assert "Confirmer son choix de métier, Bénéficier d’une mesure" in page
    assert "Modes d'accueil En présentiel, À distance" in page
    assert "Fiche data·inclusion emplois-de-linclusion · emplois-de-linclusion--17" in page


# ----- v0 -------------------------------------------------------------------------------------


def test_v0_file_is_read_with_its_typologie(client_as, world):
    client = client_as("formateur")
    preview = upload(client, read("di-v0-structures.csv"))
    page = visible_text(preview)
    assert "Format reconnu : data·inclusion v0." in page
    assert "2 lignes lues : 2 à créer" in page
    assert "Valeurs non reconnues : XYZ (typologie)." in page
    confirm(client, preview)
    mobilette = by_di_id("c3d15659-8de9-4fd6-b283-04d50f6ace57")
    assert (mobilette.typology, mobilette.sector, mobilette.commune) == (
        "ASSO",
        "caritatif",
        "Robinboeuf CEDEX",
    )
    assert mobilette.description.startswith("L’association Mobilette")
    assert (mobilette.latitude, mobilette.longitude) == (48.7703, 7.848133)
    assert by_di_id("c3d15659-8de9-4fd6-b283-04d50f6ace58").typology == "Autre"


# ----- our own columns ------------------------------------------------------------------------


def test_rows_without_commune_resolve_it_or_say_why(app):
    result = importer.preview(
        "nom;code_postal;code_insee\n"
        "A;;45155\n"
        "B;45000;\n"
        "C;45800;\n"  # Saint-Jean-de-Braye and Combleux
        "D;;99999\n"
    )
    assert [(r.fields["commune"], r.fields["insee_code"]) for r in result.to_create] == [
        ("Gien", "45155"),
        ("Orléans", "45234"),
    ]
    assert result.errors == [
        "Ligne 4 : la commune manque et le code postal 45800 dessert 2 communes : "
        "ajoutez la commune ou le code INSEE",
        "Ligne 5 : la commune manque et le code INSEE 99999 ne désigne aucune commune : ajoutez-la",
    ]


def test_long_thematique_codes_and_python_lists_are_accepted(app):
    code = (
        "difficultes-administratives-ou-juridiques--beneficier-dune-mesure-daccompagnement-adapte"
    )
    result = importer.preview(
        f"nom;commune;thematiques;publics\nA;Gien;['{code}', 'sante--sante-mentale'];"
        "['jeunes', 'femmes']\n"
    )
    assert result.errors == []
    fields = result.to_create[0].fields
    assert fields["thematiques"] == [code, "sante--sante-mentale"]
    assert fields["publics"] == ["jeunes", "femmes"]
    # free text keeps its limit
    assert (
        "80 caractères"
        in importer.preview(f"nom;commune;thematiques\nA;Gien;{'x' * 81}\n").errors[0]
    )


def test_a_structure_with_long_codes_can_be_edited(client_as, world, make_structure):
    code = (
        "difficultes-administratives-ou-juridiques--beneficier-dune-mesure-daccompagnement-adapte"
    )
    structure = make_structure(name="Point justice", commune="Gien", thematiques=[code])
    form = {"name": "Point justice", "commune": "Gien", "postal_code": "45500",
            "insee_code": "45155", "typology": "PAD", "thematiques": code,
            "version": str(structure.version)}  # fmt: skip
    response = post_form(
        client_as("admin"), f"/annuaire/{structure.id}/modifier", form, token_from="/"
    )
    assert response.status_code == 303
    db.session.refresh(structure)
    assert (structure.typology, structure.thematiques) == ("PAD", [code])


def test_a_shared_siret_alone_does_not_make_the_same_structure(app, make_structure):
    make_structure(name="Siège", commune="Gien", siret="13003013300016")
    result = importer.preview(
        "nom;commune;siret\nAntenne A;Gien;13003013300016\nAntenne B;Gien;13003013300016\n"
    )
    assert [row.name for row in result.to_create] == ["Antenne A", "Antenne B"]
    assert (result.existing, result.errors) == ([], [])


def test_own_export_reimports_with_nothing_to_create_and_phone_as_it_was(
    client_as, world, make_structure
):
    make_structure(name="Créée depuis une carte", commune=None, postal_code=None)
    make_structure(name="=Épicerie", commune="Gien", phone="+33 2 38 00 00 00",
                   thematiques=["-moins", "sante--sante-mentale"], publics=["jeunes"],
                   latitude=47.7, longitude=2.6, modes_accueil=["a-distance"])  # fmt: skip
    client = client_as("admin")
    body = client.get("/annuaire/export.csv").get_data(as_text=True)
    assert "'+33 2 38 00 00 00" in body
    result = importer.preview(body)
    assert (result.to_create, result.to_update, result.errors) == ([], [], [])
    assert len(result.existing) == structures()
    row = next(row for row, s in result.existing if s.name == "=Épicerie")
    assert row.fields["phone"] == "+33 2 38 00 00 00"
    assert row.fields["name"] == "=Épicerie"
    assert row.fields["thematiques"] == ["-moins", "sante--sante-mentale"]
    assert row.fields["publics"] == ["jeunes"]  # ours, not data·inclusion's
    assert (row.fields["latitude"], row.fields["modes_accueil"]) == (47.7, ["a-distance"])


# ----- data·inclusion export ------------------------------------------------------------------


def test_data_inclusion_export_has_the_v1_columns_and_reimports(client_as, world, make_structure):
    make_structure(name="Mission locale", commune="Gien", postal_code="45500", typology="ML",
                   publics=["jeunes", "handicap", "gens-du-voyage"],
                   thematiques=["sante--sante-mentale"])  # fmt: skip
    make_structure(name="Association de quartier", commune="Gien", typology="ASSO")
    client = client_as("stagiaire")
    response = client.get("/annuaire/export-data-inclusion.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "annuaire-data-inclusion-" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0] == ",".join(datainclusion.V1_COLUMNS)
    mission = next(line for line in lines if "Mission locale" in line)
    assert mission.startswith("aller-vers,")
    assert ",mission-locale," in mission
    assert "personnes-en-situation-de-handicap|jeunes," in mission  # no value for gens du voyage
    # several networks map to « Associations »: none is guessed
    assert "croix-rouge" not in body
    assert [datainclusion.reseaux_of(code) for code in ("EA", "CCAS", "ASSO", "PMI")] == [
        ["ea"],
        ["ccas-cias"],
        [],
        [],
    ]
    result = importer.preview(body)
    assert result.version == "v1"
    assert (result.to_create, result.errors) == ([], [])
    assert len(result.existing) == structures()


def test_data_inclusion_export_link_on_the_list(client_as, world):
    page = text(client_as("stagiaire").get("/annuaire?q=caf"))
    assert 'href="/annuaire/export-data-inclusion.csv?q=caf"' in page


# ----- the mapping page -----------------------------------------------------------------------


def test_mapping_page_for_staff(client_as, world):
    response = client_as("formateur").get("/annuaire/import/data-inclusion")
    assert response.status_code == 200
    page = visible_text(response)
    assert "ccas-cias" in page
    assert "Jeunes au sens large (adolescents, jeunes adultes)" in page
    fragment = client_as("admin").get(
        "/annuaire/import/data-inclusion", headers={"HX-Request": "true"}
    )
    assert "<html" not in text(fragment)
    assert "Réseaux porteurs (v1)" in text(fragment)


@pytest.mark.parametrize("role", ["stagiaire", "referent"])
def test_mapping_page_is_staff_only(client_as, world, role):
    assert client_as(role).get("/annuaire/import/data-inclusion").status_code == 404
