"""CSV import (read, check, preview) and export of the directory.

Accepted columns are ours and those of data·inclusion's structures export, which mostly share
our names. Nothing is written here: services.import_structures() does it once confirmed.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from allervers.core import vocab
from allervers.core.forms import control_character_problem
from allervers.core.privacy import CONTACT_KINDS, import_problem
from allervers.core.spreadsheet import safe_cell
from allervers.directory import services
from allervers.directory.forms import (
    check_email,
    check_insee_code,
    check_phone,
    check_postal_code,
    check_siret,
    check_thematiques,
    check_website,
    clean_siret,
    clean_website,
    split_list,
)
from allervers.directory.models import Structure, normalise

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_ROWS_TEXT = "5 000"
TOKEN_MAX_AGE = 6 * 3600  # seconds between the preview and the confirmation

# Our column → the Structure attribute it fills. The export writes these columns, in this order.
COLUMNS = {
    "nom": "name",
    "sigle": "acronym",
    "typologie": "typology",
    "secteur": "sector",
    "commune": "commune",
    "code_postal": "postal_code",
    "code_insee": "insee_code",
    "siret": "siret",
    "site_web": "website",
    "telephone": "phone",
    "courriel": "email",
    "description": "description",
    "publics": "publics",
    "thematiques": "thematiques",
}
# data·inclusion's names that differ from ours; used only when our own column is empty.
ALIASES = {"presentation_resume": "description"}
MAX_LENGTHS = {"name": 200, "acronym": 40, "commune": 120, "description": 10000}
LABELS = {"name": "le nom", "acronym": "le sigle", "commune": "la commune",
          "description": "la description"}  # fmt: skip


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


# A NUL in the header: UTF-16 ("Texte Unicode") or not a text file at all.
NOT_TEXT = (
    "La première ligne du fichier contient des octets nuls : ce n'est pas un fichier CSV "
    "UTF-8. Dans le tableur, enregistrez-le au format « CSV UTF-8 », puis envoyez-le de nouveau."
)


@dataclass
class Row:
    line: int
    fields: dict

    @property
    def name(self) -> str:
        return self.fields["name"]


@dataclass
class Preview:
    to_create: list[Row] = field(default_factory=list)
    existing: list[tuple[Row, Structure]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    total: int = 0


# ----- reading the file -----------------------------------------------------------------------


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportFileError("Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers.")
    try:
        text = data.decode("utf-8-sig").lstrip("\ufeff")  # saved twice, a file has two BOMs
    except UnicodeDecodeError:
        raise ImportFileError(
            "Le fichier n'est pas encodé en UTF-8 : dans le tableur, enregistrez-le au format "
            "« CSV UTF-8 », puis envoyez-le de nouveau."
        ) from None
    if not text.strip():
        raise ImportFileError("Le fichier est vide.")
    return text


def delimiter_of(text: str) -> str:
    """`;` (French spreadsheets) or `,`: whichever the header line uses more."""
    header = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    return ";" if header.count(";") > header.count(",") else ","


def column_key(header: str) -> str:
    """ "Code postal", "code_postal", "CODE-POSTAL" → "code_postal"."""
    return normalise(header).replace(" ", "_")


def read_rows(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The column keys and the non-blank rows, each with the line it starts on."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter_of(text))
    try:
        header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
        if header is None:  # blank lines only
            raise ImportFileError("Le fichier est vide.")
        if any("\x00" in name for name in header):
            raise ImportFileError(NOT_TEXT)
        keys = [column_key(name) for name in header]
        rows, line = [], reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                rows.append((start, dict(zip(keys, (c.strip() for c in cells), strict=False))))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(
                    f"Le fichier compte plus de {MAX_ROWS_TEXT} lignes : découpez-le."
                )
    except csv.Error as error:
        raise ImportFileError(f"Le fichier CSV est mal formé (ligne {reader.line_num}).") from error
    if "nom" not in keys:
        raise ImportFileError(
            "La colonne « nom » est introuvable. La première ligne doit donner le nom des "
            f"colonnes : {', '.join(COLUMNS)}."
        )
    if not rows:
        raise ImportFileError(
            "Le fichier ne contient aucune structure, seulement la ligne des colonnes : "
            "ajoutez une ligne par structure, puis envoyez-le de nouveau."
        )
    return keys, rows


# ----- checking each row ----------------------------------------------------------------------


def _values(cells: dict) -> dict:
    values = {attribute: cells.get(column, "") for column, attribute in COLUMNS.items()}
    for column, attribute in ALIASES.items():
        if not values[attribute] and cells.get(column):
            values[attribute] = cells[column]
    return {name: value or None for name, value in values.items()}


def _code(value: str | None, vocabulary: str) -> str | None:
    """The vocabulary's own spelling of a code typed in any case ("ccas" → "CCAS")."""
    wanted = (value or "").casefold()
    return next((e.code for e in vocab.load(vocabulary) if e.code.casefold() == wanted), None)


