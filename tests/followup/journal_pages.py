"""Expected answers of the journal pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
"""

JOURNAL_PAGES: dict = {}
