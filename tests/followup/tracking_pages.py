"""Expected answers of the tracking pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
"""

TRACKING_PAGES: dict = {}
