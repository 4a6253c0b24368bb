"""Expected answers of the history and trash pages, and of the delete confirmations of sessions
and groups, per role (used by tests/test_pages.py).

The history shown is that of the trainee's own map: whoever may open the map reads it.
"""

SIGNED_IN = {"stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"}

HISTORY_PAGES: dict = {
    "history.record_history": (
        lambda w: f"/historique/carte/{w['map'].id}",
        {"stagiaire", "formateur", "admin"},
    ),
    "history.trash": (lambda w: "/corbeille", SIGNED_IN),
    "training.delete_session": (
        lambda w: f"/sessions/{w['session'].id}/supprimer",
        {"admin"},  # each formateur trains only one of its two groups
    ),
    "training.delete_group": (
        lambda w: f"/groupes/{w['group'].id}/supprimer",
        {"formateur", "admin"},
    ),
}
