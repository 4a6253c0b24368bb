"""Map CSV import and export, and the quick-entry lines of the workshop.

Import format (kept stable: checks and users rely on it): one row per link, columns
`source;cible;niveau;statut` and optional `sens;frequence;niveau_souhaite;faisabilite;note`,
`,` or `;` separated. For a `souhaité` link, `niveau` is the desired level. Structures are matched
by name in the directory (accents, case and little words ignored) and created when missing.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from allervers.auth.models import User
from allervers.core.forms import control_character_problem
from allervers.core.plural import plural
from allervers.core.privacy import import_problem
from allervers.core.spreadsheet import safe_cell
from allervers.directory import services as directory
from allervers.directory.models import Structure, normalise
from allervers.extensions import db
from allervers.maps import services
from allervers.maps.models import (
    FEASIBILITIES,
    FREQUENCIES,
    CooperationLink,
    CooperationMap,
    MapEntry,
)

REQUIRED = ("source", "cible", "niveau", "statut")
NAME_MAX = Structure.__table__.c.name.type.length
NOTE_MAX = 2000  # as in the link form
OPTIONAL = ("sens", "frequence", "niveau_souhaite", "faisabilite", "note")
MAX_ROWS = 2000
MAX_BYTES = 1_000_000
STATUS_WORDS = {"existant": "existant", "souhaite": "souhaite", "difficile": "difficile"}
DIRECTION_WORDS = {
    "mutuel": "mutuel",
    "a_vers_b": "a_vers_b",
    "a->b": "a_vers_b",
    "a→b": "a_vers_b",
    "a vers b": "a_vers_b",
}
LITTLE_WORDS = {"d", "de", "du", "des", "la", "le", "les", "l", "et", "en", "a", "au", "aux"}


def name_key(name: str) -> str:
    """ "CCAS d'Orléans" and "ccas orleans" share the key "ccas orleans"."""
    return " ".join(w for w in normalise(name).split() if w not in LITTLE_WORDS)


@dataclass
class ParsedLink:
    line: int
    source: str
    target: str
    fields: dict


@dataclass
class ImportPlan:
    """What an import would do: nothing is written until apply() is called."""

    links: list[ParsedLink] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    matched: dict[str, Structure] = field(default_factory=dict)
    to_create: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.links)


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else the Windows encoding of older French spreadsheets."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _header(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def _delimiter(text: str) -> str:
    header = _header(text)
    return ";" if header.count(";") >= header.count(",") else ","


def _file_problem(text: str) -> str | None:
    """What makes the whole file unreadable, before any line is read."""
    if len(text.encode()) > MAX_BYTES:
        return "Le fichier dépasse 1 Mo : découpez-le en plusieurs fichiers."
    if not text.strip():
        return "Le fichier est vide."
    if "\x00" in _header(text):  # UTF-16 ("Texte Unicode"), or not a text file at all
        return (
            "La première ligne du fichier contient des octets nuls : ce n'est pas un fichier "
            "CSV. Dans le tableur, enregistrez-le au format « CSV UTF-8 », puis envoyez-le."
        )
    return None


def _level(raw: str, line: int, label: str, errors: list[str]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if re.fullmatch("[0-5]", raw):  # not isdigit(): "²" is a digit that int() refuses
        return int(raw)
    errors.append(f"Ligne {line} : {label} « {raw} » invalide (un nombre de 0 à 5).")
    return None


def _choice(raw: str, allowed: dict, line: int, label: str, errors: list[str]) -> str | None:
    key = normalise(raw).replace(" ", "_") if raw.strip() else ""
    if not key:
        return None
    if key in allowed:
        return key
    words = ", ".join(sorted(set(allowed)))
    errors.append(
        f"Ligne {line} : {label} « {raw.strip()} » inconnu (valeurs possibles : {words})."
    )
    return None


def _row_fields(row: dict, line: int, errors: list[str]) -> dict | None:
    before = len(errors)
    status = _choice(row.get("statut") or "existant", STATUS_WORDS, line, "statut", errors)
    level = _level(row.get("niveau") or "", line, "niveau", errors)
    desired = _level(row.get("niveau_souhaite") or "", line, "niveau souhaité", errors)
    if status == "souhaite":
        level, desired = None, desired if desired is not None else level
        if desired is None:
            errors.append(f"Ligne {line} : un lien souhaité demande le niveau souhaité.")
    elif status and level is None and len(errors) == before:
        errors.append(f"Ligne {line} : le niveau est obligatoire pour un lien {status}.")
    sens = row.get("sens") or ""
    direction = DIRECTION_WORDS.get(sens.strip().lower()) if sens.strip() else "mutuel"
    if direction is None:
        errors.append(f"Ligne {line} : sens « {sens.strip()} » inconnu (mutuel ou a->b).")
    fields = {
        "status": status,
        "level": level,
        "desired_level": desired,
        "direction": direction or "mutuel",
        "frequency": _choice(row.get("frequence") or "", FREQUENCIES, line, "fréquence", errors),
        "feasibility": _choice(
            row.get("faisabilite") or "", FEASIBILITIES, line, "faisabilité", errors
        ),
        "note": (row.get("note") or "").strip() or None,
    }
    return fields if len(errors) == before else None


def parse(text: str) -> ImportPlan:
    """Read the CSV and match its structures; every problem is reported with its line number."""
    plan = ImportPlan()
    text = text.lstrip("\ufeff")  # saved twice, a file has two BOMs
    problem = _file_problem(text)
    if problem:
        plan.errors.append(problem)
        return plan
    body = text.lstrip("\r\n")  # blank lines before the header still count in line numbers
    header_line = 1 + len(text[: len(text) - len(body)].splitlines())
    reader = csv.DictReader(io.StringIO(body), delimiter=_delimiter(body))
    try:
        _read_rows(plan, reader, header_line)
    except csv.Error:  # e.g. a line break alone (CR) inside an unquoted cell
        plan.errors.append(
            f"Le fichier CSV est mal formé (ligne {reader.line_num + 1}) : enregistrez-le de "
            "nouveau au format CSV depuis le tableur, puis envoyez-le."
        )
        return plan
    if not plan.links and not plan.errors:
        plan.errors.append(
            "Le fichier ne contient aucun lien : ajoutez une ligne par lien sous la ligne des "
            "colonnes, puis envoyez-le de nouveau."
        )
    _match_structures(plan)
    return plan


def _read_rows(plan: ImportPlan, reader: csv.DictReader, header_line: int) -> None:
    columns = [normalise(name).replace(" ", "_") for name in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        plan.errors.append(f"Colonnes obligatoires absentes : {', '.join(missing)}.")
        return
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=header_line + 1):
        if line - header_line > MAX_ROWS:
            plan.errors.append(f"Le fichier dépasse {MAX_ROWS} lignes.")
            break
        _parse_row(plan, line, row, seen)


def _parse_row(plan: ImportPlan, line: int, row: dict, seen: set) -> None:
    source, target = (row.get("source") or "").strip(), (row.get("cible") or "").strip()
    if not source or not target:
        plan.errors.append(f"Ligne {line} : la source et la cible sont obligatoires.")
        return
    problem = _cells_problem(row, source, target)
    if problem:
        plan.errors.append(f"Ligne {line} : {problem}")
        return
    if name_key(source) == name_key(target):
        plan.errors.append(f"Ligne {line} : un lien relie deux structures différentes.")
        return
    pair = tuple(sorted((name_key(source), name_key(target))))
    if pair in seen:
        plan.errors.append(f"Ligne {line} : ce lien figure déjà plus haut dans le fichier.")
        return
    fields = _row_fields(row, line, plan.errors)
    if fields is not None:
        seen.add(pair)
        plan.links.append(ParsedLink(line, source, target, fields))


def _cells_problem(row: dict, source: str, target: str) -> str | None:
    """What the forms would refuse in a row's texts: invisible characters, texts too long."""
    for value in row.values():
        cells = value if isinstance(value, list) else [value]  # extra cells come as a list
        problem = next(filter(None, map(control_character_problem, cells)), None)
        if problem:
            return problem[0].lower() + problem[1:]
    if max(len(source), len(target)) > NAME_MAX:
        return f"un nom de structure dépasse {NAME_MAX} caractères."
    if len((row.get("note") or "").strip()) > NOTE_MAX:
        return f"la note dépasse {NOTE_MAX} caractères."
    personal = import_problem(row.get("note"))
    # The same note typed in the link's form can be confirmed there.
    return f"la note {personal}." if personal else None


