"""Every CSV export keeps what users typed from running as a spreadsheet formula."""

import csv
import io

import pytest

from allervers.core.spreadsheet import FORMULA_STARTS, NUMBER, safe_cell
from allervers.extensions import db
from allervers.initiatives import services as initiatives
from tests.test_pages import PAGES

HOSTILE = {
    "equals": '=HYPERLINK("http://evil.example","ici")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_text_that_starts_a_formula_is_written_as_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "written"),
    [(-3, "-3"), (-0.25, "-0.25"), ("-0,25", "-0,25"), ("-12", "-12"), (0, "0"), (None, "")],
)
def test_numbers_stay_numbers(value, written):
    assert safe_cell(value) == written


@pytest.mark.parametrize("value", ["CCAS d'Orléans", "", "a=b", "3 - 2", "Saint-Jean"])
def test_ordinary_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.fixture
def hostile_world(world):
    """Hostile texts wherever an export writes what users typed."""
    world["partner"].name = HOSTILE["equals"]
    world["structure"].description = HOSTILE["at"]
    world["structure"].acronym = HOSTILE["plus"]
    world["link"].note = HOSTILE["minus"]
    db.session.commit()
    fields = {"title": HOSTILE["tab"], "summary": HOSTILE["cr"], "communes": HOSTILE["plus"],
              "rhythm": HOSTILE["at"], "visibility": "base", "consent": True,
              "structure_id": world["partner"].id, "techniques": ["maraude"]}  # fmt: skip
    initiatives.create_initiative(world["stagiaire"], fields)
    return world


def exports(world) -> dict[str, list[str]]:
    """endpoint → the paths of its CSV files in the hostile world."""
    map_path = f"/cartes/{world['map'].id}"
    group = f"/agregats/groupe/{world['group'].id}"
    return {
        "maps.export_links": [f"{map_path}/export.csv"],
        "analysis.export_structures": [f"{map_path}/structures.csv"],
        "directory.export_structures": ["/annuaire/export.csv"],
        "directory.export_structures_data_inclusion": ["/annuaire/export-data-inclusion.csv"],
        "initiatives.export_initiatives": ["/initiatives/export.csv"],
        "analysis.aggregate_export": [f"{group}/structures.csv", f"{group}/liens.csv"],
    }


def cells(response) -> list[str]:
    body = response.get_data(as_text=True).removeprefix("\ufeff")
    header = body.partition("\n")[0]  # `;` for spreadsheets, `,` for data·inclusion
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    return [cell for row in csv.reader(io.StringIO(body), delimiter=delimiter) for cell in row]


def test_every_csv_export_neutralises_formulas(app, client_as, hostile_world):
    client = client_as("formateur")
    client.get(f"/groupes/{hostile_world['group'].id}/analyse")  # computes the group aggregate
    csv_pages = {name for name, spec in PAGES.items() if "text/csv" in spec[2:]}
    paths = exports(hostile_world)
    assert csv_pages <= set(paths), f"exportations CSV à ajouter ici : {csv_pages - set(paths)}"
    for path in (path for group in paths.values() for path in group):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.mimetype == "text/csv", path
        written = cells(response)
        running = [c for c in written if c.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(c)]
        assert not running, f"{path} : {running}"
        neutralised = [c for c in written if c.startswith("'") and c[1:] in HOSTILE.values()]
        assert neutralised, f"{path} n'écrit aucune des valeurs piégées"
