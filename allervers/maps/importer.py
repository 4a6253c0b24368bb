"""Map CSV import and export, and the quick-entry lines of the workshop.

Import format, `,` or `;` separated, one header line, then one row per link or per structure.
The export writes every column, so a map's export re-imports as the same map, field by field.

- Required columns: `source;cible;niveau;statut` (kept stable: older files and checks rely on
  them). For a `souhaite` link, `niveau` is the desired level.
- Optional link columns: `sens` (`mutuel` or `a->b`, from source to cible), `frequence`,
  `niveau_souhaite`, `faisabilite`, `note`, then `confiance_fiabilite`, `confiance_missions`,
  `confiance_dialogue`, `valeur_influence`, `valeur_implication`, `valeur_ressources` (1 to 4),
  `ressources` and `publics` (codes separated by `|`, e.g. `financement|locaux`), `obstacles`.
- `commune_source`, `commune_cible`: the commune of each end, which tells two structures of the
  same name apart.
- A row whose `cible` is empty and whose link columns are all empty describes one structure of
  the map (`source`, `commune_source`): it places the structure even when it has no link, and
  carries its `influence_structure` (0 to 5), `position_structure` (moteur, favorable, neutre,
  reserve) and `note_structure`. These three columns are filled on such rows only. The export
  writes one such row per structure of the map, then one row per link.

At most MAX_ROWS link rows and as many structure rows, in 1 Mo. A column missing from the file
leaves that field of an existing link or entry as it is (the older columns, as before, are
cleared). A cell written as `'=…`, `'+…`, `'-…` or `'@…` by the export's formula
neutralisation reads back without its `'` (core.spreadsheet.original_text). Structures are
matched by name (and commune) in the directory (allervers/directory/matching.py): a sure match
is used, a name without any candidate is created, a probable one waits for the person's choice.
"""

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from allervers.auth.models import User
from allervers.core import vocab
from allervers.core.forms import control_character_problem
from allervers.core.plural import plural
from allervers.core.privacy import import_problem
from allervers.core.spreadsheet import original_text, safe_cell
from allervers.directory import matching
from allervers.directory import services as directory
from allervers.directory.models import Structure, normalise
from allervers.extensions import db
from allervers.maps import services
from allervers.maps.models import (
    FEASIBILITIES,
    FREQUENCIES,
    POSITIONS,
    CooperationLink,
    CooperationMap,
    MapEntry,
)

REQUIRED = ("source", "cible", "niveau", "statut")
NAME_MAX = Structure.__table__.c.name.type.length
COMMUNE_MAX = Structure.__table__.c.commune.type.length
NOTE_MAX = 2000  # as in the link and entry forms
# Link ratings, 1 (faible) to 4 (fort): column → CooperationLink field.
RATINGS = {
    "confiance_fiabilite": "trust_reliability",
    "confiance_missions": "trust_mission",
    "confiance_dialogue": "trust_dialogue",
    "valeur_influence": "value_influence",
    "valeur_implication": "value_involvement",
    "valeur_ressources": "value_resources",
}
# Lists of codes, `a|b`: column → (CooperationLink field, vocabulary).
CODE_LISTS = {"ressources": ("resources", "ressources"), "publics": ("publics", "publics")}
LINK_COLUMNS = (
    "sens",
    "frequence",
    "niveau_souhaite",
    "faisabilite",
    "note",
    *RATINGS,
    *CODE_LISTS,
    "obstacles",
)
END_COLUMNS = ("commune_source", "commune_cible")
ENTRY_COLUMNS = ("influence_structure", "position_structure", "note_structure")
OPTIONAL = (*LINK_COLUMNS, *END_COLUMNS, *ENTRY_COLUMNS)
LIST_SEPARATOR = "|"
MAX_ROWS = 2000  # links; as many structure rows again, so that a map's export re-imports
MAX_BYTES = 1_000_000
STATUS_WORDS = {"existant": "existant", "souhaite": "souhaite", "difficile": "difficile"}
DIRECTION_WORDS = {
    "mutuel": "mutuel",
    "a_vers_b": "a_vers_b",
    "a->b": "a_vers_b",
    "a→b": "a_vers_b",
    "a vers b": "a_vers_b",
}
CREATE = "creer"  # the choice « créer une nouvelle structure »
LITTLE_WORDS = {"d", "de", "du", "des", "la", "le", "les", "l", "et", "en", "a", "au", "aux"}


