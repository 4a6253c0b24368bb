"""Expected answers of the aggregate pages, per role (used by tests/test_pages.py).

The group's aggregate is for its members and for staff; sessions and the territory are for
staff (formateurs, admins) only; an aggregate of one or two maps the viewer may not open is
withheld (tests/analysis/test_anonymity.py).
"""

STAFF = {"formateur", "formateur_autre", "admin"}
GROUP = STAFF | {"stagiaire"}
# The world's group aggregate holds one personal map: the trainer of another group (who sees
# the page, with its explanation) may not open that map, so not what would show it whole.
MAP_READERS = {"stagiaire", "formateur", "admin"}


def _group(world, suffix: str) -> str:
    return f"/agregats/groupe/{world['group'].id}{suffix}"


AGGREGATE_PAGES: dict = {
    "analysis.beside_group": (
        lambda w: f"/cartes/{w['map'].id}/analyse/groupe",
        {"stagiaire", "formateur", "admin"},
    ),
    "analysis.group_aggregate": (lambda w: f"/groupes/{w['group'].id}/analyse", GROUP),
    "analysis.session_aggregate": (lambda w: f"/sessions/{w['session'].id}/analyse", STAFF),
    "analysis.territory": (lambda w: "/territoire?departement=45", STAFF),
    "analysis.aggregate_graph": (
        lambda w: _group(w, "/graphe.json"),
        MAP_READERS,
        200,
        "application/json",
    ),
    "analysis.aggregate_node": (lambda w: _group(w, f"/noeud/{w['partner'].id}"), MAP_READERS),
    "analysis.aggregate_export": (
        lambda w: "/agregats/territoire/0/liens.csv",
        STAFF,
        200,
        "text/csv",
    ),
}