def _match_structures(plan: ImportPlan) -> None:
    names = {name for link in plan.links for name in (link.source, link.target)}
    for name in sorted(names):
        found = match_structure(name)
        if isinstance(found, list):
            choices = " ; ".join(f"{s.name} ({s.commune or '?'})" for s in found[:3])
            plan.errors.append(f"« {name} » correspond à plusieurs structures : {choices}.")
        elif found is None:
            plan.to_create.append(name)
        else:
            plan.matched[name] = found
    _refuse_same_ends(plan)


def _refuse_same_ends(plan: ImportPlan) -> None:
    """Two spellings of one structure (its name and its acronym) are one end: a row whose
    two ends are the same structure, or a pair already given, is refused by its line."""
    resolved = set(plan.matched) | set(plan.to_create)
    seen: dict[frozenset, int] = {}
    kept = []
    for link in plan.links:
        if not {link.source, link.target} <= resolved:
            kept.append(link)  # a name matching several structures is reported already
            continue
        source, target = _end(plan, link.source), _end(plan, link.target)
        if source == target:
            same = plan.matched.get(link.source)
            named = f" ({same.name})" if same else ""
            plan.errors.append(
                f"Ligne {link.line} : « {link.source} » et « {link.target} » désignent la même "
                f"structure{named} : un lien relie deux structures différentes."
            )
        elif frozenset((source, target)) in seen:
            plan.errors.append(
                f"Ligne {link.line} : ce lien figure déjà plus haut dans le fichier "
                f"(ligne {seen[frozenset((source, target))]})."
            )
        else:
            seen[frozenset((source, target))] = link.line
            kept.append(link)
    plan.links = kept


