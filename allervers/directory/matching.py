"""A typed structure name matched to the directory: sure, to confirm (with candidates), or new.

Names are compared as sets of words after normalisation (accents, case, punctuation, little
words) and with the abbreviations of allervers/data/sigles.csv folded into their acronym
(« centre communal d'action sociale » and « CCAS » are the same word). A structure's commune
counts as words of its name that a typed name may give or leave out: « CCAS Fleury » is
contained in « CCAS de Fleury-les-Aubrais ». rapidfuzz compares words with a typo.

Thresholds, from the cases of tests/directory/test_matching.py:
- SURE (≥ 95), for the best structure when the next scores less: the same name (or acronym) once
  normalised, or every word of the name given with its commune, one typo at most
  (« Secour populaire Orléans »). No choice is asked.
- PROBABLE (≥ 80): the typed words are all in the structure's name (or the reverse), with
  typos; « CCAS Fleury » → « CCAS de Fleury-les-Aubrais » (90). The person confirms.
- Below: new. Two names that each have a word the other lacks are different structures
  (« CCAS de Saint-Jean-de-Braye » / « … de-la-Ruelle », « CAF Loiret » / « CAF
  d'Indre-et-Loire »), and two different communes rule a structure out.

Speed: one query fetches the rows whose search text holds a word's first letters (for many
names, every live row's name: cheaper than a hundred LIKEs on each), an index of those letters
keeps the 20 rows sharing most of them per name, and only those are scored.
"""

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import or_

from allervers import communes
from allervers.directory.models import Structure
from allervers.extensions import db

DATA = Path(__file__).parent.parent / "data"
SURE = 95
PROBABLE = 80
SQL_TERMS = 12  # more words than this, and reading every name beats a hundred LIKEs a row
PER_NAME = 20  # rows scored per name, those sharing most word beginnings with it
LITTLE_WORDS = frozenset(
    {"d", "de", "du", "des", "la", "le", "les", "l", "et", "en", "a", "au", "aux", "sur"}
    | {"sous", "lez", "pour", "par", "un", "une"}
)
TYPO = 80  # rapidfuzz ratio of two words read as one with a typo (« fleuri » / « fleury »)