def name_key(name: str) -> str:
    """ "CCAS d'Orléans" and "ccas orleans" share the key "ccas orleans"."""
    return " ".join(w for w in normalise(name).split() if w not in LITTLE_WORDS)


@dataclass(frozen=True, order=True)
class End:
    """A structure as the file names it: its name and the commune given with it ("" when none).
    Two homonyms in two communes are two ends; the plan is keyed by ends."""

    name: str
    commune: str = ""

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> tuple[str, str]:
        """Two spellings of one name in one commune are one structure."""
        return _end_key(self.name, self.commune)


@dataclass
class ParsedLink:
    line: int
    source: str
    target: str
    fields: dict
    # The commune given for each end (`commune_source`, `commune_cible`), for the matching.
    source_commune: str | None = None
    target_commune: str | None = None

    @property
    def source_end(self) -> End:
        return End(self.source, self.source_commune or "")

    @property
    def target_end(self) -> End:
        return End(self.target, self.target_commune or "")


@dataclass
class ParsedEntry:
    """A row without cible: a structure placed on the map, with its entry's fields."""

    line: int
    name: str
    commune: str | None
    fields: dict

    @property
    def end(self) -> End:
        return End(self.name, self.commune or "")


@dataclass
class ImportPlan:
    """What an import would do: nothing is written until apply() is called."""

    links: list[ParsedLink] = field(default_factory=list)
    entries: list[ParsedEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    matched: dict[End, Structure] = field(default_factory=dict)
    to_create: list[End] = field(default_factory=list)
    # Names that look like directory structures: the person picks one, or CREATE.
    pending: dict[End, matching.Match] = field(default_factory=dict)
    choices: dict[End, str] = field(default_factory=dict)  # end → value sent back
    unanswered: list[End] = field(default_factory=list)  # asked at confirmation, not chosen

    @property
    def is_valid(self) -> bool:
        return self.can_confirm and not self.unanswered

    @property
    def can_confirm(self) -> bool:
        """Nothing in the file to correct: only choices may be left to make."""
        return not self.errors and bool(self.links or self.entries)

    create = CREATE

    @property
    def questions(self) -> list[tuple[End, matching.Match, str]]:
        """(end, match, form field): one question per structure to choose, two spellings of
        one name in one commune ask once."""
        asked = {choice_field(n): (n, m, choice_field(n)) for n, m in self.pending.items()}
        return list(asked.values())


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
        **_more_link_fields(row, line, errors),
    }
    filled = [column for column in ENTRY_COLUMNS if (row.get(column) or "").strip()]
    if filled:
        errors.append(
            f"Ligne {line} : {', '.join(filled)} se remplit sur la ligne de la structure "
            "(cible vide), pas sur une ligne de lien."
        )
    return fields if len(errors) == before else None


def _more_link_fields(row: dict, line: int, errors: list[str]) -> dict:
    """The link columns added after the first format: only those the file has, so that an
    older file leaves them as they are on the links it updates."""
    fields = {}
    for column, name in RATINGS.items():
        if column in row:
            fields[name] = _rating(row[column] or "", line, column, errors)
    for column, (name, vocabulary) in CODE_LISTS.items():
        if column in row:
            fields[name] = _codes(row[column] or "", vocabulary, line, column, errors)
    if "obstacles" in row:
        label = "la colonne obstacles"
        fields["obstacles"] = _text(row, "obstacles", label, NOTE_MAX, line, errors)
    return fields