def check_row(cells: dict) -> tuple[dict, list[str]]:
    """The Structure fields of one row, and what is wrong with it (empty when it is fine)."""
    values, problems = _values(cells), []
    problems += [
        f"la colonne « {column} » contient un caractère invisible non autorisé"
        for column, attribute in COLUMNS.items()
        if control_character_problem(values[attribute])
    ]
    for attribute, limit in MAX_LENGTHS.items():
        if values[attribute] and len(values[attribute]) > limit:
            problems.append(f"{LABELS[attribute]} dépasse {limit} caractères")
    personal = import_problem(values["description"], accepted=CONTACT_KINDS)  # as StructureForm
    if personal:
        problems.append(f"{LABELS['description']} {personal}")
    for attribute in ("name", "commune"):
        if not values[attribute]:
            problems.append(f"{LABELS[attribute]} est obligatoire")
    typology = _code(values["typology"], "typologies") if values["typology"] else "Autre"
    if typology is None:
        problems.append(f"typologie « {values['typology']} » inconnue")
    sector = _code(values["sector"], "secteurs")
    if values["sector"] and sector is None:
        problems.append(f"secteur « {values['sector']} » inconnu")
    publics = [(code, _code(code, "publics")) for code in split_list(values["publics"])]
    problems += [f"public « {typed} » inconnu" for typed, code in publics if code is None]
    fields = {
        **values,
        "typology": typology,
        "siret": clean_siret(values["siret"]),
        "website": clean_website(values["website"]),
        "insee_code": (values["insee_code"] or "").upper() or None,
        "thematiques": split_list(values["thematiques"]),
        "publics": [code for _typed, code in publics if code],
    }
    problems += _format_problems(fields)
    fields["has_custom_sector"] = bool(sector) and sector != vocab.typology_sector(typology)
    fields["sector"] = sector if fields["has_custom_sector"] else None
    return fields, problems


def _format_problems(fields: dict) -> list[str]:
    checks = (
        (check_postal_code, "postal_code", "code postal « {} » invalide (5 chiffres)"),
        (check_insee_code, "insee_code", "code INSEE « {} » invalide (5 caractères)"),
        (check_siret, "siret", "SIRET invalide (14 chiffres)"),
        (check_website, "website", "site web « {} » invalide (adresse en https://)"),
        (check_phone, "phone", "téléphone « {} » invalide"),
        (check_email, "email", "courriel « {} » invalide"),
    )
    problems = [
        message.format(fields[name]) for check, name, message in checks if check(fields[name])
    ]
    thematiques = check_thematiques(fields["thematiques"])
    if thematiques:
        problems.append(thematiques[0].lower() + thematiques[1:].rstrip("."))
    return problems


def preview(text: str) -> Preview:
    """Read and check the whole file: what would be created, what exists, what is wrong."""
    keys, rows = read_rows(text)
    result = Preview(total=len(rows))
    known = set(COLUMNS) | set(ALIASES)
    result.ignored = [key for key in dict.fromkeys(keys) if key and key not in known]
    seen_sirets: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        fields, problems = check_row(cells)
        if problems:
            result.errors += [f"Ligne {line} : {problem}" for problem in problems]
            continue
        row = Row(line, fields)
        name_key = (normalise(fields["name"]), normalise(fields["commune"]))
        twin = seen_sirets.get(fields["siret"]) if fields["siret"] else None
        if twin or name_key in seen_names:
            first = twin or seen_names[name_key]
            result.errors.append(f"Ligne {line} : même structure que la ligne {first}")
            continue
        result.to_create.append(row)
        if fields["siret"]:
            seen_sirets[fields["siret"]] = line
        seen_names[name_key] = line
    _set_aside_existing(result)
    return result


def _set_aside_existing(result: Preview) -> None:
    """Rows already in the directory (same SIRET, or same name in the same commune) move
    from "to create" to "existing": importing the same file twice creates nothing twice."""
    keys = [(r.fields["siret"], r.fields["name"], r.fields["commune"]) for r in result.to_create]
    matches = services.already_listed(keys)
    rows, result.to_create = result.to_create, []
    for row, existing in zip(rows, matches, strict=True):
        if existing:
            result.existing.append((row, existing))
        else:
            result.to_create.append(row)


# ----- between the preview and the confirmation -----------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="directory-import")


def token_for(text: str) -> str:
    """The file's text, compressed and signed: the confirmation re-reads exactly this file."""
    return _serializer().dumps(text)


def text_of(token: str | None) -> str:
    try:
        return _serializer().loads(token or "", max_age=TOKEN_MAX_AGE)
    except BadSignature:
        raise ImportFileError(
            "L'aperçu est trop ancien ou incomplet : envoyez de nouveau le fichier."
        ) from None


# ----- export ---------------------------------------------------------------------------------


def export_row(structure: Structure) -> list[str]:
    """One structure's cells as stored: the CSV neutralises formulas, the .xlsx writes text."""
    cells = []
    for attribute in COLUMNS.values():
        if attribute == "publics":
            value = ", ".join(structure.public_codes)
        elif attribute == "thematiques":
            value = ", ".join(structure.thematiques or [])
        elif attribute == "sector":
            value = structure.sector or ""
        else:
            value = getattr(structure, attribute) or ""
        cells.append(value)
    return cells


def export_table(structures: Iterable[Structure]) -> tuple[list[str], Iterator[list[str]]]:
    """The export's header and rows: export_lines() writes them as CSV, views as .xlsx."""
    return list(COLUMNS), (export_row(structure) for structure in structures)


def export_lines(structures: Iterable[Structure]) -> Iterator[str]:
    """UTF-8 with a BOM and `;`: what a French spreadsheet opens without asking."""
    header, rows = export_table(structures)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
