"""CSV import (preview, errors by line, confirmation) and CSV export of the directory."""

import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from allervers.core.timeutil import utcnow
from allervers.directory import importer
from allervers.directory.models import Structure
from allervers.extensions import db
from tests.helpers import csrf_token, post_form, text, visible_text

OURS = (
    "nom;sigle;typologie;secteur;commune;code_postal;code_insee;siret;site_web;telephone;"
    "courriel;description;publics;thematiques;remarque\n"
    "Épicerie solidaire de Briare;;ES;;Briare;45250;45053;12345678900012;www.epicerie.fr;"
    "02 38 00 00 00;accueil@epicerie.fr;Aide alimentaire;travailleurs-precaires, jeunes;"
    "alimentation;à voir\n"
    "CCAS d'Orléans;CCAS;CCAS;;Orléans;45000;;;;;;;;;\n"  # already in the directory
    "Mission locale;ML;XYZ;;Orléans;45000;;;;;;;;;\n"  # line 4: unknown typology → Autre
    "Point conseil budget;;;social;Gien;45500;;;;;;;;;\n"  # empty typology → Autre
    ";;CCAS;;Gien;;;;;;;;;;\n"  # line 6: no name
    "CMP de Gien;;cmp;;Gien;4550;;1234;;;;;martiens;;\n"  # line 7: postal code and SIRET
    "Épicerie solidaire de Briare;;ES;;BRIARE;;;;;;;;;;\n"  # line 8: twice in the file
)

DATA_INCLUSION = (
    "id,siret,rna,nom,commune,code_postal,code_insee,adresse,longitude,latitude,typologie,"
    "telephone,courriel,site_web,presentation_resume,presentation_detail,source,thematiques\n"
    "abc,13000548100010,,France Services Gien,Gien,45500,45155,1 rue X,2.6,47.7,RFS,"
    "0238000000,gien@france-services.fr,https://www.france-services.gouv.fr,"
    '"Accès aux droits, démarches",Long texte,dora,"numerique|acces-aux-droits, mobilite"\n'
)


