"""Expected answers of the personal-data pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
Everyone signed in downloads their own data and may delete their own account; only admins
open another person's deletion page.
"""

SIGNED_IN = {"stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"}

DATA_PAGES: dict = {
    "auth.download_data": (
        lambda w: "/compte/donnees.json",
        SIGNED_IN,
        200,
        "application/json",
    ),
    "auth.delete_account": (lambda w: "/compte/supprimer", SIGNED_IN),
    "admin.delete_user": (
        lambda w: f"/admin/utilisateurs/{w['stagiaire'].id}/supprimer",
        {"admin"},
    ),
}
