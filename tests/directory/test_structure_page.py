"""A structure's page (details, maps, professionals) and its soft delete with restore."""

import pytest

from allervers.core.timeutil import utcnow
from allervers.directory.models import StructurePublic
from allervers.directory.services import structure_choices
from allervers.extensions import db
from allervers.maps.models import MapEntry
from tests.helpers import post_form, text, visible_text


def test_page_shows_every_detail_with_vocabulary_labels(client_as, world):
    structure = world["structure"]
    structure.acronym, structure.siret = "CCAS", "26450001800014"
    structure.website, structure.phone = "https://www.orleans.fr", "02 38 79 22 22"
    structure.email, structure.insee_code = "ccas@orleans.fr", "45234"
    structure.description = "Premier paragraphe.\nSecond paragraphe."
    structure.thematiques = ["logement", "accès aux droits"]
    structure.publics = [StructurePublic(public_code="non-recours")]
    db.session.commit()
    page = visible_text(client_as("stagiaire_autre").get(f"/annuaire/{structure.id}"))
    for expected in (
        "CCAS d'Orléans (CCAS)",
        "Typologie Centres communaux d’action sociale (CCAS)",
        "Secteur Action sociale",
        "Commune Orléans (45000) · département 45",
        "Code INSEE 45234",
        "SIRET 26450001800014",
        "Site web https://www.orleans.fr",
        "Téléphone 02 38 79 22 22",
        "E-mail ccas@orleans.fr",
        "Publics accompagnés Personnes en non-recours aux droits",
        "Thématiques logement, accès aux droits",
        "Premier paragraphe. Second paragraphe.",
        "Les initiatives d'aller-vers portées par cette structure",
    ):
        assert expected in page, expected


def test_page_lists_the_professionals_attached(client_as, world):
    page = visible_text(client_as("stagiaire_autre").get(f"/annuaire/{world['structure'].id}"))
    assert f"{world['stagiaire'].name} — ASS" in page
    assert world["referent"].name in page
    assert world["admin"].name not in page


@pytest.mark.parametrize(
    ("role", "maps"),
    [
        ("stagiaire", {"Ma carte", "Carte du groupe – Groupe 1 Orléans"}),  # own map, own group
        ("formateur", {"Ma carte", "Carte du groupe – Groupe 1 Orléans"}),  # trains the owner
        ("admin", {"Ma carte", "Carte du groupe – Groupe 1 Orléans"}),
        ("stagiaire_autre", set()),
        ("formateur_autre", set()),
        ("referent", set()),
    ],
)
def test_page_lists_only_the_maps_the_viewer_may_open(client_as, world, role, maps):
    partner = world["partner"]
    db.session.add(MapEntry(map_id=world["group_map"].id, structure_id=partner.id))
    db.session.commit()
    page = text(client_as(role).get(f"/annuaire/{partner.id}"))
    shown = {title for title in ("Ma carte", "Carte du groupe – Groupe 1 Orléans") if title in page}
    assert shown == maps
    if maps:
        assert f'href="/cartes/{world["map"].id}"' in page
    else:
        assert "ne figure sur aucune carte que vous pouvez consulter" in page


def test_a_removed_entry_no_longer_lists_the_map(client_as, world):
    from allervers.maps.services import remove_entry

    remove_entry(world["entry"])  # as the editor does: the entry and its links
    page = text(client_as("stagiaire").get(f"/annuaire/{world['partner'].id}"))
    assert "Ma carte" not in page


def test_focal_structure_is_marked(client_as, world):
    page = visible_text(client_as("stagiaire").get(f"/annuaire/{world['structure'].id}"))
    assert "Ma carte (structure focale)" in page


def test_unknown_structure_is_404(client_as, world):
    assert client_as("admin").get("/annuaire/9999").status_code == 404


# ----- soft delete and restore ----------------------------------------------------------------


def delete(client, structure, **kwargs):
    return post_form(client, f"/annuaire/{structure.id}/supprimer", token_from="/", **kwargs)


