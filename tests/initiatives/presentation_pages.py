"""Expected answers of the presentation pages, per role (used by tests/test_pages.py).

endpoint → (path built from the `world` fixture, roles that get the page[, status, mimetype]).
The world has no presentation: the first lambda that needs one creates it, for the group of
`formateur` (who owns it), with one initiative of the shared base. Its members (`stagiaire`)
and admins may view it; its formateur and admins may edit it and open the speaker view.
The slideshow and the speaker view are documents of their own, never fragments: their
4-item entries keep them out of the fragment sweep.
"""

from allervers.initiatives import presentations, services

SIGNED_IN = {"stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin"}
TRAINERS = {"formateur", "formateur_autre", "admin"}
VIEWERS = {"stagiaire", "formateur", "admin"}
EDITORS = {"formateur", "admin"}


def presentation_path(world: dict, suffix: str = "") -> str:
    if "presentation" not in world:
        initiative = services.create_initiative(
            world["stagiaire"],
            {
                "title": "Permanence au marché du samedi",
                "visibility": "base",
                "consent": True,
                "techniques": ["lieux-de-vie"],
            },
        )
        presentation = presentations.create_presentation(
            world["formateur"], "Trois cas pour la séance 2", world["group"]
        )
        presentations.add_item(presentation, initiative)
        world["presentation"] = presentation
    return f"/presentations/{world['presentation'].id}{suffix}"


PRESENTATION_PAGES: dict = {
    "initiatives.list_presentations": (lambda w: "/presentations", SIGNED_IN),
    "initiatives.create_presentation": (lambda w: "/presentations/nouvelle", TRAINERS),
    "initiatives.show_presentation": (lambda w: presentation_path(w), VIEWERS),
    "initiatives.edit_presentation": (lambda w: presentation_path(w, "/modifier"), EDITORS),
    "initiatives.slideshow": (
        lambda w: presentation_path(w, "/diaporama"),
        VIEWERS,
        200,
        "text/html",
    ),
    "initiatives.speaker_view": (
        lambda w: presentation_path(w, "/orateur"),
        EDITORS,
        200,
        "text/html",
    ),
}
