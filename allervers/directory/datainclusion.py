"""data·inclusion's structure files (schema v1, and v0 before it) read and written by the directory.

Which schema: a data·inclusion file has `date_maj` (required in both versions; our own export
has no such column). v1 replaced the structure's `typologie` by `reseaux_porteurs`, a list of
network slugs: a file with `reseaux_porteurs` and no `typologie` is v1, one with `typologie` is
v0 (whose codes are those of our typologies.csv). A file without `date_maj` is ours.

The mappings are data, in allervers/data/data-inclusion/ (shown to administrators on
/admin/data-inclusion):
- `correspondance-reseaux-porteurs.csv`: each v1 network → one of our typologies, and a sector
  when it is not the typology's own (an association of the employment sector, …). A structure
  of several networks takes the first one the table maps; no mapped network gives « Autre ».
- `correspondance-publics.csv`: each data·inclusion public (v1 `publics`, v0 `profils`) → our
  public codes (`|` between several, nothing for a public we deliberately do not keep).
  Our publics.csv took data·inclusion's publics where ours had no equivalent (its `source`
  column says so). The two vocabularies share one code, `jeunes`: ours means « jeunes de 16 à
  25 ans sans emploi ni formation », data·inclusion's means young people at large. In a
  data·inclusion file `jeunes` is read as `jeunes-au-sens-large`; in our own files it keeps
  our meaning. `correspondance-publics-export.csv` gives the value written back to
  data·inclusion for each of our publics (nothing when there is none).
- Thématiques are kept as data·inclusion writes them: its codes (`sante--sante-mentale`,
  long v1 codes such as `choisir-un-metier--confirmer-son-choix-de-metier`) are our
  thématiques as they are, and thematiques.csv gives their labels.
- Modes d'accueil (`en-presentiel`, `a-distance`) belong to services in v1: a file that gives
  them (a `modes_accueil` column) keeps them on the structure, with its thématiques and publics.
"""

import ast
import csv
import json
import re
from functools import cache

from allervers.core import vocab

DIR = vocab.DATA_DIR / "data-inclusion"
# A data·inclusion code (`famille--garde-denfants`): long, but never free text.
DI_CODE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*--[a-z0-9]+(-[a-z0-9]+)*")
MODES_ACCUEIL = {"en-presentiel": "En présentiel", "a-distance": "À distance"}
# The columns of the data·inclusion v1 structure schema, in its order, then the service
# fields we gather on a structure (not in the structure schema; other readers ignore them).
V1_COLUMNS = (
    "source", "id", "nom", "date_maj", "siret", "commune", "code_postal", "code_insee",
    "adresse", "complement_adresse", "longitude", "latitude", "telephone", "courriel",
    "site_web", "description", "lien_source", "horaires_accueil", "accessibilite_lieu",
    "reseaux_porteurs", "thematiques", "publics", "modes_accueil",
)  # fmt: skip


