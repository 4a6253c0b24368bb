"""The official list of French communes: INSEE code, postal codes, département, EPCI, population.

Pure Python, no Flask and no database: the directory and the analysis both call it. The data
comes from Etalab's `@etalab/decoupage-administratif` (npm), made compact at set-up
(`make setup`, allervers/communes/build.py) into data/communes.json, read once per process on
first use.

Neighbouring EPCIs: the package has no geometry, and no well-kept source of adjacency or
centroids is reachable here, so two EPCIs are neighbours when a postal code serves communes of
both (postal areas are contiguous and often straddle EPCI borders). See README « Communes ».
"""

import gc
import heapq
import json
import re
import threading
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).parent / "data" / "communes.json"
POSTAL_CODE = re.compile(r"\d{5}")


class CommunesDataMissingError(RuntimeError):
    """The compact file is made at set-up: `make setup` (or `make run`) builds it."""


class Commune(NamedTuple):
    """A current commune. A named tuple of plain values, not a dataclass: Python's garbage
    collector stops tracking such tuples, so 35,000 of them cost nothing to its full passes."""

    insee: str
    name: str
    postal_codes: tuple[str, ...]
    departement: str
    epci: str | None
    epci_name: str | None
    population: int

    @property
    def label(self) -> str:
        """ "Orléans (45000)", "Tours (37000, 37100, 37200)"."""
        codes = ", ".join(self.postal_codes)
        return f"{self.name} ({codes})" if codes else self.name

    def serves(self, postal_code: str | None) -> bool:
        return bool(postal_code) and postal_code in self.postal_codes


