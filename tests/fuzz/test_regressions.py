"""The exact inputs the fuzz tests found giving a 500 (or worse), each answered cleanly now.

The comment above each test says what it did before its fix.
"""

import pytest
from sqlalchemy import func, select

from allervers.core.privacy import find_personal_data
from allervers.directory import importer
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.maps.models import CooperationLink, CooperationMap
from allervers.training.models import TrainingSession
from tests.helpers import TEST_PASSWORD, post_form, text

BEYOND_SQLITE = "9223372036854775808"  # 2**63: SQLite's driver raised OverflowError
BEYOND_POSTGRES = "2147483648"  # 2**31: past PostgreSQL's INTEGER


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ----- ids too large for the database ---------------------------------------------------------


@pytest.mark.parametrize("ident", [BEYOND_SQLITE, BEYOND_POSTGRES, "9" * 30])
def test_an_id_too_large_is_a_missing_page(client_as, ident):
    # Was: OverflowError ("Python int too large to convert to SQLite INTEGER"), a 500.
    client = client_as("stagiaire")
    assert client.get(f"/cartes/{ident}").status_code == 404
    response = post_form(client, f"/cartes/{ident}/liens", {"source_id": "1"}, token_from="/")
    assert response.status_code in (404, 405)  # 405: the URL has a GET page besides


@pytest.mark.parametrize(
    "query",
    [
        "/annuaire?supprimee=" + BEYOND_SQLITE,  # was: OverflowError
        "/annuaire?supprimee=%20",  # was: SAWarning, get() with a NULL primary key
        "/annuaire?page=99999999999999999999",  # was: OFFSET overflow
        "/initiatives?structure=" + BEYOND_SQLITE,  # was: OverflowError
        "/presentations?groupe=" + BEYOND_SQLITE,
    ],
)
def test_huge_numbers_in_a_query_string(client_as, query):
    response = client_as("admin").get(query)
    assert response.status_code == 200


def test_a_gap_between_huge_ids_prefills_nothing(client_as, world):
    # Was: OverflowError on SQLite, "integer out of range" on PostgreSQL.
    path = f"/plan-d-action/nouvelle?carte={world['map'].id}&de={BEYOND_SQLITE}&vers=1"
    response = client_as("stagiaire").get(path)
    assert response.status_code == 200


def test_a_huge_id_in_a_form_is_refused(client_as, world):
    # Was: OverflowError when the view looked the structure up before validating the form.
    client = client_as("stagiaire")
    path = f"/cartes/{world['map'].id}/structures"
    response = post_form(client, path, {"structure_id": BEYOND_SQLITE}, token_from="/")
    assert response.status_code == 422


# ----- control characters ---------------------------------------------------------------------


def test_a_nul_byte_in_a_text_field_is_a_french_validation_message(client_as):
    # Was: psycopg.DataError on PostgreSQL ("cannot contain NUL (0x00) bytes"), a 500;
    # SQLite stored it, and the GEXF export of the map was no longer valid XML.
    client = client_as("stagiaire")
    before = count(CooperationMap)
    response = post_form(client, "/cartes/nouvelle", {"title": "Ma\x00carte"}, token_from="/")
    assert response.status_code == 422
    assert "caractère invisible non autorisé (U+0000)" in text(response)
    assert count(CooperationMap) == before


def test_a_nul_byte_in_a_search_is_refused_in_french(client_as):
    # Was: psycopg.DataError on PostgreSQL, a 500, on every list with a search box.
    client = client_as("admin")
    for path in ("/admin/utilisateurs?q=a%00b", "/initiatives?technique=%00", "/annuaire?q=%01"):
        response = client.get(path)
        assert response.status_code == 400
        assert "caractère invisible non autorisé" in text(response)


@pytest.mark.parametrize("target", ["/a\r\nSet-Cookie: x=1", "/cartes\t", "/a\nb"])
def test_sign_in_ignores_a_next_page_with_control_characters(client, world, target):
    # Was: ValueError "Header values must not contain newline characters", a 500.
    fields = {"email": world["stagiaire"].email, "password": TEST_PASSWORD, "next": target}
    response = post_form(client, "/connexion", fields)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert client.get("/connexion", query_string={"next": target}).headers["Location"] == "/"


# ----- malformed JSON ------------------------------------------------------------------------


def test_deeply_nested_positions_are_refused(client_as, world):
    # Was: RecursionError from json.loads, a 500.
    client = client_as("stagiaire")
    deep = "[" * 100_000 + "]" * 100_000
    path = f"/cartes/{world['map'].id}/positions"
    response = post_form(client, path, {"positions": deep}, token_from="/")
    assert response.status_code == 422


# ----- imports --------------------------------------------------------------------------------


