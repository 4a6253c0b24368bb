"""CSV cells a spreadsheet opens safely: user text that looks like a formula is kept as text."""

import re

# What makes Excel, LibreOffice or Google Sheets evaluate a cell (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number, such as "-3" or "-0,25": a spreadsheet reads it as a number, never runs it.
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def safe_cell(value) -> str:
    """The cell as written: numbers as they are, text prefixed with ' when it starts a formula.

    A text that already starts with ' before a formula character (or a second ') gets one
    more, so that original_text() gives back exactly what was written."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if (text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text)) or _is_escaped(text):
        return "'" + text
    return text


def original_text(cell: str) -> str:
    """The text safe_cell() was given: its ' before a formula character is removed on import,
    so a note starting with « - » does not gain one more ' on every export → import."""
    return cell[1:] if _is_escaped(cell) else cell


def _is_escaped(text: str) -> bool:
    return text.startswith("'") and text[1:2] in (*FORMULA_STARTS, "'")
