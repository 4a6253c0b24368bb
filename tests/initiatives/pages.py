"""Expected answers of the initiative pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
The initiative is the trainee's, shared with her group: her group's members and admins see
it; its author and admins (moderation) edit it.
"""

from datetime import date

from allervers.initiatives import services

SIGNED_IN = {"stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"}
GROUP = {"stagiaire", "formateur", "admin"}
EDITORS = {"stagiaire", "admin"}


def group_initiative(world):
    initiative = services.create_initiative(
        world["stagiaire"],
        {
            "title": "Présence au marché",
            "visibility": "groupe",
            "group_id": world["group"].id,
            "structure_id": world["structure"].id,
            "techniques": ["lieux-de-vie"],
            "publics": [],
        },
    )
    return initiative


def _initiative(world, suffix: str = "") -> str:
    return f"/initiatives/{group_initiative(world).id}{suffix}"


def _effect(world) -> str:
    initiative = group_initiative(world)
    fields = {"observed_on": date(2026, 10, 3), "dimension": "personnes", "value": 12.0}
    effect = services.add_effect(
        initiative, {**fields, "indicator_code": "rencontrees"}, world["stagiaire"]
    )
    return f"/initiatives/{initiative.id}/effets/{effect.id}"


INITIATIVE_PAGES: dict = {
    "initiatives.list_initiatives": (lambda w: "/initiatives?q=marche", SIGNED_IN),
    "initiatives.export_initiatives": (
        lambda w: "/initiatives/export.csv",
        SIGNED_IN,
        200,
        "text/csv",
    ),
    "initiatives.export_initiatives_xlsx": (
        lambda w: "/initiatives/export.xlsx",
        SIGNED_IN,
        200,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "initiatives.create_initiative": (lambda w: "/initiatives/nouvelle", SIGNED_IN),
    "initiatives.show_initiative": (lambda w: _initiative(w), GROUP),
    "initiatives.edit_initiative": (lambda w: _initiative(w, "/modifier"), EDITORS),
    "initiatives.edit_effect": (_effect, EDITORS),
}