# ----- words ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    """(long form's words → acronym, acronym → first word of its long form)."""
    forms: dict[tuple[str, ...], str] = {}
    first: dict[str, str] = {}
    with (DATA / "sigles.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for form in row["formes"].split("|"):
                words = tuple(_plain_words(form))
                forms[words] = row["sigle"]
                first.setdefault(row["sigle"], words[0])
            forms[(row["sigle"],)] = row["sigle"]
    return forms, first


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Département names (« loiret », « indre loire »): words naming a place, not a body."""
    with (DATA / "departements.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset(" ".join(_plain_words(row["nom"])) for row in csv.DictReader(handle))


def _plain_words(text: str | None) -> list[str]:
    return [w for w in communes.normalise(text).split() if w not in LITTLE_WORDS]


@lru_cache(maxsize=16384)
def words_of(text: str | None) -> tuple[str, ...]:
    """ "Centre communal d'action sociale de Fleury" → ("ccas", "fleury")."""
    plain = _plain_words(text)
    forms, _first = _abbreviations()
    longest = max(map(len, forms))
    out: list[str] = []
    i = 0
    while i < len(plain):
        for size in range(min(longest, len(plain) - i), 0, -1):
            acronym = forms.get(tuple(plain[i : i + size]))
            if acronym:
                out.append(acronym)
                i += size
                break
        else:
            out.append(plain[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=16384)
def _is_place(word: str) -> bool:
    return word in _places() or bool(communes.by_name(word))


def _beginnings(words: Iterable[str]) -> set[str]:
    """What the prefilter looks for: each word's first four letters; an acronym also brings
    the first word of its long form, for names written out in full."""
    _forms, first = _abbreviations()
    found = set()
    for word in words:
        if len(word) >= 3 or word in first:
            found.add(word[:4])
        if word in first:
            found.add(first[word][:4])
    return found


# ----- scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Known:
    """A directory structure as the matcher reads it."""

    id: int
    name: tuple[str, ...]
    acronym: tuple[str, ...]
    place: frozenset[str]


@dataclass(frozen=True)
class Candidate:
    structure: Structure
    score: int
    why: str

    @property
    def is_sure(self) -> bool:
        return self.score >= SURE


def _may_be_a_typo(word: str, other: str) -> bool:
    """Long enough, no digits (« 13e » / « 14e »), not two place names."""
    if min(len(word), len(other)) < 4 or not (word + other).isalpha():
        return False
    return not (_is_place(word) and _is_place(other))


def _pair_typos(only_a: set[str], only_b: set[str]) -> tuple[set[str], set[str], int]:
    """Remove the words that differ by a typo; two different place names are no typo
    (« loiret » / « loire »)."""
    typos = 0
    for word in sorted(only_a):
        best = max(
            ((fuzz.ratio(word, other), other) for other in only_b if _may_be_a_typo(word, other)),
            default=(0, ""),
        )
        if best[0] >= TYPO:
            only_a = only_a - {word}
            only_b = only_b - {best[1]}
            typos += 1
    return only_a, only_b, typos


def _score(typed: tuple[str, ...], given_place: frozenset[str], known: _Known) -> tuple[int, str]:
    """(score, why) of one typed name against one structure."""
    if given_place and known.place and not (given_place & known.place):
        return 0, "autre commune"
    if typed == known.name:
        return 100, "même nom"
    if known.acronym and typed == known.acronym:
        return 100, "même sigle"
    best = (0, "")
    for body in filter(None, (known.name, known.acronym)):
        best = max(best, _score_words(set(typed) | given_place, set(body), known.place))
    return best


def _score_words(a: set[str], name: set[str], place: frozenset[str]) -> tuple[int, str]:
    only_a = a - name - place
    only_b = name - a
    only_a, rest, typos = _pair_typos(only_a, only_b | (place - a))
    only_b = only_b & rest
    placed = bool(place) and place <= (a | (place - rest))  # the commune's words are all given
    if not only_a and not only_b:
        if not (a & name):
            return 0, ""
        score = 100 - 5 * typos if placed else 92 - 5 * typos
        return score, ("même nom, même commune" if placed else "même nom, commune non précisée")
    if not only_a:  # every typed word is in the structure's name
        return max(PROBABLE, 90 - 5 * (len(only_b) - 1) - 5 * typos), "nom contenu dans le sien"
    if not only_b:  # the structure's name is in the typed one
        if place and not (place & a) and not placed:
            return 0, "autre commune"  # the extra typed words may well be another commune
        return max(PROBABLE, 85 - 5 * (len(only_a) - 1) - 5 * typos), "nom plus court"
    # Each has a word the other lacks: two structures, unless the whole reads alike.
    similar = fuzz.token_sort_ratio(" ".join(sorted(a)), " ".join(sorted(name | place)))
    return min(PROBABLE - 1, int(similar) - 10), "nom différent"


# ----- the directory's side ---------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _known(sid: int, name: str, acronym: str | None, commune: str | None) -> _Known:
    return _Known(sid, words_of(name), words_of(acronym), frozenset(_plain_words(commune)))


@lru_cache(maxsize=16384)
def _index_keys(known: _Known) -> frozenset[str]:
    words = known.name + known.acronym + tuple(known.place)
    return frozenset(_beginnings(words) | {f"={word}" for word in words})


def _rows(beginnings: set[str], exclude: set[int]) -> list[_Known]:
    if not beginnings:
        return []
    query = db.select(Structure.id, Structure.name, Structure.acronym, Structure.commune).where(
        Structure.deleted_at.is_(None)
    )
    if len(beginnings) <= SQL_TERMS:  # one name: the database narrows; a file: one plain scan
        query = query.where(or_(*(Structure.search_text.contains(b) for b in sorted(beginnings))))
    return [_known(*row) for row in db.session.execute(query) if row[0] not in exclude]


@dataclass
class Match:
    """What a typed name is: `sure` when one structure is certain, else its `candidates`."""

    name: str
    commune: str | None = None
    sure: Structure | None = None
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.sure is not None:
            return "sure"
        return "probable" if self.candidates else "new"


def match_many(
    names: Iterable[tuple[str, str | None]], limit: int = 5, exclude: Iterable[int] = ()
) -> dict[tuple[str, str | None], Match]:
    """Each (name, commune) matched to the directory, with one query for them all."""
    wanted = list(dict.fromkeys(names))
    typed = {item: (words_of(item[0]), frozenset(_plain_words(item[1]))) for item in wanted}
    beginnings = {item: _beginnings(w + tuple(p)) for item, (w, p) in typed.items()}
    rows = _rows(set().union(*beginnings.values()) if beginnings else set(), set(exclude))
    # Whole words count beside beginnings: of 300 « CCAS de … », the one of the town.
    index: dict[str, list[int]] = defaultdict(list)
    by_id = {known.id: known for known in rows}
    for known in rows:
        for key in _index_keys(known):
            index[key].append(known.id)
    scored: dict[tuple, list[tuple[int, str, int]]] = {}
    for item, (words, place) in typed.items():
        keys = beginnings[item] | {f"={word}" for word in (*words, *place)}
        shared = Counter(sid for key in keys for sid in index.get(key, ()))
        results = []
        for sid, _count in shared.most_common(PER_NAME):
            score, why = _score(words, place, by_id[sid])
            if score >= PROBABLE:
                results.append((score, why, sid))
        results.sort(key=lambda r: (-r[0], r[2]))
        scored[item] = results[:limit]
    ids = {sid for results in scored.values() for _s, _w, sid in results}
    query = db.select(Structure).where(Structure.id.in_(ids))
    structures = {s.id: s for s in db.session.scalars(query)}
    return {item: _verdict(item, results, structures) for item, results in scored.items()}


def _verdict(item: tuple, results: list, structures: dict[int, Structure]) -> Match:
    found = [Candidate(structures[sid], score, why) for score, why, sid in results]
    # Sure: the best is sure and better than the next (an exact name beats a typo).
    best, second = [*found, None, None][:2]
    sure = best is not None and best.is_sure and (second is None or second.score < best.score)
    return Match(item[0], item[1], best.structure if sure else None, found)


def match(name: str, commune: str | None = None, limit: int = 5) -> Match:
    return match_many([(name, commune)], limit)[(name, commune)]


def candidates(name: str, commune: str | None = None, limit: int = 5) -> list[Candidate]:
    """The directory structures `name` may mean, best first (score ≥ PROBABLE)."""
    return match(name, commune, limit).candidates


def duplicates_of(
    name: str, acronym: str | None, commune: str | None, exclude_id: int | None = None
) -> list[Candidate]:
    """Live structures that may be the same as this one, for the duplicate finder."""
    found = match_many([(name, commune)], 10, {exclude_id} if exclude_id else ())
    result = {c.structure.id: c for c in found[(name, commune)].candidates}
    if acronym and re.sub(r"\W", "", acronym):
        by_acronym = match_many([(acronym, commune)], 10, {exclude_id} if exclude_id else ())
        for c in by_acronym[(acronym, commune)].candidates:
            if c.why == "même sigle" or c.why == "même nom":
                result.setdefault(c.structure.id, c)
    return sorted(result.values(), key=lambda c: (-c.score, c.structure.id))