def upload(client, content: str | bytes, filename: str = "structures.csv", **kwargs):
    """POST the file as a browser does. The body is built in memory: the test client would
    spool a large one to a temporary file it never closes (a ResourceWarning)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    fields = MultiDict({"csrf_token": csrf_token(client, "/")})
    fields.add("file", FileStorage(io.BytesIO(data), filename, content_type="text/csv"))
    boundary, body = encode_multipart(fields)
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post("/annuaire/import", data=body, content_type=content_type, **kwargs)


def token_of(response) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', text(response)).group(1)


def structures() -> int:
    return db.session.scalar(select(func.count()).select_from(Structure))


def test_preview_lists_rows_to_create_existing_ones_and_errors_by_line(client_as, world):
    before = structures()
    response = upload(client_as("formateur"), OURS)
    assert response.status_code == 200
    page = visible_text(response)
    assert "7 lignes lues : 3 à créer" in page
    # one entry per refused line, with all its problems: line 7 has two
    assert "1 déjà dans l'annuaire, 3 lignes en erreur. Rien n'est encore enregistré." in page
    for error in (
        "Ligne 6 : le nom est obligatoire",
        "Ligne 7 : code postal « 4550 » invalide (5 chiffres) ; SIRET invalide (14 chiffres)",
        "Ligne 8 : même structure que la ligne 2",
    ):
        assert error in page, error
    # an unknown typology is not a refusal: the row is imported as « Autre », the value listed
    assert "Valeurs non reconnues : XYZ (typologie)." in page
    assert "Format reconnu : colonnes de l'annuaire." in page
    assert "Colonnes ignorées : remarque." in page
    assert "Ligne 3 : « CCAS d'Orléans » déjà présente" in page
    assert "Épicerie solidaire de Briare" in page
    assert "Point conseil budget" in page
    assert structures() == before  # nothing is written before the confirmation


def test_confirm_creates_the_valid_rows_in_one_go(client_as, world):
    client = client_as("admin")
    before = structures()
    token = token_of(upload(client, OURS))
    response = post_form(client, "/annuaire/import/confirmer", {"token": token}, token_from="/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/annuaire?tri=recent"
    assert structures() == before + 3
    message = visible_text(client.get(response.headers["Location"]))
    assert "Import terminé : 3 structures créées, 1 ligne déjà dans l'annuaire" in message
    assert "3 lignes en erreur, non importées." in message
    epicerie = db.session.scalar(select(Structure).where(Structure.siret == "12345678900012"))
    assert epicerie.created_by_id == world["admin"].id
    assert epicerie.website == "https://www.epicerie.fr"
    assert epicerie.public_codes == ["jeunes", "travailleurs-precaires"]
    assert (epicerie.sector, epicerie.departement) == ("caritatif", "45")
    budget = db.session.scalar(select(Structure).where(Structure.name == "Point conseil budget"))
    assert (budget.typology, budget.sector, budget.has_custom_sector) == ("Autre", "social", True)
    # the same file again: everything is already there
    again = visible_text(upload(client, OURS))
    assert "0 à créer , 4 déjà dans l'annuaire" in again
    mission = db.session.scalar(select(Structure).where(Structure.name == "Mission locale"))
    assert (mission.typology, mission.acronym) == ("Autre", "ML")


def test_data_inclusion_export_is_accepted_as_it_is(client_as, world):
    client = client_as("formateur")
    preview = upload(client, "\ufeff" + DATA_INCLUSION)  # with a BOM, comma-separated
    page = visible_text(preview)
    assert "1 ligne lue : 1 à créer" in page
    assert "Colonnes ignorées : rna, adresse, presentation_detail." in page
    post_form(client, "/annuaire/import/confirmer", {"token": token_of(preview)}, token_from="/")
    created = db.session.scalar(select(Structure).where(Structure.siret == "13000548100010"))
    assert created.name == "France Services Gien"
    assert created.description == "Accès aux droits, démarches"
    assert created.thematiques == ["numerique", "acces-aux-droits", "mobilite"]
    assert (created.typology, created.insee_code, created.phone) == ("RFS", "45155", "0238000000")
    assert (created.latitude, created.longitude) == (47.7, 2.6)
    assert (created.di_source, created.di_id) == ("dora", "abc")


def test_a_tampered_token_writes_nothing(client_as, world):
    client = client_as("admin")
    token = token_of(upload(client, OURS))
    before = structures()
    # Change one character of the signed payload (always a real change, unlike a fixed suffix
    # that may already be there or fall on base64 padding bits).
    tampered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    response = post_form(client, "/annuaire/import/confirmer", {"token": tampered}, token_from="/")
    assert response.headers["Location"] == "/annuaire/import"
    assert "envoyez de nouveau le fichier" in text(client.get("/annuaire/import"))
    assert structures() == before


def test_confirmation_rechecks_the_directory(client_as, world, make_structure):
    client = client_as("admin")
    token = token_of(upload(client, OURS))
    make_structure(name="Épicerie solidaire de Briare", commune="Briare")  # added meanwhile
    before = structures()
    post_form(client, "/annuaire/import/confirmer", {"token": token}, token_from="/")
    assert structures() == before + 2  # the Mission locale and the Point conseil budget


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nom;commune\n\xe9picerie;Gien\n", "n'est pas encodé en UTF-8"),
        ("commune;siret\nGien;\n", "La colonne « nom » est introuvable"),
        ("", "Choisissez le fichier à importer (CSV, .xlsx ou .ods)."),
        ("   \n", "Le fichier est vide."),
        ("nom;commune\n" + "x;Gien\n" * 5001, "plus de 5 000 lignes"),
        ("nom;commune\n" + "x" * (2 * 1024 * 1024), "dépasse 2 Mo"),
    ],
)
def test_unreadable_files_are_refused_in_french(client_as, world, content, message):
    client = client_as("formateur")
    if content == "":
        payload = {"csrf_token": csrf_token(client, "/")}
        response = client.post("/annuaire/import", data=payload)
    else:
        response = upload(client, content)
    assert response.status_code == 422
    assert message in text(response)


def test_import_form_page_and_fragment(client_as, world):
    client = client_as("admin")
    assert 'enctype="multipart/form-data"' in text(client.get("/annuaire/import"))
    response = upload(client, "nom;commune\nÉpicerie;Gien\n", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert "1 ligne lue" in text(response)


@pytest.mark.parametrize("role", ["stagiaire", "referent"])
def test_only_staff_import(client_as, world, role):
    client = client_as(role)
    assert client.get("/annuaire/import").status_code == 404
    assert upload(client, OURS).status_code == 404
    assert "Importer un fichier CSV" not in text(client.get("/annuaire"))


# ----- export ---------------------------------------------------------------------------------


def test_export_is_a_french_spreadsheet_of_the_filtered_list(client_as, world, make_structure):
    make_structure(name="=HYPERLINK(\"http://x\")", commune="Gien", phone="+33 2 38 00 00 00",
                   description="@SUM(A1)", publics=["jeunes", "non-recours"],
                   thematiques=["-moins", "\tindent"])  # fmt: skip
    make_structure(name="Deleted", commune="Gien").deleted_at = utcnow()
    db.session.commit()
    response = client_as("stagiaire").get("/annuaire/export.csv?commune=gien&page=2")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeffnom;sigle;typologie;secteur;commune;code_postal;")
    lines = body.lstrip("\ufeff").strip("\r\n").split("\r\n")
    assert len(lines) == 2  # the header and the one live structure of Gien, every page
    assert "'=HYPERLINK" in lines[1]
    assert "'+33 2 38 00 00 00" in lines[1]
    assert "'@SUM(A1)" in lines[1]
    assert "jeunes, non-recours" in lines[1]
    assert "'-moins, \tindent" in lines[1]
    assert "CCAS d'Orléans" not in body
    assert "Deleted" not in body


def test_export_link_follows_the_search(client_as, world):
    page = text(client_as("stagiaire").get("/annuaire?q=caf&page=1"))
    assert 'href="/annuaire/export.csv?q=caf"' in page
    body = client_as("stagiaire").get("/annuaire/export.csv?q=caf").get_data(as_text=True)
    assert "CAF du Loiret" in body
    assert "CCAS d'Orléans" not in body


def test_export_reads_back_as_an_import(client_as, world):
    client = client_as("admin")
    body = client.get("/annuaire/export.csv").get_data(as_text=True)
    page = visible_text(upload(client, body))
    assert "0 à créer , 2 déjà dans l'annuaire, 0 ligne en erreur." in page


def test_a_description_naming_a_person_is_refused(app):
    # Was: imported as is, where the structure's form asks to confirm. A structure's own
    # address and phone are welcome, as in the form.
    result = importer.preview(
        "nom;commune;description\n"
        "CCAS de Gien;Gien;Accueil 2 place du Château, 02 38 00 00 00\n"
        "Épicerie;Gien;Tenue par Mme Martine Dupont, née le 3 mars 1961\n"
    )
    assert [row.line for row in result.to_create] == [2]
    assert result.errors == [
        "Ligne 3 : la description semble contenir le nom d'une personne, une date de naissance"
        " : retirez ces données du fichier"
    ]
