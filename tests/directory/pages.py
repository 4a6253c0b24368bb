"""Expected answers of the directory pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page); anonymous visitors
are sent to sign-in; every other role gets 404.
"""

DIRECTORY_PAGES: dict = {}
