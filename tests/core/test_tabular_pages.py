"""The imports accept .xlsx and .ods files; every CSV export has its .xlsx twin."""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from allervers.core.spreadsheet import safe_cell
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.initiatives import services as initiatives
from allervers.maps.models import CooperationLink
from tests.core.test_spreadsheet import HOSTILE
from tests.core.test_spreadsheet import exports as csv_exports
from tests.helpers import csrf_token, post_form, text, visible_text
from tests.test_pages import PAGES

SHEETS = Path(__file__).parent.parent / "data" / "spreadsheets"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send(client, path: str, field: str, filename: str, data: bytes, **kwargs):
    fields = MultiDict({"csrf_token": csrf_token(client, "/")})
    fields.add(field, FileStorage(io.BytesIO(data), filename))
    boundary, body = encode_multipart(fields)
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post(path, data=body, content_type=content_type, **kwargs)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def preview_text(response) -> str:
    return visible_text(response).split("Importer des structures")[-1]


# ----- imports --------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["ods", "xlsx"])
def test_directory_import_of_a_spreadsheet_previews_then_imports(client_as, world, extension):
    client = client_as("admin")
    before = count(Structure)
    data = (SHEETS / f"structures.{extension}").read_bytes()
    response = send(client, "/annuaire/import", "file", f"structures.{extension}", data)
    equivalent = (SHEETS / "structures-equivalent.csv").read_bytes()
    from_csv = send(client, "/annuaire/import", "file", "structures.csv", equivalent)
    assert response.status_code == 200
    assert preview_text(response) == preview_text(from_csv)
    assert "CCAS de Bourg-en-Bresse" in visible_text(response)
    assert count(Structure) == before  # nothing before the confirmation
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', text(response)).group(1)
    post_form(client, "/annuaire/import/confirmer", {"token": token}, token_from="/")
    bourg = db.session.scalar(select(Structure).filter_by(name="CCAS de Bourg-en-Bresse"))
    assert (bourg.postal_code, bourg.siret) == ("01000", "21010053700014")
    assert count(Structure) > before