def _import_links(client, world, csv_text: str):
    data = {"csv_text": csv_text, "step": "confirmer"}
    return post_form(client, f"/cartes/{world['map'].id}/import", data, token_from="/")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        # Was: ValueError, int("²") ("²".isdigit() is true).
        ("CCAS d'Orléans;CAF du Loiret;²;existant", "niveau « ² » invalide"),
        # Was: psycopg.DataError on PostgreSQL (NUL in the new structure's name).
        ("CCAS\x00X;CAF du Loiret;3;existant", "ce texte contient un caractère invisible"),
        # Was: "value too long for type character varying(200)" on PostgreSQL.
        ("N" * 201 + ";CAF du Loiret;3;existant", "un nom de structure dépasse 200 caractères"),
    ],
)
def test_a_map_import_refuses_bad_cells_by_line(client_as, world, row, message):
    client = client_as("stagiaire")
    before = count(CooperationLink), count(Structure)
    response = _import_links(client, world, f"source;cible;niveau;statut\n{row}\n")
    assert response.status_code == 422
    assert f"Ligne 2 : {message}" in text(response)
    assert (count(CooperationLink), count(Structure)) == before


def test_a_map_import_with_a_lone_carriage_return_is_refused(client_as, world):
    # Was: _csv.Error "new-line character seen in unquoted field", a 500.
    client = client_as("stagiaire")
    response = _import_links(client, world, "source;cible;niveau;statut\r\nA\rB;C;3;existant\n")
    assert response.status_code == 422
    assert "Le fichier CSV est mal formé (ligne 2)" in text(response)


def test_quick_entry_with_a_nul_byte_is_refused(client_as, world):
    # Was: psycopg.DataError on PostgreSQL.
    client = client_as("stagiaire")
    data = {"lines": "CCAS\x00 → CAF du Loiret, niveau 3", "step": "confirmer"}
    response = post_form(client, f"/cartes/{world['map'].id}/import", data, token_from="/")
    assert response.status_code == 422
    assert "caractère invisible non autorisé" in text(response)


def test_a_directory_import_row_with_a_nul_byte_is_not_imported(client_as):
    # Was: psycopg.DataError on PostgreSQL at the confirmation, a 500.
    client = client_as("admin")
    before = count(Structure)
    token = importer.token_for("nom;commune;typologie\nRestos\x00;Orléans;ASSO\n")
    response = post_form(client, "/annuaire/import/confirmer", {"token": token}, token_from="/")
    assert response.status_code == 303
    assert count(Structure) == before
    preview = importer.preview("nom;commune\nRestos\x00;Orléans\n")
    assert "« nom » contient un caractère invisible non autorisé" in " ".join(preview.errors)


# ----- the rest -------------------------------------------------------------------------------


def test_editing_a_session_without_its_objectives_field_keeps_them(client_as, world):
    # Was: AttributeError, 'list' object has no attribute 'splitlines' (the form fell back on
    # the record's list when the field was missing).
    client = client_as("admin")
    training = world["session"]
    fields = {"title": "Session", "module": "Module 2", "sectors": "Tous", "audience": "Tous",
              "duration_days": "1", "duration_hours": "7", "version": "1"}  # fmt: skip
    response = post_form(client, f"/sessions/{training.id}/modifier", fields, token_from="/")
    assert response.status_code == 303
    assert db.session.get(TrainingSession, training.id).objectives == [
        "Objectif un",
        "Objectif deux",
    ]


def test_the_privacy_check_reads_a_long_text_in_linear_time():
    # Was: the e-mail pattern restarted at every character of a run without "@": 20,000
    # digits took 7 s, so one form of long texts held a worker for a minute. This input
    # would take hours with the old pattern.
    assert find_personal_data("1" * 1_000_000) == []
    found = find_personal_data("x" * 50_000 + " écrire à jean.dupont@caf.fr")
    assert [finding.excerpt for finding in found] == ["jean.dupont@caf.fr"]


def test_an_initiative_rhythm_fits_its_column(client_as, world):
    # Was: the form allowed 300 characters for a VARCHAR(200) column: "value too long for
    # type character varying(200)" on PostgreSQL, a 500; SQLite kept all 300.
    client = client_as("stagiaire")
    fields = {"title": "Maraude", "structure_id": world["structure"].id, "status": "projet",
              "visibility": "privee", "rhythm": "r" * 250}  # fmt: skip
    response = post_form(client, "/initiatives/nouvelle", fields, token_from="/")
    assert response.status_code == 422
    assert "200 caractères au plus." in text(response)


# ----- search boxes ---------------------------------------------------------------------------


def test_a_huge_search_is_cut_to_what_a_search_needs(client_as, world):
    # Was: the admin and map-editor searches sent any length to LIKE (a megabyte took seconds).
    words = "centre" + "x" * 20_000
    admin = client_as("admin").get("/admin/utilisateurs", query_string={"q": words})
    assert admin.status_code == 200
    assert f'value="{words[:200]}"' in admin.text
    assert words[:201] not in admin.text
    path = f"/cartes/{world['map'].id}/structures/recherche"
    found = client_as("stagiaire").get(
        path, query_string={"q": words}, headers={"HX-Request": "true"}
    )
    assert found.status_code == 200
    assert f"« {words[:200]} »" in text(found)
    assert words[:201] not in found.text
