"""Expected answers of the map pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status]); anonymous
visitors are sent to sign-in; every other role gets 404. The map is the trainee's own: its
owner edits it; the trainer of the owner's group and admins may read it.
"""

SIGNED_IN = {"stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"}
READERS = {"stagiaire", "formateur", "admin"}
OWNER = {"stagiaire"}
WORKSHOP = {"formateur", "admin"}  # the group's formateur and admins run its workshop
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _map(world, suffix: str = "") -> str:
    return f"/cartes/{world['map'].id}{suffix}"


MAP_PAGES: dict = {
    "maps.list_maps": (lambda w: "/cartes", SIGNED_IN),
    "maps.create_map": (lambda w: "/cartes/nouvelle", SIGNED_IN),
    "maps.show_map": (lambda w: _map(w), READERS),
    "maps.edit_map": (lambda w: _map(w, "/modifier"), OWNER),
    "maps.figures": (lambda w: _map(w, "/chiffres"), READERS),
    "maps.live_feed": (lambda w: _map(w, "/direct"), READERS, 200, "application/json"),
    "maps.entries_panel": (lambda w: _map(w, "/structures"), READERS),
    "maps.search_structures": (lambda w: _map(w, "/structures/recherche?q=caf"), OWNER),
    "maps.entry_form": (lambda w: _map(w, "/structures/formulaire"), OWNER),
    "maps.edit_entry": (lambda w: _map(w, f"/structures/{w['entry'].id}/modifier"), OWNER),
    "maps.links_panel": (lambda w: _map(w, "/liens"), READERS),
    "maps.link_form": (lambda w: _map(w, "/liens/formulaire"), OWNER),
    "maps.edit_link": (lambda w: _map(w, f"/liens/{w['link'].id}/modifier"), OWNER),
    "maps.import_links": (lambda w: _map(w, "/import"), OWNER),
    "maps.export_links": (lambda w: _map(w, "/export.csv"), READERS, 200, "text/csv"),
    "maps.export_links_xlsx": (lambda w: _map(w, "/export.xlsx"), READERS, 200, XLSX),
    "analysis.show": (lambda w: _map(w, "/analyse"), READERS),
    "analysis.show_json": (lambda w: _map(w, "/analyse.json"), READERS, 200, "application/json"),
    "analysis.export_graph": (
        lambda w: _map(w, "/graphe.gexf"),
        READERS,
        200,
        "application/gexf+xml",
    ),
    "analysis.export_structures": (
        lambda w: _map(w, "/structures.csv"),
        READERS,
        200,
        "text/csv",
    ),
    "analysis.export_structures_xlsx": (lambda w: _map(w, "/structures.xlsx"), READERS, 200, XLSX),
    "analysis.snapshots": (lambda w: _map(w, "/instantanes"), READERS),
    "analysis.compare": (lambda w: _map(w, "/comparaison?avant=maintenant"), READERS),
    "analysis.graph_json": (lambda w: _map(w, "/graphe.json"), READERS, 200, "application/json"),
    "analysis.node_card": (lambda w: _map(w, f"/noeud/{w['partner'].id}"), READERS),
    "analysis.suggestions": (lambda w: _map(w, "/suggestions"), READERS),
    "analysis.dismissed": (lambda w: _map(w, "/suggestions/ecartees"), READERS),
    "maps.projection": (lambda w: f"/cartes/{w['group_map'].id}/projection", WORKSHOP),
    "maps.tour": (
        lambda w: f"/cartes/{w['group_map'].id}/projection/tour.json",
        WORKSHOP,
        200,
        "application/json",
    ),
    "maps.group_projection": (lambda w: f"/groupes/{w['group'].id}/projection", WORKSHOP, 303),
    "maps.group_map": (
        lambda w: f"/groupes/{w['group'].id}/carte",
        {"stagiaire", "formateur", "formateur_autre", "admin"},
        303,
    ),
}
