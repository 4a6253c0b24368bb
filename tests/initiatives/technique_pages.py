"""Expected answers of the technique pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
Every signed-in person reads the catalogue; formateurs and admins complete its entries.
"""

SIGNED_IN = {"stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"}
STAFF = {"formateur", "formateur_autre", "admin"}

TECHNIQUE_PAGES: dict = {
    "initiatives.list_techniques": (lambda w: "/techniques", SIGNED_IN),
    "initiatives.show_technique": (lambda w: "/techniques/maraude", SIGNED_IN),
    "initiatives.show_technique_lesson": (lambda w: "/techniques/maraude/reussite", SIGNED_IN),
    "initiatives.edit_technique": (lambda w: "/techniques/maraude/modifier", STAFF),
}
