"""Hypothesis strategies for hostile form values, ids, dates and CSV files.

Every field of a spec has a `valid` strategy (what the page's own form would send) and draws
from `hostile()` when mutated. Starting from a valid form and mutating a few fields reaches
the services and the database, where most server errors hide; fully hostile forms test the
validation itself.
"""

import csv
import io
import json
import string
from functools import cache

from hypothesis import strategies as st

# PostgreSQL INTEGER, BIGINT, then beyond anything a database stores.
HUGE_INTEGERS = (2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30)
NASTY_TEXTS = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 5,
    "\t\r\n",
    "\r\n\r\n",
    "/\r\nSet-Cookie: x=1",
    "a\nb",
    "\u202e\u202d",  # bidirectional overrides
    "\u200b\u200d\ufeff",  # zero-width characters and a BOM
    "\ufffe\uffff",  # non-characters
    "\U0010ffff",
    "e\u0301" * 50,  # combining accents
    "🙂" * 3,
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "{{ 7 * 7 }}",
    "' OR 1=1 --",
    '=HYPERLINK("http://exemple.fr")',
    "+33 1 00",
    "@SUM(A1)",
    "-1",
    "0",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "1e309",
    "-1e309",
    "1e-400",
    "0x10",
    "1_000",
    "١٢٣",  # Arabic-Indic digits: str.isdigit() is true, and int() reads them
    "²",  # str.isdigit() is true, int() refuses it
    "½",
    " 3 ",
    "3.0",
    "../../etc/passwd",
    "%00",
    "%s%n",
    "\\",
)
NASTY_DATES = (
    "0000-01-01",
    "0001-01-01",
    "1900-02-29",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "9999-12-31",
    "10000-01-01",
    "99999-12-31",
    "-2026-01-01",
    "2026-1-1",
    "01/02/2026",
    "2026-10-01T10:00",
    "2026-10-01 ",
    "２０２６-１０-０１",  # full-width digits
)


@cache
def unicode_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any code point but lone surrogates (which no browser can send): NUL, controls, emoji."""
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=max_size)


@cache
def long_text() -> st.SearchStrategy[str]:
    """Past every column's length, in one- to four-byte characters."""
    return st.builds(
        lambda char, size: char * size,
        st.sampled_from(["a", "é", "🙂", "\x00", "9", " ", "a\n"]),
        st.sampled_from([121, 201, 255, 301, 2_001, 5_001, 10_001, 20_001, 30_000]),
    )


@cache
def number_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**30), 10**30).map(str),
        st.sampled_from(HUGE_INTEGERS).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


@cache
def date_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NASTY_DATES), st.dates().map(lambda d: d.isoformat()))


@cache
def hostile() -> st.SearchStrategy[str]:
    """One hostile value for any field."""
    return st.one_of(
        st.sampled_from(NASTY_TEXTS),
        unicode_text(),
        long_text(),
        number_text(),
        date_text(),
    )


def ids(*own: int) -> st.SearchStrategy[str]:
    """A record id: one of `own`, or one that does not exist or no database can hold."""
    return st.one_of(
        st.sampled_from([str(value) for value in own]) if own else st.nothing(),
        st.sampled_from(["0", "-1", "999999", *map(str, HUGE_INTEGERS)]),
    )


@cache
def valid_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """What a person may well type (at most `max_size` characters): letters, accents,
    punctuation, emoji, no control character. Long texts come from long_text()."""
    alphabet = st.characters(exclude_categories=("Cs", "Cc"))
    return st.one_of(
        st.sampled_from(["CCAS d'Orléans", "Maraude du mardi", "Équipe mobile « santé »"]),
        st.text(alphabet, min_size=1, max_size=min(max_size, 60)).filter(str.strip),
        st.builds(lambda text, size: (text * size)[:max_size], st.just("Équipe "), st.just(9999)),
    )


def choices(values) -> st.SearchStrategy[str]:
    return st.sampled_from([str(value) for value in values])


@cache
def dates() -> st.SearchStrategy[str]:
    return st.dates().map(lambda d: d.isoformat())


# ----- CSV files ------------------------------------------------------------------------------

FORMULAS = ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", '=HYPERLINK("http://exemple.fr")')


@cache
def csv_cell() -> st.SearchStrategy[str]:
    return st.one_of(
        valid_text(30),
        st.sampled_from(FORMULAS),
        st.sampled_from(NASTY_TEXTS),
        number_text(),
        long_text(),
    )


@st.composite
def csv_text(draw, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """A CSV with `headers` (or others: dropped, renamed, duplicated), valid rows with a cell
    or two made hostile (what reaches the database), and random rows."""
    columns = list(headers)
    if draw(st.integers(0, 3)) == 0:
        columns = draw(
            st.lists(st.one_of(st.sampled_from(headers), csv_cell()), min_size=1, max_size=12)
        )
    lines = []
    for row in rows:
        cells = list(row)
        for index in sorted(draw(st.sets(st.integers(0, len(cells) - 1), max_size=2))):
            cells[index] = draw(csv_cell())
        lines.append(cells)
    lines += draw(st.lists(st.lists(csv_cell(), max_size=len(columns) + 2), max_size=4))
    if draw(st.booleans()):  # huge lines (under the test client's 500 kB spooling threshold)
        lines.append(["x" * draw(st.sampled_from([1_000, 20_000, 60_000]))] * 2)
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"]))
    )
    writer.writerows([columns, *lines])
    return buffer.getvalue()


@st.composite
def csv_bytes(draw, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
    """A CSV as a spreadsheet saves it (UTF-8, with a BOM, in Windows-1252…) or random bytes."""
    text = draw(csv_text(headers, rows))
    kind = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "random", "empty"]))
    if kind == "random":
        return draw(st.binary(max_size=400))
    if kind == "empty":
        return draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\n\n", b" "]))
    return text.encode(kind, errors="replace")


def positions_json(placed: list[int]) -> st.SearchStrategy[str]:
    """The graph page's dragged positions: valid, wrong shapes, NaN, deep nesting."""
    number = st.one_of(
        st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**30), 10**30)
    )
    keys = st.one_of(st.sampled_from([str(i) for i in placed] or ["1"]), st.text(max_size=5))
    value = st.one_of(st.lists(number, min_size=2, max_size=2), number, st.none(), st.text())
    return st.one_of(
        st.dictionaries(keys, value, max_size=5).map(json.dumps),
        st.sampled_from(["", "null", "[]", "NaN", "{", '{"1": [NaN, Infinity]}']),
        st.sampled_from([3, 5_000, 100_000]).map(lambda depth: "[" * depth + "]" * depth),
        st.text(string.printable, max_size=50),
    )
