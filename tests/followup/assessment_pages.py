"""Expected answers of the assessment pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
Answers are the trainee's and her group's formateurs' (and admins'): a formateur of another
group, who sees the group page itself, gets 404 here.
"""

from allervers.followup import assessment

STAFF = {"formateur", "formateur_autre", "admin"}
MANAGERS = {"formateur", "admin"}


def _statement(world) -> str:
    statement = assessment.statements_of(world["session"])[0]
    return f"/sessions/{world['session'].id}/auto-positionnement/{statement.id}/modifier"


ASSESSMENT_PAGES: dict = {
    "followup.edit_statements": (
        lambda w: f"/sessions/{w['session'].id}/auto-positionnement",
        STAFF,
    ),
    "followup.edit_statement": (_statement, STAFF),
    "followup.edit_windows": (
        lambda w: f"/groupes/{w['group'].id}/auto-positionnement/calendrier",
        MANAGERS,
    ),
    "followup.answer": (
        lambda w: f"/groupes/{w['group'].id}/auto-positionnement/debut",
        {"stagiaire"},
    ),
    "followup.assessment": (
        lambda w: f"/groupes/{w['group'].id}/auto-positionnement",
        MANAGERS | {"stagiaire"},
    ),
    "followup.trainee_answers": (
        lambda w: f"/groupes/{w['group'].id}/auto-positionnement/stagiaires/{w['stagiaire'].id}",
        MANAGERS | {"stagiaire"},
    ),
}
