"""Expected answers of the technique pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
"""

TECHNIQUE_PAGES: dict = {}
