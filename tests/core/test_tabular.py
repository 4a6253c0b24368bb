"""Spreadsheets read as the CSV the imports check, and .xlsx written from header and rows."""

import datetime as dt
import io
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from allervers.core import tabular
from allervers.directory import importer as directory_importer
from allervers.maps import importer as map_importer

SHEETS = Path(__file__).parent.parent / "data" / "spreadsheets"


def plain(data: bytes) -> str:
    return data.decode("utf-8")


def read(filename: str, data: bytes, max_rows: int = 100, sheets=()) -> str:
    return tabular.upload_text((filename, data), plain, 2 * 1024 * 1024, max_rows, sheets)


def rows_of(text: str) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(text), delimiter=";"))


def xlsx(*sheets: tuple[str, list[list]], formats: dict | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for ref, number_format in (formats or {}).items():
            sheet[ref].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods(*tables: tuple[str, str], manifest_extra: str = "") -> bytes:
    """A minimal .ods as LibreOffice lays it out: each table given as its rows' XML."""
    body = "".join(
        f'<table:table table:name="{name}">{rows}</table:table>' for name, rows in tables
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f"{manifest_extra}</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", tabular.ODS_MIMETYPE, zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


def cell(text: str, **attributes) -> str:
    attrs = " ".join(
        f'{name.replace("__", ":").replace("_", "-")}="{value}"'
        for name, value in attributes.items()
    )
    return f"<table:table-cell {attrs}><text:p>{text}</text:p></table:table-cell>"


def row(*cells: str, repeat: int = 1) -> str:
    return (
        f'<table:table-row table:number-rows-repeated="{repeat}">{"".join(cells)}</table:table-row>'
    )


def string(text: str) -> str:
    return cell(text, office__value_type="string")


# ----- the real files written by LibreOffice --------------------------------------------------


@pytest.mark.parametrize("extension", ["ods", "xlsx"])
def test_libreoffice_directory_file_gives_the_same_preview_as_its_csv(app, world, extension):
    data = (SHEETS / f"structures.{extension}").read_bytes()
    sheet_text = tabular.upload_text(
        (f"structures.{extension}", data),
        directory_importer.decode,
        directory_importer.MAX_BYTES,
        directory_importer.MAX_ROWS,
    )
    csv_text = directory_importer.decode((SHEETS / "structures-equivalent.csv").read_bytes())
    from_sheet, from_csv = (directory_importer.preview(t) for t in (sheet_text, csv_text))
    assert from_sheet == from_csv
    rows = {row.name: row.fields for row in from_sheet.to_create}
    bourg = rows["CCAS de Bourg-en-Bresse"]
    assert (bourg["postal_code"], bourg["insee_code"]) == ("01000", "01053")  # text, kept
    assert bourg["siret"] == "21010053700014"  # stored as a number by LibreOffice
    assert "Mission locale de l'Orléanais" in rows  # the formula's value
    assert [row.line for row in from_sheet.to_create] == [2, 3, 5, 6]  # the empty row counts
    assert rows["Maison départementale des solidarités"]["description"] == (
        "Accueil sur rendez-vous\nle mardi"
    )


@pytest.mark.parametrize("extension", ["ods", "xlsx"])
def test_libreoffice_map_file_gives_the_same_plan_as_its_csv(app, world, extension):
    data = (SHEETS / f"liens.{extension}").read_bytes()
    sheet_text = tabular.upload_text(
        (f"liens.{extension}", data),
        map_importer.decode,
        map_importer.MAX_BYTES,
        map_importer.MAX_ROWS,
        ("liens",),
    )
    csv_text = map_importer.decode((SHEETS / "liens-equivalent.csv").read_bytes())
    from_sheet, from_csv = map_importer.parse(sheet_text), map_importer.parse(csv_text)
    assert from_sheet == from_csv
    assert from_sheet.is_valid, from_sheet.errors
    first = from_sheet.links[0]
    assert (first.line, first.fields["level"]) == (2, 3)  # =1+2


def test_a_csv_is_decoded_by_the_import_as_before():
    def decode(data: bytes) -> str:
        raise directory_importer.ImportFileError("décodé par l'import")

    with pytest.raises(directory_importer.ImportFileError, match="décodé par l'import"):
        tabular.upload_text(("liste.csv", b"nom\nA\n"), decode, 100, 10)
    assert read("liste.csv", "nom;commune\nÉpicerie;Gien\n".encode()) == (
        "nom;commune\nÉpicerie;Gien\n"
    )


# ----- cells as the person sees them ----------------------------------------------------------


def test_xlsx_cells_are_written_as_shown():
    data = xlsx(
        (
            "Feuille1",
            [
                ["code_postal", "siret", "date", "heure", "taux", "texte", "vrai", None],
                [
                    1000,
                    12345678901234.0,
                    dt.datetime(2026, 12, 7),
                    dt.datetime(2026, 12, 7, 9, 5),
                    0.25,
                    "du texte",
                    True,
                    None,
                ],
                [None] * 8,
                [None] * 8,
            ],
        ),
        formats={"A2": "00000"},
    )
    assert rows_of(read("a.xlsx", data)) == [
        ["code_postal", "siret", "date", "heure", "taux", "texte", "vrai"],
        [
            "01000",
            "12345678901234",
            "07/12/2026",
            "07/12/2026 09:05",
            "0.25",
            "du texte",
            "VRAI",
        ],
    ]


def test_ods_cells_are_written_as_shown():
    data = ods(
        (
            "Feuille1",
            row(
                string("code_postal"),
                string("siret"),
                string("date"),
                string("note"),
                string("heure"),
            )
            + row(
                cell("01000", office__value_type="float", office__value="1000"),
                cell("1,23457E+013", office__value_type="float", office__value="12345678901234"),
                cell("07/12/26", office__value_type="date", office__date_value="2026-12-07"),
                '<table:table-cell office:value-type="string"><text:p>deux<text:s text:c="2"/>'
                "espaces</text:p><office:annotation><text:p>un commentaire</text:p>"
                "</office:annotation></table:table-cell>",
                cell("09:05", office__value_type="time", office__time_value="PT09H05M00S"),
            )
            # LibreOffice writes the rest of the sheet as repeated empty rows and columns
            + row('<table:table-cell table:number-columns-repeated="1019"/>', repeat=1048574),
        )
    )
    started = time.perf_counter()
    assert rows_of(read("a.ods", data)) == [
        ["code_postal", "siret", "date", "note", "heure"],
        ["01000", "12345678901234", "07/12/2026", "deux  espaces", "09:05"],
    ]
    assert time.perf_counter() - started < 1


def test_blank_rows_inside_are_kept_so_lines_match_rows():
    data = ods(("F", row(string("nom")) + row("<table:table-cell/>", repeat=2) + row(string("A"))))
    assert read("a.ods", data).splitlines() == ["nom", "", "", "A"]


def test_the_sheet_named_like_the_import_is_read_else_the_first():
    book = xlsx(("Notes", [["à lire"]]), ("Structures", [["nom"], ["A"]]))
    assert read("a.xlsx", book, sheets=("structures",)) == "nom\r\nA\r\n"
    assert read("a.xlsx", book) == "à lire\r\n"
    workbook = ods(("Notes", row(string("à lire"))), ("Liens", row(string("source"))))
    assert read("a.ods", workbook, sheets=("liens",)) == "source\r\n"
    assert read("a.ods", workbook, sheets=("autre",)) == "à lire\r\n"


def test_rows_past_the_limit_are_not_read():
    lines = [["nom"]] + [[f"S{n}"] for n in range(50)]
    text = read("a.xlsx", xlsx(("F", lines)), max_rows=10)
    assert len(text.splitlines()) == 12  # the header, 10 rows and one more to say it is too long
    many = ods(("F", row(string("nom")) + row(string("même"), repeat=1_000_000)))
    assert len(read("a.ods", many, max_rows=10).splitlines()) == 12


def test_a_spreadsheet_too_long_for_the_import_gets_its_message(app):
    lines = [["nom", "commune"]] + [["x", "Gien"]] * (directory_importer.MAX_ROWS + 5)
    text = tabular.upload_text(
        ("a.xlsx", xlsx(("F", lines))),
        directory_importer.decode,
        directory_importer.MAX_BYTES,
        directory_importer.MAX_ROWS,
    )
    with pytest.raises(directory_importer.ImportFileError, match="plus de 5 000 lignes"):
        directory_importer.preview(text)


def test_five_thousand_rows_of_fifteen_columns_read_quickly():
    """Excel and LibreOffice write shared strings (read in ≈1.5 s); openpyxl, which wrote
    this file, writes inline strings that it reads 4 times slower."""
    lines = [[f"colonne {c}" for c in range(15)]]
    lines += [[f"Structure {n}", "45000", 12345678901234, *["texte"] * 12] for n in range(5000)]
    for name, data in (("a.xlsx", xlsx(("F", lines))), ("a.ods", _ods_of(lines))):
        started = time.perf_counter()
        text = read(name, data, max_rows=5000)
        assert len(text.splitlines()) == 5001
        assert time.perf_counter() - started < (5 if name.endswith("ods") else 15), name


def _ods_of(lines: list[list]) -> bytes:
    def one(value) -> str:
        if isinstance(value, int):
            return cell(str(value), office__value_type="float", office__value=str(value))
        return string(value)

    return ods(("F", "".join(row(*(one(v) for v in line)) for line in lines)))


# ----- files that are not what they say -------------------------------------------------------


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _damaged(path: Path) -> bytes:
    """The file with bytes inside its compressed members changed, its index intact."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size > 200:
                start = info.header_offset + 30 + len(info.filename.encode()) + 20
                data[start : start + 60] = bytes(60)
    return bytes(data)


OLE = tabular.OLE_MAGIC + b"\x00" * 600


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("ancien.xls", OLE, "Le format .xls (Excel 97-2003) n'est pas lu"),
        ("ancien.xls", b"nom;commune\n", "Le format .xls (Excel 97-2003) n'est pas lu"),
        ("ancien.xlsx", OLE, "Le format .xls (Excel 97-2003) n'est pas lu"),
        (
            "secret.xlsx",
            OLE + "EncryptedPackage".encode("utf-16-le"),
            "protégé par un mot de passe",
        ),
        (
            "secret.ods",
            ods(("F", ""), manifest_extra="<manifest:encryption-data/>"),
            "protégé par un mot de passe",
        ),
        ("coupé.xlsx", xlsx(("F", [["nom"]]))[:300], "Le fichier .xlsx est endommagé"),
        ("coupé.ods", ods(("F", row(string("nom"))))[:200], "Le fichier .ods est endommagé"),
        ("faux.ods", b"<table:table>", "finit par .ods mais son contenu est du texte"),
        ("zip.ods", _zip({"a.txt": "a"}), "Le fichier .ods est endommagé"),
        ("abîmé.xlsx", _damaged(SHEETS / "structures.xlsx"), "Le fichier .xlsx est endommagé"),
        ("abîmé.ods", _damaged(SHEETS / "structures.ods"), "Le fichier .ods est endommagé"),
        ("sans-extension", _zip({"mimetype": tabular.ODS_MIMETYPE}), "n'a pas d'extension mais"),
        ("texte.xlsx", b"nom;commune\nA;Gien\n", "finit par .xlsx mais son contenu est du texte"),
        (
            "classeur.ods",
            xlsx(("F", [["nom"]])),
            "finit par .ods mais son contenu est un classeur Excel",
        ),
        (
            "classeur.xlsx",
            ods(("F", "")),
            "finit par .xlsx mais son contenu est un classeur LibreOffice",
        ),
        (
            "classeur.csv",
            xlsx(("F", [["nom"]])),
            "finit par .csv mais son contenu est un classeur Excel",
        ),
    ],
)
def test_bad_files_get_a_french_message(filename, data, message):
    with pytest.raises(tabular.SpreadsheetError, match=re.escape(message)):
        read(filename, data)


def test_a_broken_xml_inside_a_real_zip_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", tabular.ODS_MIMETYPE)
        archive.writestr("content.xml", "<office:document-content><pas fini")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    with pytest.raises(tabular.SpreadsheetError, match="endommagé"):
        read("a.ods", out.getvalue())


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\x00" * (tabular.MAX_UNPACKED + 1))
    assert len(out.getvalue()) < 200_000
    with pytest.raises(tabular.SpreadsheetError, match="anormalement volumineux"):
        read("bombe.xlsx", out.getvalue())


def test_a_spreadsheet_over_the_size_limit_is_refused():
    data = xlsx(("F", [["nom"], ["x"]]))
    with pytest.raises(tabular.SpreadsheetError, match="Le fichier dépasse 1 Mo : découpez-le"):
        tabular.upload_text(("a.xlsx", data + bytes(1_000_000)), plain, 1_000_000, 10)
    # small once compressed, 3 MB once written as CSV: the CSV limit applies
    long = xlsx(("F", [["nom"]] + [["x" * 30_000]] * 100))
    assert len(long) < 100_000
    with pytest.raises(tabular.SpreadsheetError, match="Le fichier dépasse 2 Mo"):
        tabular.upload_text(("a.xlsx", long), plain, 2 * 1024 * 1024, 1000)


# ----- writing an .xlsx -----------------------------------------------------------------------


def test_xlsx_bytes_writes_text_as_text_and_numbers_as_numbers():
    header = ["nom", "niveau", "note", "code"]
    rows = [["CCAS", 3, "=1+1", "01000"], ["CAF", None, "+33 2 38 00 00 00", "\x07bip"]]
    book = openpyxl.load_workbook(io.BytesIO(tabular.xlsx_bytes(header, rows, "Liens")))
    sheet = book.active
    assert sheet.title == "Liens"
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        header,
        ["CCAS", 3, "=1+1", "01000"],
        ["CAF", None, "+33 2 38 00 00 00", "bip"],  # a control character is dropped
    ]
    assert sheet["C2"].data_type == "s"  # a note, never a formula
    assert sheet["B2"].data_type == "n"
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width >= len("+33 2 38 00 00 00")
