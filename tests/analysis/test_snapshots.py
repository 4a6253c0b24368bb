"""Snapshots of a map and the before/after comparison."""

from allervers.extensions import db
from allervers.maps.models import MapSnapshot
from tests.helpers import post_form, text


def take(client, map_id, label):
    return post_form(client, f"/cartes/{map_id}/instantanes", {"label": label}, token_from="/")


def test_take_a_snapshot_then_compare_with_today(client_as, world, make_structure):
    client, cooperation_map = client_as("stagiaire"), world["map"]
    response = take(client, cooperation_map.id, "Début de formation")
    assert response.status_code == 303
    (snapshot,) = db.session.query(MapSnapshot).all()
    assert [item["name"] for item in snapshot.content["structures"]] == [
        "CAF du Loiret",
        "CCAS d'Orléans",
    ]
    # The workshop goes on: a new partner and a stronger link.
    mission = make_structure(name="Mission locale", typology="ML")
    base = f"/cartes/{cooperation_map.id}"
    post_form(client, f"{base}/structures", {"structure_id": mission.id}, token_from="/")
    for target, level in ((mission.id, "3"), (world["partner"].id, "4")):
        post_form(
            client,
            f"{base}/liens",
            {
                "source_id": world["structure"].id,
                "target_id": target,
                "status": "existant",
                "level": level,
                "direction": "mutuel",
                "version": world["link"].version,
            },
            token_from="/",
        )
    page = text(client.get(f"{base}/comparaison?avant={snapshot.id}&apres=maintenant"))
    assert "De « Début de formation » à « la carte aujourd'hui »." in page
    assert "CCAS d'Orléans – Mission locale" in page  # added
    assert "CAF du Loiret – CCAS d'Orléans : 2 → 4" in page  # raised (pairs read by name)
    assert "Emploi et insertion" in page  # a sector newly reached
    assert "+1" in page  # one more link


def test_snapshot_needs_a_label_and_an_editor(client_as, world):
    refused = take(client_as("stagiaire"), world["map"].id, " ")
    assert refused.status_code == 422
    assert "Donnez un nom à l'instantané." in text(refused)
    assert take(client_as("formateur"), world["map"].id, "Par le formateur").status_code == 404
    assert db.session.query(MapSnapshot).count() == 0


def test_comparison_refuses_a_snapshot_of_another_map(client_as, world):
    take(client_as("stagiaire"), world["group_map"].id, "Groupe")
    other = db.session.query(MapSnapshot).one()
    response = client_as("stagiaire").get(f"/cartes/{world['map'].id}/comparaison?avant={other.id}")
    assert response.status_code == 422
    assert "Choisissez deux instantanés de cette carte" in text(response)