def _entry_fields(row: dict, line: int, errors: list[str]) -> dict:
    """A structure row's entry fields (influence, position, note), those the file has."""
    fields = {}
    if "influence_structure" in row:
        raw = row["influence_structure"] or ""
        fields["influence"] = _level(raw, line, "influence_structure", errors)
    if "position_structure" in row:
        raw = row["position_structure"] or ""
        fields["position"] = _choice(raw, POSITIONS, line, "position_structure", errors)
    if "note_structure" in row:
        label = "la note de la structure"
        fields["note"] = _text(row, "note_structure", label, NOTE_MAX, line, errors)
    return fields


def _rating(raw: str, line: int, label: str, errors: list[str]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if re.fullmatch("[1-4]", raw):
        return int(raw)
    errors.append(f"Ligne {line} : {label} « {raw} » invalide (un nombre de 1 à 4).")
    return None


def _codes(raw: str, vocabulary: str, line: int, label: str, errors: list[str]) -> list[str]:
    """`a|b` → ["a", "b"], each a code of the vocabulary, in the order given, each once."""
    codes = [code.strip().lower() for code in raw.split(LIST_SEPARATOR) if code.strip()]
    known = [entry.code for entry in vocab.load(vocabulary)]
    unknown = [code for code in codes if code not in known]
    if unknown:
        errors.append(
            f"Ligne {line} : {label} « {', '.join(unknown)} » inconnu (codes possibles, séparés "
            f"par « {LIST_SEPARATOR} » : {', '.join(known)})."
        )
        return []
    return list(dict.fromkeys(codes))


def _text(
    row: dict, column: str, label: str, limit: int, line: int, errors: list[str]
) -> str | None:
    """A free text as its form would take it: trimmed, not too long, identifying no one."""
    value = (row.get(column) or "").strip()
    if len(value) > limit:
        errors.append(f"Ligne {line} : {label} dépasse {limit} caractères.")
        return None
    personal = import_problem(value)
    if personal:
        errors.append(f"Ligne {line} : {label} {personal}.")
        return None
    return value or None


def _commune(row: dict, column: str, line: int, errors: list[str]) -> str | None:
    value = (row.get(column) or "").strip()
    if len(value) > COMMUNE_MAX:
        errors.append(f"Ligne {line} : {column} dépasse {COMMUNE_MAX} caractères.")
        return None
    return value or None


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
    if not plan.links and not plan.entries and not plan.errors:
        plan.errors.append(
            "Le fichier ne contient aucun lien : ajoutez une ligne par lien sous la ligne des "
            "colonnes, puis envoyez-le de nouveau."
        )
    _resolve_communes(plan)
    _match_structures(plan)
    _refuse_twice_described(plan)
    return plan


def _refuse_twice_described(plan: ImportPlan) -> None:
    """Two structure rows whose names stand for one structure (its name and its acronym)
    would each set its entry: the second is refused by its line."""
    first: dict[tuple, int] = {}
    kept = []
    for entry in plan.entries:
        if entry.end not in plan.matched and entry.end not in plan.to_create:
            kept.append(entry)  # a name matching several structures is reported already
            continue
        end = _end(plan, entry.end)
        if end in first:
            plan.errors.append(
                f"Ligne {entry.line} : « {entry.name} » désigne la même structure que la ligne "
                f"{first[end]} : décrivez chaque structure sur une seule ligne."
            )
        else:
            first[end] = entry.line
            kept.append(entry)
    plan.entries = kept


def _read_rows(plan: ImportPlan, reader: csv.DictReader, header_line: int) -> None:
    columns = [normalise(name).replace(" ", "_") for name in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        plan.errors.append(f"Colonnes obligatoires absentes : {', '.join(missing)}.")
        return
    seen: set[tuple] = set()
    counts = {True: 0, False: 0}  # rows of links (with a cible), rows of structures
    for row in reader:
        is_link = bool((row.get("cible") or "").strip())
        counts[is_link] += 1
        if counts[is_link] > MAX_ROWS:
            kind = "lignes" if is_link else "lignes sans cible (structures)"
            plan.errors.append(f"Le fichier dépasse {MAX_ROWS} {kind}.")
            break
        # A cell may hold line breaks: the row starts that many lines above its last one.
        breaks = sum(cell.count("\n") for cell in _cells(row))
        _parse_row(plan, header_line + reader.line_num - 1 - breaks, row, seen)


def _cells(row: dict) -> list[str]:
    """The row's texts, extra cells (a list under the key None) included."""
    cells = []
    for value in row.values():
        cells.extend(value if isinstance(value, list) else [value] if value else [])
    return cells


def _original_cells(row: dict) -> dict:
    """The row with the export's formula neutralisation undone (« '=x » reads « =x »)."""
    return {
        key: [original_text(v) for v in value]
        if isinstance(value, list)
        else original_text(value)
        if value
        else value
        for key, value in row.items()
    }


def _end_key(name: str, commune: str | None) -> tuple[str, str]:
    """Two structures of the same name in different communes are two ends."""
    return name_key(name), normalise(commune)


def _has_link_cells(row: dict) -> bool:
    columns = ("niveau", "statut", *LINK_COLUMNS, "commune_cible")
    return any((row.get(column) or "").strip() for column in columns)


def _parse_row(plan: ImportPlan, line: int, row: dict, seen: set) -> None:
    row = _original_cells(row)
    source, target = (row.get("source") or "").strip(), (row.get("cible") or "").strip()
    if source and not target and not _has_link_cells(row):
        _parse_entry(plan, line, row, source, seen)
        return
    if not source or not target:
        plan.errors.append(f"Ligne {line} : la source et la cible sont obligatoires.")
        return
    problem = _cells_problem(row, source, target)
    if problem:
        plan.errors.append(f"Ligne {line} : {problem}")
        return
    before = len(plan.errors)
    communes = [_commune(row, column, line, plan.errors) for column in END_COLUMNS]
    ends = _end_key(source, communes[0]), _end_key(target, communes[1])
    if len(plan.errors) > before:
        return
    if ends[0] == ends[1]:
        plan.errors.append(f"Ligne {line} : un lien relie deux structures différentes.")
        return
    pair = tuple(sorted(ends))
    if pair in seen:
        plan.errors.append(f"Ligne {line} : ce lien figure déjà plus haut dans le fichier.")
        return
    fields = _row_fields(row, line, plan.errors)
    if fields is not None:
        seen.add(pair)
        plan.links.append(ParsedLink(line, source, target, fields, *communes))


def _parse_entry(plan: ImportPlan, line: int, row: dict, name: str, seen: set) -> None:
    """A row without cible nor link cells: a structure of the map and its entry's fields."""
    problem = _cells_problem(row, name, "")
    if problem:
        plan.errors.append(f"Ligne {line} : {problem}")
        return
    before = len(plan.errors)
    commune = _commune(row, "commune_source", line, plan.errors)
    fields = _entry_fields(row, line, plan.errors)
    key = ("structure", _end_key(name, commune))
    if len(plan.errors) == before and key in seen:
        plan.errors.append(f"Ligne {line} : cette structure figure déjà plus haut dans le fichier.")
    if len(plan.errors) == before:
        seen.add(key)
        plan.entries.append(ParsedEntry(line, name, commune, fields))


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


def _resolve_communes(plan: ImportPlan) -> None:
    """A name written without its commune takes the one given for it elsewhere in the file; a
    name given in several communes (homonyms) must say which one on every row."""
    given: dict[str, dict[str, str]] = {}  # name key → normalised commune → as written
    for name, commune in _written_ends(plan):
        if commune:
            given.setdefault(name_key(name), {}).setdefault(normalise(commune), commune)
    kept_links = [link for link in plan.links if _give_communes(plan, link, given)]
    kept_entries = [entry for entry in plan.entries if _give_communes(plan, entry, given)]
    plan.links, plan.entries = kept_links, kept_entries


def _written_ends(plan: ImportPlan):
    for link in plan.links:
        yield link.source, link.source_commune
        yield link.target, link.target_commune
    for entry in plan.entries:
        yield entry.name, entry.commune


def _give_communes(plan: ImportPlan, item, given: dict) -> bool:
    """Fill the missing communes of a row; False (and an error) when one is ambiguous."""
    if isinstance(item, ParsedEntry):
        ends = [("name", "commune", "commune_source")]
    else:
        ends = [
            ("source", "source_commune", "commune_source"),
            ("target", "target_commune", "commune_cible"),
        ]
    for name_attribute, commune_attribute, column in ends:
        if getattr(item, commune_attribute):
            continue
        name = getattr(item, name_attribute)
        communes = list(given.get(name_key(name), {}).values())
        if len(communes) > 1:
            plan.errors.append(
                f"Ligne {item.line} : « {name} » est donnée dans plusieurs communes "
                f"({', '.join(sorted(communes))}) : précisez laquelle dans la colonne {column}."
            )
            return False
        if communes:
            setattr(item, commune_attribute, communes[0])
    return True


def _ends(plan: ImportPlan) -> list[End]:
    """Each structure the file names, once."""
    found = [end for link in plan.links for end in (link.source_end, link.target_end)]
    found += [entry.end for entry in plan.entries]  # structures placed without a link
    return list(dict.fromkeys(found))


def _match_structures(plan: ImportPlan) -> None:
    """Sure matches are used, names without any candidate are to create, the others wait for
    the person's choice (plan.pending): nothing is created next to a probable duplicate."""
    ends = sorted(_ends(plan))
    matches = matching.match_many((end.name, end.commune or None) for end in ends)
    for end in ends:
        found = matches[(end.name, end.commune or None)]
        if found.sure is not None:
            plan.matched[end] = found.sure
        elif found.candidates:
            plan.pending[end] = found
        else:
            plan.to_create.append(end)
    _refuse_same_ends(plan)


def choice_field(end: End) -> str:
    """The form field that carries the choice for an end (two spellings share it)."""
    commune = f"@{normalise(end.commune)}" if end.commune else ""
    return f"choix-{name_key(end.name)}{commune}"


def choose(plan: ImportPlan, form: Mapping[str, str], required: bool) -> ImportPlan:
    """Apply the choices sent with the preview: a structure's id, or CREATE. Each is checked
    again here (a live structure); a name left without a choice is an error when `required`."""
    for end in list(plan.pending):
        value = (form.get(choice_field(end)) or "").strip()
        plan.choices[end] = value
        chosen = directory.get_live(int(value)) if value.isdigit() else None
        if value == CREATE:
            plan.to_create.append(end)
        elif chosen is not None:
            plan.matched[end] = chosen
        else:
            if required:
                plan.unanswered.append(end)
            continue
        del plan.pending[end]
    _refuse_same_ends(plan)
    return plan


def _refuse_same_ends(plan: ImportPlan) -> None:
    """Two spellings of one structure (its name and its acronym) are one end: a row whose
    two ends are the same structure, or a pair already given, is refused by its line."""
    resolved = set(plan.matched) | set(plan.to_create)
    seen: dict[frozenset, int] = {}
    kept = []
    for link in plan.links:
        if not {link.source_end, link.target_end} <= resolved:
            kept.append(link)  # a name matching several structures is reported already
            continue
        source, target = _end(plan, link.source_end), _end(plan, link.target_end)
        if source == target:
            same = plan.matched.get(link.source_end)
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


def _end(plan: ImportPlan, end: End) -> tuple[str, object]:
    """What an end stands for: a directory structure, or the one the import creates."""
    found = plan.matched.get(end)
    return ("structure", found.id) if found else ("nouvelle", end.key)


def match_structure(name: str, commune: str | None = None) -> matching.Match:
    """How `name` reads against the directory: sure, to confirm with candidates, or new."""
    return matching.match(name, commune)


def apply(plan: ImportPlan, cooperation_map: CooperationMap, by: User) -> tuple[int, int]:
    """Write the plan into the map in one transaction; returns (structures created, links)."""
    if plan.pending:
        raise ValueError("Import plan with names still waiting for a choice.")
    structures = dict(plan.matched)
    created: dict[tuple, Structure] = {}  # two spellings of a new name are one structure
    for end in plan.to_create:
        if end.key not in created:
            commune = end.commune or None
            created[end.key] = services.new_structure(end.name, commune, "Autre", by)
        structures[end] = created[end.key]
    # Two spellings may name the same structure: place each structure once.
    for structure in {s.id: s for s in structures.values()}.values():
        entry = services.entry_of(cooperation_map, structure.id)
        if entry is None:
            db.session.add(MapEntry(map_id=cooperation_map.id, structure=structure))
        else:
            entry.deleted_at = None
    db.session.flush()
    for parsed in plan.links:
        source, target = structures[parsed.source_end], structures[parsed.target_end]
        link = services.link_between(cooperation_map, source.id, target.id)
        if link is None:
            link = CooperationLink(map_id=cooperation_map.id)
            db.session.add(link)
        link.deleted_at = None
        link.set_pair(source.id, target.id)
        for name, value in parsed.fields.items():
            setattr(link, name, value)
    _set_entry_fields(plan, cooperation_map, structures)
    label = f"{plural(len(plan.links), 'lien importé', 'liens importés')}"
    services.touch(cooperation_map.id, "import", "map", label)
    db.session.commit()
    return len(created), len(plan.links)


def _set_entry_fields(plan: ImportPlan, cooperation_map: CooperationMap, structures: dict) -> None:
    """The influence, position and note of the structures the file describes on their own row."""
    if not plan.entries:
        return
    entries = {
        entry.structure_id: entry
        for entry in db.session.scalars(
            select(MapEntry).where(MapEntry.map_id == cooperation_map.id)
        )
    }
    for parsed in plan.entries:
        entry = entries[structures[parsed.end].id]
        for name, value in parsed.fields.items():
            setattr(entry, name, value)


# ----- export ---------------------------------------------------------------------------------


def export_rows(cooperation_map: CooperationMap) -> tuple[list[str], list[list]]:
    """The export's header and rows of raw values (numbers, texts, None): one row per structure
    of the map, then one per link. Writers apply safe_cell to each value."""
    header = [*REQUIRED, *OPTIONAL]
    described = [_entry_row(entry) for entry in cooperation_map.live_entries]
    described += [_link_row(link) for link in cooperation_map.live_links]
    return header, [[cells.get(column) for column in header] for cells in described]


def _entry_row(entry: MapEntry) -> dict:
    return {
        "source": entry.structure.name,
        "commune_source": entry.structure.commune,
        "influence_structure": entry.influence,
        "position_structure": entry.position,
        "note_structure": entry.note,
    }


def _link_row(link: CooperationLink) -> dict:
    return {
        "source": link.source.name,
        "cible": link.target.name,
        "niveau": link.desired_level if link.status == "souhaite" else link.level,
        "statut": link.status,
        "sens": "a->b" if link.direction == "a_vers_b" else "mutuel",
        "frequence": link.frequency,
        "niveau_souhaite": link.desired_level,
        "faisabilite": link.feasibility,
        "note": link.note,
        **{column: getattr(link, name) for column, name in RATINGS.items()},
        **{
            column: LIST_SEPARATOR.join(getattr(link, name) or [])
            for column, (name, _vocabulary) in CODE_LISTS.items()
        },
        "obstacles": link.obstacles,
        "commune_source": link.source.commune,
        "commune_cible": link.target.commune,
    }


def export(cooperation_map: CooperationMap) -> str:
    """The map in the import format (UTF-8 with BOM, `;`), so an export re-imports as is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    header, rows = export_rows(cooperation_map)
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
        if len(parts) != 2:  # a link without cible, not a structure on its own
            writer.writerow([raw.strip(), "", "", "existant"])
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