def _end(plan: ImportPlan, name: str) -> tuple[str, object]:
    """What a name stands for: a directory structure, or the one the import creates."""
    found = plan.matched.get(name)
    return ("structure", found.id) if found else ("nouvelle", name_key(name))


def match_structure(name: str) -> Structure | list[Structure] | None:
    """The one directory structure called `name`, a list when ambiguous, None when absent."""
    key = name_key(name)
    first_word = key.split()[0] if key else ""
    candidates = db.session.scalars(
        directory.live_structures().where(Structure.search_text.contains(first_word))
    ).all()
    exact = [s for s in candidates if name_key(s.name) == key]
    if not exact:
        exact = [s for s in candidates if s.acronym and name_key(s.acronym) == key]
    if len(exact) == 1:
        return exact[0]
    return exact or None


def apply(plan: ImportPlan, cooperation_map: CooperationMap, by: User) -> tuple[int, int]:
    """Write the plan into the map in one transaction; returns (structures created, links)."""
    structures = dict(plan.matched)
    for name in plan.to_create:
        structures[name] = services.new_structure(name, None, "Autre", by)
    # Two spellings may name the same structure: place each structure once.
    for structure in {s.id: s for s in structures.values()}.values():
        entry = services.entry_of(cooperation_map, structure.id)
        if entry is None:
            db.session.add(MapEntry(map_id=cooperation_map.id, structure=structure))
        else:
            entry.deleted_at = None
    db.session.flush()
    for parsed in plan.links:
        source, target = structures[parsed.source], structures[parsed.target]
        link = services.link_between(cooperation_map, source.id, target.id)
        if link is None:
            link = CooperationLink(map_id=cooperation_map.id)
            db.session.add(link)
        link.deleted_at = None
        link.set_pair(source.id, target.id)
        for name, value in parsed.fields.items():
            setattr(link, name, value)
    label = f"{plural(len(plan.links), 'lien importé', 'liens importés')}"
    services.touch(cooperation_map.id, "import", "map", label)
    db.session.commit()
    return len(plan.to_create), len(plan.links)


# ----- export ---------------------------------------------------------------------------------


def export_table(cooperation_map: CooperationMap) -> tuple[list[str], list[list]]:
    """The export's header and rows, in the import format: export() writes them as CSV,
    views as .xlsx."""
    rows = []
    for link in cooperation_map.live_links:
        level = link.desired_level if link.status == "souhaite" else link.level
        direction = "a->b" if link.direction == "a_vers_b" else "mutuel"
        rows.append(
            [
                link.source.name,
                link.target.name,
                level,
                link.status,
                direction,
                link.frequency,
                link.desired_level,
                link.feasibility,
                link.note,
            ]
        )
    return [*REQUIRED, *OPTIONAL], rows


def export(cooperation_map: CooperationMap) -> str:
    """The map's links in the import format (UTF-8 with BOM, `;`), so an export re-imports."""
    header, rows = export_table(cooperation_map)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return "\ufeff" + out.getvalue()


# ----- quick entry: "CCAS Orléans → CAF Loiret, niveau 3" -------------------------------------

ARROW = re.compile(r"\s*(?:→|->|—>|=>)\s*")
LEVEL = re.compile(r"niveau\s*(\d)", re.IGNORECASE)


def quick_entry_csv(lines: str) -> str:
    """Turn quick-entry lines into the import format, so both share one validation path."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["source", "cible", "niveau", "statut"])
    for raw in lines.splitlines():
        if not raw.strip():
            continue
        parts = ARROW.split(raw.strip(), maxsplit=1)
        if len(parts) != 2:
            writer.writerow([raw.strip(), "", "", ""])
            continue
        target, _, options = parts[1].partition(",")
        level = LEVEL.search(options)
        words = normalise(options)
        status = next((s for s in ("souhaite", "difficile") if s in words), "existant")
        writer.writerow(
            [
                parts[0],
                target.strip(),
                level.group(1) if level else "",
                status,
            ]
        )
    return out.getvalue()


def renumber_quick_entry(plan: ImportPlan, lines: str) -> ImportPlan:
    """Quick entry is read as a CSV with a header and without its blank lines: give each link
    and each problem the number of the line the person typed."""
    typed = [number for number, raw in enumerate(lines.splitlines(), 1) if raw.strip()]

    def typed_line(csv_line: int) -> int:
        index = csv_line - 2  # line 1 is the header
        return typed[index] if 0 <= index < len(typed) else csv_line

    for item in plan.links:
        item.line = typed_line(item.line)
    plan.errors = [
        re.sub(r"^Ligne (\d+)", lambda m: f"Ligne {typed_line(int(m.group(1)))}", error)
        for error in plan.errors
    ]
    return plan
