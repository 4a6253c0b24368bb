"""Expected answers of the history and trash pages, and of the delete confirmations of sessions
and groups, per role (used by tests/test_pages.py).

The history shown is that of the trainee's own map: whoever may open the map reads it.
"""

from sqlalchemy import select

from allervers.extensions import db
from allervers.history.models import HistoryEvent
from allervers.maps import services as maps

SIGNED_IN = {"stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"}


def _purge_path(w) -> str:
    """The erase confirmation of a change to the trainee's map (a link's note corrected)."""
    link = w["link"]
    for note in ("Appeler le 06 12 34 56 78", "Corrigée"):
        maps.save_link(w["map"], link.source_id, link.target_id, {"level": 2, "note": note})
    query = select(HistoryEvent.id).where(HistoryEvent.kind == "link").order_by(HistoryEvent.id)
    return f"/historique/entree/{db.session.scalars(query).all()[-1]}/effacer"


HISTORY_PAGES: dict = {
    "history.record_history": (
        lambda w: f"/historique/carte/{w['map'].id}",
        {"stagiaire", "formateur", "admin"},
    ),
    # the map's owner and admins; its formateur reads the entry but may not erase it.
    "history.purge": (_purge_path, {"stagiaire", "admin"}),
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