def test_directory_import_of_a_spreadsheet_as_a_fragment(client_as, world):
    data = (SHEETS / "structures.xlsx").read_bytes()
    response = send(
        client_as("admin"),
        "/annuaire/import",
        "file",
        "structures.xlsx",
        data,
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert "CCAS de Bourg-en-Bresse" in text(response)


@pytest.mark.parametrize("extension", ["ods", "xlsx"])
def test_map_import_of_a_spreadsheet_previews_like_its_csv(client_as, world, extension):
    client = client_as("stagiaire")
    path = f"/cartes/{world['map'].id}/import"
    data = (SHEETS / f"liens.{extension}").read_bytes()
    response = send(client, path, "fichier", f"liens.{extension}", data)
    equivalent = (SHEETS / "liens-equivalent.csv").read_bytes()
    from_csv = send(client, path, "fichier", "liens.csv", equivalent)
    assert response.status_code == 200
    assert visible_text(response) == visible_text(from_csv)
    assert "Confirmer l'import" in text(response)
    assert "Épicerie « La Fourmi »" in visible_text(response)


BAD_FILES = [
    ("ancien.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Le format .xls"),
    ("coupé.xlsx", (SHEETS / "structures.xlsx").read_bytes()[:1000], "endommagé"),
    ("texte.ods", b"nom;commune\nA;Gien\n", "son contenu est du texte"),
    ("classeur.csv", (SHEETS / "structures.ods").read_bytes(), "un classeur LibreOffice"),
]


@pytest.mark.parametrize(("filename", "data", "message"), BAD_FILES)
def test_a_bad_spreadsheet_is_refused_in_french_by_the_directory_import(
    client_as, world, filename, data, message
):
    before = count(Structure)
    response = send(client_as("admin"), "/annuaire/import", "file", filename, data)
    assert response.status_code == 422
    assert message in visible_text(response)
    assert count(Structure) == before


@pytest.mark.parametrize(("filename", "data", "message"), BAD_FILES)
def test_a_bad_spreadsheet_is_refused_in_french_by_the_map_import(
    client_as, world, filename, data, message
):
    before = (count(CooperationLink), count(Structure))
    path = f"/cartes/{world['map'].id}/import"
    response = send(client_as("stagiaire"), path, "fichier", filename, data)
    assert response.status_code == 422
    assert message in visible_text(response)
    assert "Confirmer l'import" not in text(response)
    assert (count(CooperationLink), count(Structure)) == before


def test_the_file_inputs_accept_spreadsheets(client_as, world):
    directory = text(client_as("admin").get("/annuaire/import"))
    map_import = text(client_as("stagiaire").get(f"/cartes/{world['map'].id}/import"))
    for page in (directory, map_import):
        accept = re.search(r'accept="([^"]+)"', page).group(1).split(",")
        assert {".csv", ".xlsx", ".ods", "text/csv"} <= set(accept)


# ----- exports --------------------------------------------------------------------------------


def csv_cells(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def xlsx_cells(response) -> list[list]:
    assert response.mimetype == XLSX
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def same(value, written: str) -> bool:
    """An .xlsx cell and the CSV export's cell hold the same: numbers equal (the CSV writes
    measures with 4 decimals and a comma), text equal once the CSV neutralised formulas."""
    if isinstance(value, int | float) and re.fullmatch(r"-?\d+,\d{4}", written):
        return float(written.replace(",", ".")) == pytest.approx(value, abs=1e-9)
    return safe_cell(value) == written


def assert_same_cells(csv_response, xlsx_response) -> list[list]:
    cells, expected = xlsx_cells(xlsx_response), csv_cells(csv_response)
    assert [len(row) for row in cells] == [len(row) for row in expected]
    for row, written in zip(cells, expected, strict=True):
        assert all(same(v, w) for v, w in zip(row, written, strict=True)), (row, written)
    return cells


def test_directory_xlsx_export_holds_the_csv_cells_with_text_as_text(
    client_as, world, make_structure
):
    make_structure(name="=1+1 Association", commune="Gien", postal_code="01000")
    client = client_as("formateur")
    cells = assert_same_cells(
        client.get("/annuaire/export.csv?q=association"),
        client.get("/annuaire/export.xlsx?q=association"),
    )
    assert cells[1][0] == "=1+1 Association"  # a name, not a formula
    assert "01000" in cells[1]
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/annuaire/export.xlsx?q=association").data)
    ).active
    assert sheet["A2"].data_type == "s"
    assert 'href="/annuaire/export.xlsx' in text(client.get("/annuaire"))


def test_map_xlsx_export_holds_the_csv_cells(client_as, world):
    world["link"].note = '=HYPERLINK("http://exemple.fr")'
    db.session.commit()
    client = client_as("stagiaire")
    map_id = world["map"].id
    cells = assert_same_cells(
        client.get(f"/cartes/{map_id}/export.csv"), client.get(f"/cartes/{map_id}/export.xlsx")
    )
    link_row = next(row for row in cells[1:] if row[1])  # structure rows have no « cible »
    assert link_row[cells[0].index("note")] == world["link"].note
    assert isinstance(link_row[cells[0].index("niveau")], int)  # the level, as a number
    assert f"/cartes/{map_id}/export.xlsx" in text(client.get(f"/cartes/{map_id}"))


def test_analysis_xlsx_export_holds_the_csv_cells(client_as, world):
    client = client_as("formateur")
    map_id = world["map"].id
    cells = assert_same_cells(
        client.get(f"/cartes/{map_id}/structures.csv"),
        client.get(f"/cartes/{map_id}/structures.xlsx"),
    )
    assert any(isinstance(value, float) for value in cells[1])  # measures as numbers
    assert f"/cartes/{map_id}/structures.xlsx" in text(client.get(f"/cartes/{map_id}/analyse"))


@pytest.mark.parametrize("name", ["structures", "liens"])
def test_aggregate_xlsx_exports_hold_the_csv_cells(client_as, world, name):
    client = client_as("admin")
    assert_same_cells(
        client.get(f"/agregats/territoire/0/{name}.csv"),
        client.get(f"/agregats/territoire/0/{name}.xlsx"),
    )


def test_aggregate_xlsx_export_is_for_staff_only(client_as, world):
    assert client_as("stagiaire").get("/agregats/territoire/0/liens.xlsx").status_code == 404


@pytest.fixture
def hostile_world(world):
    """Hostile texts wherever an export writes what users typed (as in test_spreadsheet.py)."""
    world["partner"].name = HOSTILE["equals"]
    world["structure"].description = HOSTILE["at"]
    world["structure"].acronym = HOSTILE["plus"]
    world["link"].note = HOSTILE["minus"]
    db.session.commit()
    fields = {"title": HOSTILE["equals"], "summary": HOSTILE["cr"], "communes": HOSTILE["plus"],
              "rhythm": HOSTILE["at"], "visibility": "base", "consent": True,
              "structure_id": world["partner"].id, "techniques": ["maraude"]}  # fmt: skip
    initiatives.create_initiative(world["stagiaire"], fields)
    return world


def test_every_xlsx_export_writes_typed_text_as_text(app, client_as, hostile_world):
    """As every CSV export neutralises formulas (test_spreadsheet.py), every .xlsx export
    writes what users typed as text cells, verbatim: nothing runs, nothing gains a « ' »."""
    client = client_as("formateur")
    client.get(f"/groupes/{hostile_world['group'].id}/analyse")  # computes the group aggregate
    xlsx_pages = {name for name, spec in PAGES.items() if XLSX in spec[2:]}
    paths = {
        f"{name}_xlsx" if not name.endswith("aggregate_export") else name: [
            path.replace(".csv", ".xlsx") for path in group
        ]
        for name, group in csv_exports(hostile_world).items()
    }
    assert xlsx_pages <= set(paths), f"exportations .xlsx à ajouter ici : {xlsx_pages - set(paths)}"
    for path in (path for group in paths.values() for path in group):
        response = client.get(path)
        assert response.status_code == 200, path
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        written = [cell for row in sheet.iter_rows() for cell in row]
        assert not [cell.value for cell in written if cell.data_type == "f"], path
        assert {cell.value for cell in written} & set(HOSTILE.values()), path
