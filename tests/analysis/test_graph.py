"""The graph's data, its saved positions and the structure card a click opens."""

import json

from allervers.extensions import db
from tests.helpers import post_form, text


def test_graph_data_has_nodes_and_edges_with_styles(client_as, world):
    data = client_as("formateur").get(f"/cartes/{world['map'].id}/graphe.json").get_json()
    nodes = {node["data"]["label"]: node["data"] for node in data["elements"]["nodes"]}
    assert set(nodes) == {"CCAS d'Orléans", "CAF du Loiret"}
    assert nodes["CCAS d'Orléans"]["focal"] is True
    assert nodes["CAF du Loiret"]["colour"].startswith("#")
    (edge,) = data["elements"]["edges"]
    assert (edge["data"]["status"], edge["data"]["level"]) == ("existant", 2)
    assert data["preset"] is False  # nobody has arranged it yet
    # the two linked structures form one community, numbered from 1
    assert {node["community"] for node in nodes.values()} == {1}
    # declared influence (Net-Map 0–5) comes from the map's entries, None when not given
    assert all("influence" in node for node in nodes.values())


def test_graph_data_carries_declared_influence(client_as, world):
    from allervers.maps.models import MapEntry

    entry = db.session.scalar(
        db.select(MapEntry).filter_by(map_id=world["map"].id, structure_id=world["partner"].id)
    )
    entry.influence = 1
    db.session.commit()
    data = client_as("formateur").get(f"/cartes/{world['map'].id}/graphe.json").get_json()
    nodes = {node["data"]["label"]: node["data"] for node in data["elements"]["nodes"]}
    assert nodes["CAF du Loiret"]["influence"] == 1
    assert nodes["CCAS d'Orléans"]["influence"] is None


def test_dragged_positions_are_kept(client_as, world):
    client, cooperation_map = client_as("stagiaire"), world["map"]
    positions = {str(world["structure"].id): [10, 20], str(world["partner"].id): [200.5, -40]}
    response = post_form(
        client,
        f"/cartes/{cooperation_map.id}/positions",
        {"positions": json.dumps(positions)},
        token_from="/",
    )
    assert response.status_code == 204
    data = client.get(f"/cartes/{cooperation_map.id}/graphe.json").get_json()
    assert data["preset"] is True
    placed = {n["data"]["label"]: n["position"] for n in data["elements"]["nodes"]}
    assert placed["CAF du Loiret"] == {"x": 200.5, "y": -40.0}


def test_malformed_positions_change_nothing(client_as, world):
    client, cooperation_map = client_as("stagiaire"), world["map"]
    for bad in (
        "pas du json",
        json.dumps([1, 2]),
        json.dumps({"99999": [1, 2]}),
        json.dumps({str(world["partner"].id): ["x", 2]}),
    ):
        response = post_form(
            client, f"/cartes/{cooperation_map.id}/positions", {"positions": bad}, token_from="/"
        )
        assert response.status_code == 422
    db.session.refresh(cooperation_map)
    assert cooperation_map.positions == {}
    reader = post_form(
        client_as("formateur"),
        f"/cartes/{cooperation_map.id}/positions",
        {"positions": "{}"},
        token_from="/",
    )
    assert reader.status_code == 404


def test_node_card_as_fragment(client_as, world, make_structure):
    client = client_as("formateur")
    card = client.get(
        f"/cartes/{world['map'].id}/noeud/{world['partner'].id}", headers={"HX-Request": "true"}
    )
    assert text(card).lstrip().startswith('<article id="node-card"')
    assert "CCAS d'Orléans — Existant, niveau 2" in text(card)
    absent = make_structure(name="Pas sur la carte", typology="ASSO")
    assert client.get(f"/cartes/{world['map'].id}/noeud/{absent.id}").status_code == 404
