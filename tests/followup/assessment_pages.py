"""Expected answers of the assessment pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
"""

ASSESSMENT_PAGES: dict = {}
