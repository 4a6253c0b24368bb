"""Expected answers of the presentation pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
"""

PRESENTATION_PAGES: dict = {}
