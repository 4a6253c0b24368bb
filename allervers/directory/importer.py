"""CSV import (read, check, preview) and export of the directory.

Accepted columns are ours and those of data·inclusion's structure files, v1 and v0 (see
allervers.directory.datainclusion for the schema detection and the mappings). Nothing is
written here: services.import_structures() does it once confirmed.

A structure is identified by its data·inclusion `source` + `id` when the row has them (a
newer file then updates what an older one created), otherwise by its name in its commune.
A SIRET never identifies one: data·inclusion allows a head office's SIRET on several.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from allervers import communes
from allervers.core import vocab
from allervers.core.forms import control_character_problem
from allervers.core.privacy import CONTACT_KINDS, import_problem
from allervers.core.spreadsheet import original_text, safe_cell
from allervers.directory import datainclusion, services
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
    "modes_accueil": "modes_accueil",
    "latitude": "latitude",
    "longitude": "longitude",
    "source": "di_source",
    "id": "di_id",
}
# data·inclusion's names that differ from ours; used only when our own column is empty.
ALIASES = {"presentation_resume": "description", "profils": "publics"}
# Read from a data·inclusion file, never stored as such: the typology comes from the networks;
# `date_maj` is required by the schema, accepted, not kept.
DERIVED = {"reseaux_porteurs", "date_maj"}
LIST_ATTRIBUTES = ("publics", "thematiques", "modes_accueil")
# What the preview says changes on a structure to update.
FIELD_LABELS = {
    "name": "nom", "acronym": "sigle", "typology": "typologie", "sector": "secteur",
    "commune": "commune", "postal_code": "code postal", "insee_code": "code INSEE",
    "siret": "SIRET", "website": "site web", "phone": "téléphone", "email": "courriel",
    "description": "description", "publics": "publics", "thematiques": "thématiques",
    "modes_accueil": "modes d'accueil", "latitude": "latitude", "longitude": "longitude",
}  # fmt: skip
# The source our data·inclusion export writes for structures that have no record there.
OWN_SOURCE = "aller-vers"
MAX_LENGTHS = {
    "name": 200,
    "acronym": 40,
    "commune": 120,
    "description": 10000,
    "di_source": 100,
    "di_id": 200,
}
LABELS = {"name": "le nom", "acronym": "le sigle", "commune": "la commune",
          "description": "la description", "di_source": "la source",
          "di_id": "l'identifiant"}  # fmt: skip


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
    place_problem: str | None = None  # refused if the row would create a structure

    @property
    def name(self) -> str:
        return self.fields["name"]


@dataclass
class Preview:
    to_create: list[Row] = field(default_factory=list)
    existing: list[tuple[Row, Structure]] = field(default_factory=list)
    # (row, structure, what changes: "téléphone : 02 38… → +33 2 38…")
    to_update: list[tuple[Row, Structure, list[str]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one per refused line
    ignored: list[str] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)  # "XYZ (typologie)", in file order
    version: str | None = None  # "v1", "v0" (data·inclusion), None (our columns)
    services: bool = False  # a data·inclusion services file: it completes known structures
    total: int = 0

    @property
    def format_label(self) -> str:
        if self.services:
            return f"services data·inclusion {self.version}"
        return f"data·inclusion {self.version}" if self.version else "colonnes de l'annuaire"


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
                values = (original_text(c.strip()).strip() for c in cells)
                rows.append((start, dict(zip(keys, values, strict=False))))
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


def given_attributes(keys: list[str]) -> set[str]:
    """The attributes a file gives (an update changes only these)."""
    given = {COLUMNS[key] for key in keys if key in COLUMNS}
    given |= {ALIASES[key] for key in keys if key in ALIASES}
    if given & {"commune", "postal_code", "insee_code"}:
        given |= {"commune", "postal_code", "insee_code"}
    if "reseaux_porteurs" in keys or "typologie" in keys:
        given |= {"typology", "sector"}
    return given - {"di_source", "di_id"}


def _code(value: str | None, vocabulary: str) -> str | None:
    """The vocabulary's own spelling of a code typed in any case ("ccas" → "CCAS")."""
    wanted = (value or "").casefold()
    return next((e.code for e in vocab.load(vocabulary) if e.code.casefold() == wanted), None)


