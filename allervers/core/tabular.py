"""Spreadsheets in and out: an uploaded .xlsx or .ods read as the CSV text the imports already
check, and an .xlsx written from the same header and rows as a CSV export.

The .xlsx files are read with openpyxl. The .ods files are read here, by streaming their
content.xml with the standard library: odfpy, the usual reader, builds the whole document in
memory and takes 7.5 s for 5,000 rows × 15 columns, where this reader takes well under 1 s
(the directory import of 5,000 rows must stay under 10 s with its preview).
"""

import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from flask import Response

SPREADSHEET_EXTENSIONS = (".xlsx", ".ods")
ACCEPT = ".csv,.xlsx,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet"  # noqa: E501
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
# What a zip may unpack to: the XML of 5,000 rows × 15 columns is about 10 MB; anything far
# larger is a zip bomb, refused before a byte of it is unpacked.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_COLUMNS = 200  # a sheet of 16,384 columns is not a list of structures
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file


# What a damaged file raises on its way through zipfile, zlib, the XML parsers and openpyxl
# (a member encrypted or compressed in an unknown way: RuntimeError, NotImplementedError).
UNREADABLE = (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, ValueError, TypeError,
              IndexError, AttributeError, RuntimeError, ElementTree.ParseError,
              InvalidOperation)  # fmt: skip


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet; the message says what to do."""


RESAVE = "ouvrez-le dans votre tableur, enregistrez-le de nouveau, puis envoyez-le."
OLD_XLS = (
    "Le format .xls (Excel 97-2003) n'est pas lu : dans le tableur, enregistrez le fichier "
    "au format .xlsx, .ods ou « CSV UTF-8 », puis envoyez-le de nouveau."
)
PROTECTED = (
    "Le fichier est protégé par un mot de passe : ouvrez-le dans votre tableur, enregistrez-en "
    "une copie sans mot de passe, puis envoyez cette copie."
)


def _corrupt(kind: str) -> SpreadsheetError:
    return SpreadsheetError(f"Le fichier {kind} est endommagé ou illisible : {RESAVE}")


def _mismatch(extension: str, actual: str) -> SpreadsheetError:
    named = f"Le nom du fichier finit par {extension}" if extension else "Le fichier n'a pas "
    named += "" if extension else "d'extension"
    return SpreadsheetError(
        f"{named} mais son contenu est {actual} : "
        f"{RESAVE[:-1]} au format .xlsx, .ods ou « CSV UTF-8 »."
    )


def _too_big(max_bytes: int) -> SpreadsheetError:
    size = f"{max_bytes / 1_048_576:g}" if max_bytes % 1_048_576 == 0 else f"{max_bytes / 1e6:g}"
    return SpreadsheetError(f"Le fichier dépasse {size} Mo : découpez-le en plusieurs fichiers.")


# ----- reading an upload ----------------------------------------------------------------------


def upload_text(
    upload,
    decode: Callable[[bytes], str],
    max_bytes: int,
    max_rows: int,
    sheet_names: Sequence[str] = (),
) -> str:
    """The text of an uploaded CSV, .xlsx or .ods, as CSV: `decode` (the import's own) reads a
    CSV and the CSV made from a spreadsheet, so both meet the same checks and messages.

    `upload` is a werkzeug FileStorage or a (filename, bytes) pair. A spreadsheet's first sheet
    is read, or the one named like one of `sheet_names`; at most `max_rows` + 1 rows below the
    header are read, enough for the import to say the file is too long.
    """
    filename, data = _name_and_bytes(upload, max_bytes)
    if len(data) > max_bytes and filename.lower().endswith(SPREADSHEET_EXTENSIONS):
        raise _too_big(max_bytes)
    kind = _kind(filename, data)
    if kind == "csv":
        return decode(data)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    read = read_xlsx if kind == "xlsx" else read_ods
    rows = read(data, max_rows, sheet_names)
    text = to_csv(rows)
    if len(text.encode()) > max_bytes:
        raise _too_big(max_bytes)
    return decode(text.encode())


def _name_and_bytes(upload, max_bytes: int) -> tuple[str, bytes]:
    if isinstance(upload, tuple):
        filename, data = upload
        return filename or "", data[: max_bytes + 1]
    return upload.filename or "", upload.read(max_bytes + 1)


def _kind(filename: str, data: bytes) -> str:
    """ "csv", "xlsx" or "ods", from the name and the content, which must agree."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    content = _content_kind(data)
    if extension == ".xls" or (content == "ole" and extension in ("", ".xls", ".xlsx", ".ods")):
        if content == "ole" and _is_encrypted_ole(data):
            raise SpreadsheetError(PROTECTED)
        if content in ("ole", "other"):
            raise SpreadsheetError(OLD_XLS)
    described = {
        "xlsx": "un classeur Excel (.xlsx)",
        "ods": "un classeur LibreOffice (.ods)",
        "ole": "un classeur Excel protégé ou ancien (.xls)",
        "zip": "une archive zip",
        "other": "du texte, pas un classeur",
    }
    if extension in SPREADSHEET_EXTENSIONS:
        if content != extension[1:]:
            if content == "ole" and _is_encrypted_ole(data):
                raise SpreadsheetError(PROTECTED)
            if content == "zip":
                raise _corrupt(extension)
            raise _mismatch(extension, described[content])
        return content
    if content in ("xlsx", "ods", "ole"):
        raise _mismatch(extension, described[content])
    return "csv"


def _content_kind(data: bytes) -> str:
    if data.startswith(OLE_MAGIC):
        return "ole"
    if not data.startswith(ZIP_MAGIC):
        return "other"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).strip()
                if mimetype == ODS_MIMETYPE.encode():
                    return "ods"
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return "xlsx"
    except UNREADABLE:
        return "zip"
    return "zip"