def _read(name: str, delimiter: str = ",") -> list[dict]:
    with (DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@cache
def reseaux() -> dict[str, tuple[str, str | None]]:
    """network slug → (our typology, sector or None for the typology's own)."""
    rows = _read("correspondance-reseaux-porteurs.csv")
    return {row["reseau_porteur"]: (row["typologie"], row["secteur"] or None) for row in rows}


@cache
def publics_in() -> dict[str, list[str]]:
    """data·inclusion public → our public codes."""
    rows = _read("correspondance-publics.csv")
    return {row["valeur"]: [c for c in row["publics"].split("|") if c] for row in rows}


@cache
def publics_out() -> dict[str, str]:
    """our public code → data·inclusion v1 public (absent when there is none)."""
    rows = _read("correspondance-publics-export.csv")
    return {row["public"]: row["data_inclusion"] for row in rows if row["data_inclusion"]}


@cache
def labels(name: str) -> dict[str, str]:
    """value → label of one of data·inclusion's v1 vocabularies (publics, thematiques, …)."""
    return {row["value"]: row["label"] for row in _read(f"{name}.csv", ";")}


def version_of(keys: list[str]) -> str | None:
    """ "v1", "v0", or None for our own columns."""
    if "reseaux_porteurs" in keys and "typologie" not in keys:
        return "v1"
    if "date_maj" not in keys:
        return None
    return "v0" if "typologie" in keys else "v1"


def split_cell(value: str | None) -> list[str]:
    """A list cell as people and programs write it: `a|b`, `a, b`, `a;b`, `['a', 'b']` or
    `["a","b"]`, without blanks or repeats, in the order given."""
    text = (value or "").strip()
    if not text or text == "[]":
        return []
    items = None
    if text.startswith("[") and text.endswith("]"):
        for parse in (json.loads, ast.literal_eval):
            try:
                parsed = parse(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            if isinstance(parsed, list):
                items = [str(item) for item in parsed if item is not None]
                break
        if items is None:  # a bracketed list that reads as neither: split what is inside
            text = text[1:-1]
    if items is None:
        items = re.split(r"[,|;]", text)
    cleaned = (item.strip().strip("'\"").strip() for item in items)
    return list(dict.fromkeys(item for item in cleaned if item))


def typology_of_reseaux(slugs: list[str]) -> tuple[str, str | None, list[str]]:
    """(our typology, its sector or None, the slugs the table does not know)."""
    table = reseaux()
    unknown = [slug for slug in slugs if slug not in table]
    mapped = [table[slug] for slug in slugs if slug in table]
    best = next((pair for pair in mapped if pair[0] != "Autre"), None) or next(iter(mapped), None)
    if best is None:
        return "Autre", None, unknown
    return best[0], best[1], unknown


@cache
def _our_publics() -> dict[str, str]:
    return {entry.code.casefold(): entry.code for entry in vocab.load("publics")}


def publics_of(values: list[str], data_inclusion: bool) -> tuple[list[str], list[str]]:
    """(our public codes, the values neither vocabulary knows). A data·inclusion file's values
    are read in data·inclusion's vocabulary first, ours in ours first."""
    ours = _our_publics()
    table = publics_in()
    codes, unknown = [], []
    for value in values:
        wanted = value.casefold()
        mine = ours.get(wanted)
        theirs = table.get(wanted)
        found = (theirs if theirs is not None else [mine] if mine else None) if data_inclusion \
            else ([mine] if mine else theirs)  # fmt: skip
        if found is None:
            unknown.append(value)
        else:
            codes += found
    return list(dict.fromkeys(codes)), unknown


def is_code(item: str) -> bool:
    return len(item) <= 150 and bool(DI_CODE.fullmatch(item))


def reseaux_of(typology: str | None) -> list[str]:
    """The network written back for one of our typologies: the one named like it (`EA` → `ea`),
    or the only one mapped to it without a sector of its own; none when that would guess
    (an association is not the Croix-Rouge)."""
    candidates = [
        slug for slug, (code, sector) in reseaux().items() if code == typology and not sector
    ]
    named = (typology or "").lower().replace("_", "-")
    if named in candidates:
        return [named]
    return candidates if len(candidates) == 1 else []


def mapping_tables() -> dict:
    """What the administrators' page shows."""
    our_publics = {entry.code: entry.label for entry in vocab.load("publics")}
    return {
        "reseaux": [
            (slug, labels("reseaux-porteurs").get(slug, ""), code, sector)
            for slug, (code, sector) in reseaux().items()
        ],
        "publics": [
            (row["valeur"], row["version"], [(c, our_publics.get(c, c)) for c in codes])
            for row, codes in zip(
                _read("correspondance-publics.csv"), publics_in().values(), strict=True
            )
        ],
        "publics_out": [
            (code, label, publics_out().get(code)) for code, label in our_publics.items()
        ],
    }