def _typology(cells: dict, values: dict, version: str | None) -> tuple[str, str | None, list]:
    """(typology, sector the mapping gives or None, values not recognised)."""
    if version == "v1" or (not values["typology"] and cells.get("reseaux_porteurs")):
        slugs = datainclusion.split_cell(cells.get("reseaux_porteurs"))
        typology, sector, unknown = datainclusion.typology_of_reseaux(slugs)
        return typology, sector, [f"{slug} (réseau porteur)" for slug in unknown]
    if not values["typology"]:
        return "Autre", None, []
    typology = _code(values["typology"], "typologies")
    if typology is None:
        return "Autre", None, [f"{values['typology']} (typologie)"]
    return typology, None, []


def _place(fields: dict) -> str | None:
    """Fill a missing commune from the INSEE code or the postal code; the problem otherwise."""
    if fields["commune"]:
        return None
    insee, postal_code = fields["insee_code"], fields["postal_code"]
    if not insee and not postal_code:
        return "la commune est obligatoire (ou son code INSEE, ou son code postal)"
    found = communes.lookup(insee) if insee else None
    served = communes.by_postal_code(postal_code) if not found and postal_code else []
    if not found and len(served) > 1:
        return (
            f"la commune manque et le code postal {postal_code} dessert {len(served)} "
            "communes : ajoutez la commune ou le code INSEE"
        )
    found = found or (served[0] if served else None)
    if found is None:
        code = f"code INSEE {insee}" if insee else f"code postal {postal_code}"
        return f"la commune manque et le {code} ne désigne aucune commune : ajoutez-la"
    fields["commune"], fields["insee_code"] = found.name, found.insee
    if not postal_code and len(found.postal_codes) == 1:
        fields["postal_code"] = found.postal_codes[0]
    return None


def _number(value: str | None, low: float, high: float) -> float | str | None:
    """A coordinate ("47,9" or "47.9"), or "" when it is not one."""
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return ""
    return number if low <= number <= high else ""


def check_row(cells: dict, version: str | None = None) -> tuple[dict, list[str], list[str]]:
    """The Structure fields of one row, what is wrong with it (empty when it is fine) and the
    values no vocabulary or mapping recognises (imported without them)."""
    fields, problems, place, unrecognised = _check(cells, version)
    return fields, problems + ([place] if place else []), unrecognised


def _check(cells: dict, version: str | None) -> tuple[dict, list[str], str | None, list[str]]:
    """check_row(), with the missing place apart: a row without one is refused only if it
    would create a structure (one of our own exports lists those created without commune)."""
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
    if not values["name"]:
        problems.append(f"{LABELS['name']} est obligatoire")
    typology, mapped_sector, unrecognised = _typology(cells, values, version)
    sector = _code(values["sector"], "secteurs") or mapped_sector
    if values["sector"] and not _code(values["sector"], "secteurs"):
        problems.append(f"secteur « {values['sector']} » inconnu")
    publics, unknown = datainclusion.publics_of(
        datainclusion.split_cell(values["publics"]), data_inclusion=version is not None
    )
    unrecognised += [f"{value} (public)" for value in unknown]
    modes = datainclusion.split_cell(values["modes_accueil"])
    unrecognised += [f"{m} (mode d'accueil)" for m in modes if m not in datainclusion.MODES_ACCUEIL]
    fields = {
        **values,
        "typology": typology,
        "siret": clean_siret(values["siret"]),
        "website": clean_website(values["website"]),
        "insee_code": (values["insee_code"] or "").upper() or None,
        "thematiques": datainclusion.split_cell(values["thematiques"]),
        "publics": publics,
        "modes_accueil": [m for m in modes if m in datainclusion.MODES_ACCUEIL],
    }
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        fields[name] = _number(values[name], low, high)
        if fields[name] == "":
            problems.append(f"{name} « {values[name]} » invalide (un nombre, par exemple 47.9)")
    if fields["di_source"] == OWN_SOURCE:  # our own data·inclusion export: no record there
        fields["di_source"] = fields["di_id"] = None
    if bool(fields["di_source"]) != bool(fields["di_id"]):
        problems.append(
            "la source et l'identifiant data·inclusion vont ensemble : les deux ou aucun"
        )
    problems += _format_problems(fields)
    place = None if problems else _place(fields)
    fields["has_custom_sector"] = bool(sector) and sector != vocab.typology_sector(typology)
    fields["sector"] = sector if fields["has_custom_sector"] else None
    return fields, problems, place, unrecognised


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


