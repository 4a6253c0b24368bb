"""Expected answers of the directory pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, type]);
anonymous visitors are sent to sign-in; every other role gets 404.
"""

SIGNED_IN = {"stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"}
STAFF = {"formateur", "formateur_autre", "admin"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DIRECTORY_PAGES: dict = {
    "directory.list_structures": (lambda w: "/annuaire", SIGNED_IN),
    "directory.export_structures": (lambda w: "/annuaire/export.csv", SIGNED_IN, 200, "text/csv"),
    "directory.export_structures_data_inclusion": (
        lambda w: "/annuaire/export-data-inclusion.csv",
        SIGNED_IN,
        200,
        "text/csv",
    ),
    "directory.export_structures_xlsx": (lambda w: "/annuaire/export.xlsx", SIGNED_IN, 200, XLSX),
    "directory.export_structures_data_inclusion_xlsx": (
        lambda w: "/annuaire/export-data-inclusion.xlsx",
        SIGNED_IN,
        200,
        XLSX,
    ),
    "directory.show_structure": (lambda w: f"/annuaire/{w['structure'].id}", SIGNED_IN),
    "directory.create_structure": (lambda w: "/annuaire/nouvelle", SIGNED_IN),
    # the official list of communes; its htmx answer is a listbox (tests/directory/test_communes.py)
    "directory.search_communes": (lambda w: "/communes?q=orl", SIGNED_IN, 200, "text/html"),
    # world["structure"] has no creator: its référent, formateurs and admins edit it.
    "directory.edit_structure": (
        lambda w: f"/annuaire/{w['structure'].id}/modifier",
        STAFF | {"referent"},
    ),
    "directory.merge_structure": (lambda w: f"/annuaire/{w['structure'].id}/fusionner", STAFF),
    "directory.import_structures": (lambda w: "/annuaire/import", STAFF),
    "directory.data_inclusion_mapping": (lambda w: "/annuaire/import/data-inclusion", STAFF),
    # administrators decide every request; the world's référent (granted world["structure"])
    # those on their structure; anyone else gets 404.
    "directory.referent_requests": (
        lambda w: "/annuaire/demandes-referents",
        {"admin", "referent"},
    ),
}