def _is_encrypted_ole(data: bytes) -> bool:
    """An encrypted .xlsx is an OLE container holding an "EncryptedPackage" stream."""
    return "EncryptedPackage".encode("utf-16-le") in data


def _open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except UNREADABLE:
        raise _corrupt(kind) from None
    # zipfile never unpacks more than a member's declared size: checking the sum is enough.
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
        raise SpreadsheetError(
            "Le classeur est anormalement volumineux une fois décompressé : enregistrez la "
            "feuille à importer seule, au format .xlsx, .ods ou « CSV UTF-8 »."
        )
    return archive


def normalise(name: str) -> str:
    """ "Liens", "LIENS ", "liens" → "liens": how a sheet's name is compared."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _pick(names: Sequence[str], wanted: Sequence[str]) -> int:
    """The sheet named like the import ("Structures", "liens"…) if there is one, else the first."""
    keys = {normalise(name) for name in wanted}
    return next((i for i, name in enumerate(names) if normalise(name) in keys), 0)


# ----- cells as the person sees them ----------------------------------------------------------


def number_text(value: float | int | Decimal) -> str:
    """12345678901234.0 → "12345678901234", 0.25 → "0.25": no « .0 », no exponent."""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, int):
        return str(value)
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def date_text(value: dt.date | dt.datetime | dt.time) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return f"{value:%d/%m/%Y}"
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return f"{value:%H:%M}"


ZERO_PADDED = re.compile(r"0+")


def _xlsx_cell(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date | dt.time):
        return date_text(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    text = number_text(value)
    # A "00000" format shows the postal code 1000 as 01000: keep what the person sees.
    fmt = getattr(cell, "number_format", "") or ""
    if ZERO_PADDED.fullmatch(fmt) and text.isdigit():
        return text.zfill(len(fmt))
    return text


def read_xlsx(data: bytes, max_rows: int, sheet_names: Sequence[str] = ()) -> list[list[str]]:
    archive = _open_zip(data, ".xlsx")
    archive.close()
    with warnings.catch_warnings():
        # openpyxl warns of what it leaves out (data validation, unknown extensions…)
        warnings.simplefilter("ignore")
        return _xlsx_rows(data, max_rows, sheet_names)


def _xlsx_rows(data: bytes, max_rows: int, sheet_names: Sequence[str]) -> list[list[str]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *UNREADABLE):
        raise _corrupt(".xlsx") from None
    try:
        sheet = book.worksheets[_pick(book.sheetnames, sheet_names)] if book.worksheets else None
        if sheet is None:
            return []
        sheet.reset_dimensions()  # a wrong "A1:XFD1048576" would pad every row
        return _limited(
            (([_xlsx_cell(cell) for cell in row[:MAX_COLUMNS]], 1) for row in sheet.iter_rows()),
            max_rows,
        )
    except UNREADABLE:
        raise _corrupt(".xlsx") from None
    finally:
        book.close()


def _limited(rows: Iterable[tuple[list[str], int]], max_rows: int) -> list[list[str]]:
    """The rows, each given with the number of times it repeats, down to the header and
    `max_rows` + 1 filled rows below it (enough for the import to say the file is too long).
    Blank rows in between are kept as empty lines so that line numbers are row numbers;
    blank rows and columns at the end are dropped."""
    kept: list[list[str]] = []
    filled, pending = 0, 0
    for row, repeat in rows:
        if not any(cell.strip() for cell in row):
            pending += repeat
            continue
        kept.extend([] for _ in range(min(pending, max_rows + 2)))
        pending = 0
        times = min(repeat, max_rows + 2 - filled)
        kept.extend(list(row) for _ in range(times))
        filled += times
        if filled > max_rows + 1:
            break
    width = max((_width(row) for row in kept), default=0)
    # A blank row stays an empty line, which both imports pass over.
    return [row[:width] + [""] * (width - len(row)) if row else [] for row in kept]


def _width(row: list[str]) -> int:
    return next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i].strip()), 0)


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()


# ----- .ods: content.xml, streamed -------------------------------------------------------------

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE_TAG, ROW_TAG = f"{TABLE}table", f"{TABLE}table-row"
CELL_TAGS = (f"{TABLE}table-cell", f"{TABLE}covered-table-cell")
PARAGRAPH_TAGS = (f"{TEXT}p", f"{TEXT}h")
ROWS_REPEATED, COLUMNS_REPEATED = f"{TABLE}number-rows-repeated", f"{TABLE}number-columns-repeated"
VALUE_TYPE = f"{OFFICE}value-type"


def read_ods(data: bytes, max_rows: int, sheet_names: Sequence[str] = ()) -> list[list[str]]:
    archive = _open_zip(data, ".ods")
    with archive:
        try:
            if b"encryption-data" in archive.read("META-INF/manifest.xml"):
                raise SpreadsheetError(PROTECTED)
            with archive.open("content.xml") as content:
                return _ods_rows(content, max_rows, sheet_names)
        except SpreadsheetError:
            raise
        except UNREADABLE:
            raise _corrupt(".ods") from None


def _ods_rows(content, max_rows: int, sheet_names: Sequence[str]) -> list[list[str]]:
    """The rows of the table named like one of `sheet_names`, else of the first table."""
    wanted = {normalise(name) for name in sheet_names}
    first = None
    for name, rows in _ods_tables(content):
        named = normalise(name) in wanted
        if named or first is None:
            read = _limited(((_ods_row(row), repeat) for row, repeat in rows), max_rows)
            if named or not wanted:
                return read
            first = read
    return first or []


def _ods_tables(content) -> Iterator[tuple[str, Iterator[tuple[object, int]]]]:
    """Each table's name and its rows (element, times repeated), streamed: a row is cleared
    once read, so the memory holds one row at a time."""
    parser = ElementTree.iterparse(content, events=("start", "end"))

    def rows() -> Iterator[tuple[object, int]]:
        depth = 0  # rows of a table inside a cell are part of that cell
        for event, element in parser:
            tag = element.tag
            if tag == ROW_TAG:
                depth += 1 if event == "start" else -1
                if event == "end" and depth == 0:
                    yield element, int(element.get(ROWS_REPEATED, "1"))
                    element.clear()
            elif tag == TABLE_TAG and event == "end" and depth == 0:
                element.clear()
                return

    for event, element in parser:
        if event == "start" and element.tag == TABLE_TAG:
            yield element.get(f"{TABLE}name", ""), rows()


def _ods_row(row) -> list[str]:
    cells: list[str] = []
    pending = 0  # empty cells, written only if a filled one follows
    for cell in row:
        if cell.tag not in CELL_TAGS:
            continue
        repeat = int(cell.get(COLUMNS_REPEATED, "1"))
        value = _ods_cell(cell)
        if not value.strip():
            pending += repeat
            continue
        if len(cells) + pending >= MAX_COLUMNS:
            break
        cells.extend([""] * pending)
        pending = 0
        cells.extend([value] * min(repeat, MAX_COLUMNS - len(cells)))
    return cells


def _ods_cell(cell) -> str:
    kind = cell.get(VALUE_TYPE)
    if kind is None and not len(cell):
        return ""
    shown = _ods_text(cell)
    if kind in ("float", "percentage", "currency"):
        value = Decimal(cell.get(f"{OFFICE}value", "0"))
        text = number_text(value)
        # A "00000" format shows the postal code 1000 as 01000: keep what the person sees.
        if shown.isdigit() and text.isdigit() and int(shown) == int(text):
            return shown
        return text
    if kind == "date":
        return date_text(_iso_date(cell.get(f"{OFFICE}date-value", "")))
    if kind == "time":
        return _iso_duration(cell.get(f"{OFFICE}time-value", "")) or shown
    if kind == "boolean":
        return "VRAI" if cell.get(f"{OFFICE}boolean-value") == "true" else "FAUX"
    if kind == "string" and cell.get(f"{OFFICE}string-value") is not None:
        return cell.get(f"{OFFICE}string-value")
    return shown


def _iso_date(value: str) -> dt.date | dt.datetime:
    if "T" in value:
        return dt.datetime.fromisoformat(value[:19])
    return dt.date.fromisoformat(value[:10])


DURATION = re.compile(r"-?PT(\d+)H(\d+)M(\d+)(?:[.,]\d+)?S")


def _iso_duration(value: str) -> str:
    match = DURATION.fullmatch(value)
    return f"{int(match[1]):02d}:{match[2]}" if match else ""


def _ods_text(cell) -> str:
    """The paragraphs of a cell, without its comment."""
    paragraphs = [_inline(child) for child in cell if child.tag in PARAGRAPH_TAGS]
    return paragraphs[0] if len(paragraphs) == 1 else "\n".join(paragraphs)


def _inline(element) -> str:
    if not len(element):
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{TEXT}s":
            parts.append(" " * int(child.get(f"{TEXT}c", "1")))
        elif child.tag == f"{TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{TEXT}line-break":
            parts.append("\n")
        elif child.tag != f"{OFFICE}annotation":
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


# ----- writing an .xlsx -----------------------------------------------------------------------


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], title: str = "Export") -> bytes:
    """An .xlsx of one sheet: a bold, frozen header row, columns wide enough to read, text
    written as text (« =1+1 » stays a note, never a formula), numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    values = [[_plain(value) for value in row] for row in rows]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(_widths(header, values), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width

    def text_cell(value: str, bold: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:32767])
        cell.data_type = "s"  # a string starting with "=" would otherwise be a formula
        if bold:
            cell.font = Font(bold=True)
        return cell

    sheet.append([text_cell(str(name), bold=True) for name in header])
    for row in values:
        sheet.append([text_cell(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _widths(header: Sequence[str], rows: list[list]) -> list[int]:
    """Each column as wide as its longest cell among the first rows, within 8 and 60."""
    widths = [len(str(name)) for name in header]
    for row in rows[:500]:
        for index, value in enumerate(row[: len(widths)]):
            longest = max((len(line) for line in str(value or "").splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    return [min(60, max(8, width + 2)) for width in widths]


def _plain(value):
    """What a cell holds: None, a number, or text (anything else is written as its text)."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _sheet_title(title: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", " ", title)[:31] or "Export"


def xlsx_response(header: Sequence[str], rows: Iterable[Sequence], filename: str) -> Response:
    """The download of an .xlsx export, named `filename` (which ends in .xlsx)."""
    body = xlsx_bytes(header, rows, filename.rsplit(".", 1)[0])
    response = Response(body, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
