"""CSV cells a spreadsheet opens safely: user text that looks like a formula is kept as text."""

import re

# What makes Excel, LibreOffice or Google Sheets evaluate a cell (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number, such as "-3" or "-0,25": a spreadsheet reads it as a number, never runs it.
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def safe_cell(value) -> str:
    """The cell as written: numbers as they are, text prefixed with ' when it starts a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text
