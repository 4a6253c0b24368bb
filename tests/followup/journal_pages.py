"""Expected answers of the action plan and journal pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
The action is the trainee's own: she, her group's formateur and admins see it; she alone edits
it (not even an admin, as for a journal note). A journal note is its author's alone; her group's
formateur and admins read the notes she shares on the group's page.
"""

from allervers.followup import plans

SIGNED_IN = {"stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"}


def personal_action(world):
    fields = {
        "structure_id": world["partner"].id,
        "target_level": 4,
        "description": "Atteindre le niveau 4 avec CAF du Loiret",
        "status": "prevue",
        "map_id": world["map"].id,
    }
    return plans.create_action(world["stagiaire"], fields)


def _action(world, suffix: str = "") -> str:
    return f"/plan-d-action/{personal_action(world).id}{suffix}"


def _note(world) -> str:
    note = plans.create_note(world["stagiaire"], {"text": "Première maraude avec la CAF."})
    return f"/journal/{note.id}/modifier"


JOURNAL_PAGES: dict = {
    "followup.list_actions": (lambda w: "/plan-d-action", SIGNED_IN),
    "followup.create_action": (lambda w: "/plan-d-action/nouvelle", SIGNED_IN),
    "followup.show_action": (_action, {"stagiaire", "formateur", "admin"}),
    "followup.edit_action": (lambda w: _action(w, "/modifier"), {"stagiaire"}),
    "followup.list_notes": (lambda w: "/journal", SIGNED_IN),
    "followup.create_note": (lambda w: "/journal/nouvelle", SIGNED_IN),
    "followup.edit_note": (_note, {"stagiaire"}),
    "followup.group_journal": (
        lambda w: f"/groupes/{w['group'].id}/journal",
        {"formateur", "admin"},
    ),
}