def identity(fields: dict) -> tuple:
    """What makes two rows the same structure: the data·inclusion source and id when given,
    otherwise the name in the commune. Never the SIRET alone."""
    if fields["di_source"] and fields["di_id"]:
        return ("di", fields["di_source"], fields["di_id"])
    return ("name", normalise(fields["name"]), normalise(fields["commune"]))


def preview(text: str) -> Preview:
    """Read and check the whole file: what would be created or updated, what exists, what is
    wrong (one entry per refused line, with all its problems)."""
    keys, rows = read_rows(text)
    version = datainclusion.version_of(keys)
    if "structure_id" in keys:
        return services_preview(keys, rows, version or "v1")
    result = Preview(total=len(rows), version=version)
    known = set(COLUMNS) | set(ALIASES) | DERIVED
    result.ignored = [key for key in dict.fromkeys(keys) if key and key not in known]
    seen: dict[tuple, int] = {}
    unrecognised: dict[str, None] = {}
    for line, cells in rows:
        fields, problems, place, unknown = _check(cells, version)
        if not problems and identity(fields) in seen:
            problems = [f"même structure que la ligne {seen[identity(fields)]}"]
        if problems:
            result.errors.append(f"Ligne {line} : {' ; '.join(problems)}")
            continue
        unrecognised.update(dict.fromkeys(unknown))
        seen[identity(fields)] = line
        result.to_create.append(Row(line, fields, place))
    result.unrecognised = list(unrecognised)
    _set_aside_existing(result, given_attributes(keys))
    _refuse_without_place(result)
    return result


def _refuse_without_place(result: Preview) -> None:
    """A row without a place may stand for a structure already listed, never create or move one."""
    refused = [row for row in result.to_create if row.place_problem]
    refused += [row for row, _s, _c in result.to_update if row.place_problem]
    if not refused:
        return
    result.to_create = [row for row in result.to_create if not row.place_problem]
    result.to_update = [entry for entry in result.to_update if not entry[0].place_problem]
    errors = [(int(e.split()[1]), e) for e in result.errors]
    errors += [(row.line, f"Ligne {row.line} : {row.place_problem}") for row in refused]
    result.errors = [message for _line, message in sorted(errors)]


SERVICE_FIELDS = {"thematiques", "publics", "modes_accueil"}


def services_preview(keys: list[str], rows: list[tuple[int, dict]], version: str) -> Preview:
    """A data·inclusion services file: each structure (`source` + `structure_id`) already in
    the directory gets the thématiques, publics and modes d'accueil of all its services (the
    file replaces what an earlier one gave). A service of an unknown structure is refused."""
    result = Preview(total=len(rows), version=version, services=True)
    known = {"source", "structure_id", "id", "nom", "date_maj", "profils"} | SERVICE_FIELDS
    result.ignored = [key for key in dict.fromkeys(keys) if key and key not in known]
    groups: dict[tuple[str, str], list[tuple[int, dict]]] = {}
    unrecognised: dict[str, None] = {}
    for line, cells in rows:
        source, structure_id = cells.get("source"), cells.get("structure_id")
        if not source or not structure_id:
            result.errors.append(f"Ligne {line} : la source et structure_id sont obligatoires")
            continue
        groups.setdefault((source, structure_id), []).append((line, cells))
    owners = services.already_listed([("di", *key) for key in groups])
    for (source, structure_id), lines in groups.items():
        fields = {name: [] for name in SERVICE_FIELDS}
        for _line, cells in lines:
            row_fields, _problems, unknown = check_row(
                {**cells, "nom": "-", "source": None, "id": None}, version
            )
            unrecognised.update(dict.fromkeys(u for u in unknown if "typologie" not in u))
            for name in SERVICE_FIELDS:
                fields[name] = list(dict.fromkeys(fields[name] + row_fields[name]))
        owner = owners.pop(0)
        if owner is None:
            result.errors += [
                f"Ligne {line} : la structure « {structure_id} » ({source}) n'est pas dans "
                "l'annuaire : importez d'abord le fichier des structures"
                for line, _cells in lines
            ]
            continue
        row = Row(lines[0][0], {"name": owner.name, **fields})
        changed = changes(owner, fields, SERVICE_FIELDS)
        if changed and not owner.is_deleted:
            result.to_update.append((row, owner, changed))
        else:
            result.existing.append((row, owner))
    result.unrecognised = list(unrecognised)
    return result


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(value) or "(vide)"
    return "(vide)" if value in (None, "") else str(value)