# Abbreviations people type for the words of commune names.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalise(text: str | None) -> str:
    """ "Saint-Jean-de-Braye" and "ST JEAN DE BRAYE" → "saint jean de braye"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    words = re.sub(r"[^0-9a-z]+", " ", plain).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def departement_of_insee(insee: str | None) -> str | None:
    """45234 → 45, 2A004 → 2A, 97411 → 974 (the INSEE code carries the département)."""
    if not insee or len(insee) != 5:
        return None
    return insee[:3] if insee.startswith("97") or insee.startswith("98") else insee[:2]


class _Reference:
    """Indexes over the list, built once."""

    def __init__(self, data: dict) -> None:
        self.version: str = data.get("version", "")
        self.epci_names: dict[str, str] = data["epcis"]
        self.aliases: dict[str, str] = data["aliases"]
        self.by_insee: dict[str, Commune] = {}
        self.by_postal: dict[str, list[Commune]] = defaultdict(list)
        self.by_name: dict[str, list[Commune]] = defaultdict(list)
        self.members: dict[str, list[Commune]] = defaultdict(list)
        self.keys: dict[str, str] = {}  # INSEE code → normalised name
        words: list[tuple[str, str]] = []
        for insee, name, postal, departement, epci, population in data["communes"]:
            commune = Commune(
                insee=insee,
                name=name,
                postal_codes=tuple(postal.split()),
                departement=departement,
                epci=epci or None,
                epci_name=self.epci_names.get(epci) if epci else None,
                population=population,
            )
            self.by_insee[insee] = commune
            key = normalise(name)
            self.keys[insee] = key
            self.by_name[key].append(commune)
            words.extend((word, insee) for word in set(key.split()))
            for code in commune.postal_codes:
                self.by_postal[code].append(commune)
            if commune.epci:
                self.members[commune.epci].append(commune)
        # Tuples of named tuples, not lists: untracked by the garbage collector (see Commune).
        self.by_postal = {
            code: tuple(sorted(found, key=_rank)) for code, found in self.by_postal.items()
        }
        self.by_name = {key: tuple(sorted(found, key=_rank)) for key, found in self.by_name.items()}
        self.members = {epci: tuple(found) for epci, found in self.members.items()}
        self.words = sorted(words)
        self.postal_codes = sorted(self.by_postal)
        self._neighbours: dict[str, frozenset[str]] | None = None

    def neighbours(self) -> dict[str, frozenset[str]]:
        if self._neighbours is None:
            found: dict[str, set[str]] = defaultdict(set)
            for communes in self.by_postal.values():
                epcis = {commune.epci for commune in communes if commune.epci}
                for epci in epcis:
                    found[epci] |= epcis - {epci}
            self._neighbours = {epci: frozenset(others) for epci, others in found.items()}
        return self._neighbours


def _rank(commune: Commune) -> tuple:
    """Biggest population first, then by name and code: the same order every time."""
    return (-commune.population, commune.name, commune.insee)


_reference: _Reference | None = None
_lock = threading.Lock()


def _ref() -> _Reference:
    global _reference
    if _reference is None:
        with _lock:
            if _reference is None:
                if not DATA.exists():
                    raise CommunesDataMissingError(
                        f"{DATA} est absent : lancez `make setup` pour le construire "
                        "depuis @etalab/decoupage-administratif."
                    )
                _reference = _Reference(json.loads(DATA.read_text(encoding="utf-8")))
                # Kept for the life of the process: out of the garbage collector's full passes,
                # which would otherwise walk its indexes (20 ms each) in the middle of requests.
                gc.freeze()
    return _reference


# ----- the public API --------------------------------------------------------------------------


def data_version() -> str:
    """The version of @etalab/decoupage-administratif the list comes from."""
    return _ref().version


def lookup(insee: str | None) -> Commune | None:
    """The current commune of an INSEE code; an arrondissement municipal, a commune déléguée
    or a former code gives the commune it now belongs to."""
    if not insee:
        return None
    ref = _ref()
    code = insee.strip().upper()
    return ref.by_insee.get(code) or ref.by_insee.get(ref.aliases.get(code, ""))


def by_postal_code(code: str | None) -> list[Commune]:
    """The communes a postal code serves, biggest first."""
    return list(_ref().by_postal.get((code or "").strip(), []))


def by_name(name: str | None, departement: str | None = None) -> list[Commune]:
    """The communes of that name (accents, case and « St » ignored), biggest first."""
    found = _ref().by_name.get(normalise(name), [])
    return [c for c in found if departement is None or c.departement == departement]


def by_departement(code: str | None) -> list[Commune]:
    """The communes of a département (45, 2A, 974), biggest first."""
    code = (code or "").strip().upper()
    return sorted((c for c in _ref().by_insee.values() if c.departement == code), key=_rank)


def epci_of(insee: str | None) -> str | None:
    commune = lookup(insee)
    return commune.epci if commune else None


def epci_name(epci: str | None) -> str | None:
    return _ref().epci_names.get(epci) if epci else None


def epci_members(epci: str | None) -> list[Commune]:
    """The communes of an EPCI, biggest first."""
    return sorted(_ref().members.get(epci or "", []), key=_rank)


def neighbour_epcis(epci: str | None) -> frozenset[str]:
    """EPCIs next to this one: a postal code serves communes of both (see the module's doc)."""
    return _ref().neighbours().get(epci or "", frozenset())


def search(text: str | None, limit: int = 10) -> list[Commune]:
    """Communes for an autocomplete: each word typed starts a word of the name ("st jean br"
    finds Saint-Jean-de-Braye), digits start a postal code ("452", "45250", "orl 45").
    Exact names first, then names that start with the text, then the biggest population."""
    ref = _ref()
    query = normalise(text)
    words = [word for word in query.split() if not word.isdigit()]
    digits = [word for word in query.split() if word.isdigit()]
    if not words and not digits:
        return []
    if words:
        # The rarest word typed narrows the list most ("br" rather than "saint").
        ranges = [
            (bisect_left(ref.words, (word, "")), bisect_left(ref.words, (word + "~", "")))
            for word in words
        ]
        start, end = min(ranges, key=lambda bounds: bounds[1] - bounds[0])
        candidates = {insee for _word, insee in ref.words[start:end]}
        found = [ref.by_insee[insee] for insee in candidates]
        found = [c for c in found if _words_match(words, ref.keys[c.insee].split())]
    else:
        start = bisect_left(ref.postal_codes, digits[0])
        found = {}
        for code in ref.postal_codes[start:]:
            if not code.startswith(digits[0]):
                break
            for commune in ref.by_postal[code]:
                found[commune.insee] = commune
        found = list(found.values())
    found = [c for c in found if all(_digits_match(d, c) for d in digits)]
    name = " ".join(words)
    keys = ref.keys

    def order(commune: Commune) -> tuple:
        key = keys[commune.insee]
        return (key != name, not key.startswith(name), *_rank(commune))

    return heapq.nsmallest(max(0, limit), found, key=order)


def _digits_match(digits: str, commune: Commune) -> bool:
    return commune.insee.startswith(digits) or any(
        code.startswith(digits) for code in commune.postal_codes
    )


def _words_match(typed: list[str], name_words: list[str]) -> bool:
    """Every typed word starts a distinct word of the name, in any order."""
    free = list(name_words)
    for word in sorted(typed, key=len, reverse=True):
        match = next((w for w in free if w.startswith(word)), None)
        if match is None:
            return False
        free.remove(match)
    return True


def postal_departement(postal_code: str | None) -> str | None:
    """45000 → 45; 97411 → 974; 20000 → 2A (from the communes the code serves when known)."""
    communes = by_postal_code(postal_code)
    departements = {commune.departement for commune in communes}
    if len(departements) == 1:
        return departements.pop()
    if not postal_code or not POSTAL_CODE.fullmatch(postal_code):
        return None
    if postal_code.startswith("97") or postal_code.startswith("98"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if int(postal_code) < 20200 else "2B"
    return postal_code[:2]


def resolve(
    commune: str | None, postal_code: str | None, insee: str | None = None
) -> Commune | None:
    """The commune a record means, from whatever it holds: the INSEE code first, then the name
    with the postal code, then a postal code that serves a single commune, then a name that is
    unique in the postal code's département (or in France when there is no postal code)."""
    found = lookup(insee)
    if found:
        return found
    postal_code = (postal_code or "").strip() or None
    named = by_name(commune)
    if named and postal_code:
        serving = [c for c in named if c.serves(postal_code)]
        if len(serving) == 1:
            return serving[0]
    served = by_postal_code(postal_code)
    if len(served) == 1 and (not commune or not named):
        return served[0]  # no name, or a name the list does not know (a typo): the code decides
    departement = postal_departement(postal_code)
    if departement:
        named = [c for c in named if c.departement == departement]
    return named[0] if len(named) == 1 else None