def test_referent_deletes_then_restores_from_the_message(client_as, world):
    structure = world["structure"]
    client = client_as("referent")
    response = delete(client, structure)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/annuaire?supprimee={structure.id}"
    db.session.refresh(structure)
    assert structure.is_deleted
    page = text(client.get(response.headers["Location"]))
    assert "La structure « CCAS d'Orléans » a été supprimée de l'annuaire." in page
    # a référent may not restore (creator and staff only): no button for them
    assert "Restaurer « CCAS d'Orléans »" not in page
    trainer = client_as("formateur")
    page = text(trainer.get(f"/annuaire?supprimee={structure.id}"))
    assert f'action="/annuaire/{structure.id}/restaurer"' in page
    restored = post_form(trainer, f"/annuaire/{structure.id}/restaurer", token_from="/")
    assert restored.status_code == 303
    db.session.refresh(structure)
    assert not structure.is_deleted
    assert "est de nouveau dans l'annuaire" in text(trainer.get(restored.headers["Location"]))


def test_creator_deletes_and_restores_their_structure(client_as, world, make_structure):
    mine = make_structure(name="Épicerie de Gien", commune="Gien",
                          created_by_id=world["stagiaire_autre"].id)  # fmt: skip
    client = client_as("stagiaire_autre")
    response = delete(client, mine)
    page = text(client.get(response.headers["Location"]))
    assert "Restaurer « Épicerie de Gien »" in page
    assert post_form(client, f"/annuaire/{mine.id}/restaurer", token_from="/").status_code == 303
    db.session.refresh(mine)
    assert not mine.is_deleted


def test_delete_without_javascript_and_with_htmx(client_as, world):
    structure = world["structure"]
    response = delete(client_as("admin"), structure, htmx=True)
    assert response.status_code == 303  # htmx follows the redirect like a browser
    assert response.headers["Location"].startswith("/annuaire?supprimee=")


@pytest.mark.parametrize("role", ["stagiaire", "stagiaire_autre"])
def test_others_cannot_delete_or_restore(client_as, world, role):
    structure = world["structure"]
    assert delete(client_as(role), structure).status_code == 404
    db.session.refresh(structure)
    assert not structure.is_deleted
    structure.deleted_at = utcnow()
    db.session.commit()
    response = post_form(client_as(role), f"/annuaire/{structure.id}/restaurer", token_from="/")
    assert response.status_code == 404
    db.session.refresh(structure)
    assert structure.is_deleted


def test_deleted_structure_disappears_everywhere_but_for_staff(client_as, world):
    structure = world["structure"]
    structure.deleted_at = utcnow()
    db.session.commit()
    assert structure.id not in dict(structure_choices())
    for role in ("stagiaire", "referent"):
        client = client_as(role)
        assert client.get(f"/annuaire/{structure.id}").status_code == 404
        assert "CCAS d'Orléans" not in visible_text(client.get("/annuaire?q=ccas"))
        assert client.get(f"/annuaire/{structure.id}/modifier").status_code == 404
    page = visible_text(client_as("formateur").get(f"/annuaire/{structure.id}"))
    assert "Cette structure a été supprimée" in page
    assert "Restaurer" in page
    assert "Modifier la fiche" not in page


def test_restoring_a_live_structure_is_404(client_as, world):
    path = f"/annuaire/{world['structure'].id}/restaurer"
    assert post_form(client_as("admin"), path, token_from="/").status_code == 404


def test_structure_page_lists_its_links_on_visible_maps(client_as, world):
    page = text(client_as("formateur").get(f"/annuaire/{world['structure'].id}"))
    assert "Liens de coopération" in page
    assert "CAF du Loiret" in page
    assert "2 – Orienter" in page
    hidden = text(client_as("stagiaire_autre").get(f"/annuaire/{world['structure'].id}"))
    assert "2 – Orienter" not in hidden
    assert "Aucun lien sur les cartes que vous pouvez consulter." in hidden