def changes(structure: Structure, fields: dict, given: set[str]) -> list[str]:
    """What an update would change on the structure, in words."""
    found = []
    for name in FIELD_LABELS:
        if name not in given:
            continue
        new = fields.get(name)
        if name == "sector" and not fields.get("has_custom_sector"):
            new = vocab.typology_sector(fields["typology"])
        old = structure.public_codes if name == "publics" else getattr(structure, name)
        if name in LIST_ATTRIBUTES:
            same = sorted(old or []) == sorted(new or [])
        else:
            same = (old or None) == (new or None)
        if not same:
            found.append(f"{FIELD_LABELS[name]} : {_shown(old)} → {_shown(new)}")
    return found


def _set_aside_existing(result: Preview, given: set[str]) -> None:
    """Rows already in the directory move from "to create" to "existing" (same name in the
    same commune, or the same data·inclusion record unchanged) or "to update" (the same
    data·inclusion record, changed): importing a file twice creates nothing twice."""
    keys = [identity(row.fields) for row in result.to_create]
    matches = services.already_listed(keys)
    rows, result.to_create = result.to_create, []
    for row, existing in zip(rows, matches, strict=True):
        if existing is None:
            result.to_create.append(row)
            continue
        changed = changes(existing, row.fields, given) if existing.di_id else []
        if changed and not existing.is_deleted:
            kept = given | ({"has_custom_sector"} if "sector" in given else set())
            row.fields = {k: v for k, v in row.fields.items() if k in kept}
            result.to_update.append((row, existing, changed))
        else:
            result.existing.append((row, existing))


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
        elif attribute in LIST_ATTRIBUTES:
            value = ", ".join(getattr(structure, attribute) or [])
        elif attribute == "sector":
            value = structure.sector or ""
        else:
            value = getattr(structure, attribute)
        cells.append(value)
    return cells


def export_table(structures: Iterable[Structure]) -> tuple[list[str], Iterator[list]]:
    """The export's header and rows of stored values: export_lines() writes them as CSV
    (formulas neutralised), the views as .xlsx (text written as text)."""
    return list(COLUMNS), (export_row(structure) for structure in structures)


def _lines(header, rows: Iterable[list], delimiter: str) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    for cells in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(value) for value in cells])
        yield buffer.getvalue()


def export_lines(structures: Iterable[Structure]) -> Iterator[str]:
    """UTF-8 with a BOM and `;`: what a French spreadsheet opens without asking."""
    return _lines(*export_table(structures), ";")


def _v1_cells(structure: Structure) -> list[str]:
    """One structure in data·inclusion v1 columns. Ours without a data·inclusion record get
    the source `aller-vers` and their id in the directory."""
    publics = datainclusion.publics_out()
    values = {
        "source": structure.di_source or OWN_SOURCE,
        "id": structure.di_id or str(structure.id),
        "nom": structure.name,
        "date_maj": f"{structure.updated_at or structure.created_at:%Y-%m-%d}",
        "siret": structure.siret,
        "commune": structure.commune,
        "code_postal": structure.postal_code,
        "code_insee": structure.insee_code,
        "longitude": structure.longitude,
        "latitude": structure.latitude,
        "telephone": structure.phone,
        "courriel": structure.email,
        "site_web": structure.website,
        "description": structure.description,
        "reseaux_porteurs": "|".join(datainclusion.reseaux_of(structure.typology)),
        "thematiques": "|".join(structure.thematiques or []),
        "publics": "|".join(
            dict.fromkeys(publics[c] for c in structure.public_codes if c in publics)
        ),
        "modes_accueil": "|".join(structure.modes_accueil or []),
    }
    return [values.get(column) for column in datainclusion.V1_COLUMNS]


def export_v1_table(structures: Iterable[Structure]) -> tuple[list[str], Iterator[list]]:
    """The data·inclusion v1 structure columns (and the service fields we keep) and the rows;
    lists are written `a|b`."""
    return list(datainclusion.V1_COLUMNS), (_v1_cells(s) for s in structures)


def export_v1_lines(structures: Iterable[Structure]) -> Iterator[str]:
    """The v1 table `,`-separated, as data·inclusion publishes its files."""
    return _lines(*export_v1_table(structures), ",")
