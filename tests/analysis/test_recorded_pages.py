"""The analysis page, exports and comparison show what the trainee recorded beyond the links:
declared influence (Net-Map), trust and value (PARTNER), named communities, sectors, and
suggestions with their reasons."""

import csv
import io

import pytest

from allervers.analysis import services
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.maps import services as maps
from allervers.training.models import Membership
from tests.helpers import text

TRUST = {"trust_reliability": 4, "trust_mission": 3, "trust_dialogue": 2}
VALUE = {"value_influence": 2, "value_involvement": 2, "value_resources": 2}


@pytest.fixture
def recorded(world, make_structure):
    """The trainee's map: CCAS – CAF rated on trust and value; a Préfecture declared at 5 with
    no link; a health centre « moteur » linked to the CAF only."""
    cooperation_map, focal, caf = world["map"], world["structure"], world["partner"]
    prefecture = make_structure(name="Préfecture du Loiret", typology="ETAT")
    health = make_structure(name="Centre de santé", typology="CDS")
    maps.add_entry(cooperation_map, prefecture, {"influence": 5, "position": "neutre"})
    maps.add_entry(cooperation_map, health, {"influence": 1, "position": "moteur"})
    maps.save_link(
        cooperation_map, focal.id, caf.id, {"status": "existant", "level": 2, **TRUST, **VALUE}
    )
    maps.save_link(cooperation_map, caf.id, health.id, {"status": "existant", "level": 1})
    return {"map": cooperation_map, "prefecture": prefecture, "health": health}


def test_page_shows_netmap_ratings_and_communities(client_as, recorded):
    page = text(client_as("stagiaire").get(f"/cartes/{recorded['map'].id}/analyse"))
    assert "Influence déclarée et place dans le réseau" in page
    assert (
        "Jugées influentes (4 ou 5 sur 5) mais sans lien avec vous : Préfecture du Loiret" in page
    )
    assert "Moteurs de l'aller-vers en marge du réseau : Centre de santé" in page
    assert "data-netmap-chart=" in page  # the chart, and its table for everyone
    assert '<th scope="row">Préfecture du Loiret</th><td>5</td><td>Neutre</td>' in page
    assert "Confiance et valeur des coopérations" in page
    assert "Varda et al., 2008" in page
    assert "<strong>3,00</strong> <small>sur 4, 1 lien noté</small>" in page  # (4 + 3 + 2) / 3
    assert "<strong>2,00</strong>" in page
    assert "Groupes de coopération et secteurs" in page
    assert "Indice E-I par secteur" in page
    assert "Secteurs absents de la carte" in page


def test_json_documents_the_new_keys(client_as, recorded):
    data = client_as("stagiaire").get(f"/cartes/{recorded['map'].id}/analyse.json").get_json()
    assert {"ratings", "communities", "ei_by_sector", "netmap"} <= set(data)
    rows = {row["name"]: row for row in data["structures"]}
    caf = rows["CAF du Loiret"]
    assert (caf["trust"], caf["value"], caf["rated_links"]) == (3.0, 2.0, 1)
    assert rows["Préfecture du Loiret"]["influence_declared"] == 5
    assert rows["Centre de santé"]["position"] == "moteur"
    assert data["network"]["mean_trust"] == 3.0
    assert data["network"]["trust_rated"] == 1
    (rating,) = data["ratings"]
    assert (rating["trust"], rating["value"]) == (3.0, 2.0)
    assert all(community["label"] for community in data["communities"])


def test_structures_csv_carries_influence_position_and_scores(client_as, recorded):
    body = client_as("stagiaire").get(f"/cartes/{recorded['map'].id}/structures.csv")
    rows = list(
        csv.DictReader(io.StringIO(body.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    by_name = {row["Structure"]: row for row in rows}
    assert by_name["Préfecture du Loiret"]["Influence déclarée"] == "5"
    assert by_name["Centre de santé"]["Position"] == "Moteur"
    assert by_name["CAF du Loiret"]["Confiance"] == "3,0000"
    assert by_name["CAF du Loiret"]["Liens notés"] == "1"
    assert " – " in by_name["CAF du Loiret"]["Groupe"]  # numbered and named by its sectors


def test_comparison_shows_trust_and_value(client_as, world, recorded):
    client = client_as("stagiaire")
    cooperation_map = recorded["map"]
    snapshot = services.take_snapshot(cooperation_map, "Avant", world["stagiaire"])
    maps.save_link(
        cooperation_map,
        world["structure"].id,
        world["partner"].id,
        {
            "status": "existant",
            "level": 2,
            **VALUE,
            "trust_reliability": 2,
            "trust_mission": 2,
            "trust_dialogue": 2,
        },
    )
    page = text(
        client.get(f"/cartes/{cooperation_map.id}/comparaison?avant={snapshot.id}&apres=maintenant")
    )
    assert "Confiance (PARTNER, 1 à 4)" in page
    row = page[page.index("Confiance (PARTNER, 1 à 4)") :][:200]
    assert "3,00" in row
    assert "2,00" in row
    assert "-1,00" in row


def test_wishes_of_two_other_members_become_a_reason(
    app, client_as, world, make_user, make_structure, recorded
):
    wished = make_structure(name="Maison des solidarités", typology="MDS")
    for number in (1, 2):
        member = make_user("stagiaire", email=f"autre{number}@example.org")
        db.session.add(
            Membership(user=member, group=world["group"], role="stagiaire", joined_at=utcnow())
        )
        db.session.commit()
        other = maps.create_map(member, f"Carte {number}", "Orléans", world["structure"].id)
        maps.add_entry(other, wished, {})
        maps.save_link(other, world["structure"].id, wished.id, {"status": "souhaite"})
    data = client_as("stagiaire").get(f"/cartes/{recorded['map'].id}/analyse.json").get_json()
    item = next(s for s in data["suggestions"] if s["structure"] == "Maison des solidarités")
    kinds = [reason["kind"] for reason in item["reasons"]]
    assert "souhait du groupe" in kinds
    assert "Un lien avec elle est souhaité sur deux autres cartes du groupe." in item["reason"]
    assert item["score"] == sum(reason["points"] for reason in item["reasons"])


def test_one_other_member_wish_is_not_told(client_as, world, make_user, make_structure, recorded):
    wished = make_structure(name="Maison des solidarités", typology="MDS")
    member = make_user("stagiaire", email="seul@example.org")
    db.session.add(
        Membership(user=member, group=world["group"], role="stagiaire", joined_at=utcnow())
    )
    db.session.commit()
    other = maps.create_map(member, "Carte", "Orléans", world["structure"].id)
    maps.add_entry(other, wished, {})
    maps.save_link(other, world["structure"].id, wished.id, {"status": "souhaite"})
    data = client_as("stagiaire").get(f"/cartes/{recorded['map'].id}/analyse.json").get_json()
    assert all(s["structure"] != "Maison des solidarités" for s in data["suggestions"])


def test_group_aggregate_shows_the_members_spread(client_as, world, make_user):
    """Four maps of the group rate the CCAS – CAF link and declare the CAF's influence: the
    aggregate shows both spreads (from 3 maps, like the levels)."""
    group, ends = world["group"], (world["structure"].id, world["partner"].id)
    world_entry_influence = 4  # the world's own map declares the CAF at 4
    maps.save_link(world["map"], *ends, {"status": "existant", "level": 2, **TRUST, **VALUE})
    for name, influence, trust in (("Bob", 1, 1), ("Chloé", 2, 4), ("David", 5, 4)):
        person = make_user("stagiaire", name=f"{name} Stagiaire")
        group.memberships.append(
            Membership(user=person, role="stagiaire", joined_at=world["map"].created_at)
        )
        own = maps.create_map(person, f"Carte de {name}", "Orléans", world["structure"].id)
        maps.add_entry(own, world["partner"], {"influence": influence})
        items = {"trust_reliability": trust, "trust_mission": trust, "trust_dialogue": trust}
        maps.save_link(own, *ends, {"level": 2, "status": "existant", **items})
    db.session.commit()
    page = text(client_as("formateur").get(f"/groupes/{group.id}/analyse"))
    assert "Influence déclarée" in page
    assert '<th scope="row">CAF du Loiret</th><td>1, 2, 4, 5</td><td>4</td>' in page
    assert world_entry_influence in (1, 2, 4, 5)
    row = page[page.index("Confiance et valeur</h3>") :]
    assert "<td>Confiance</td><td>1 ; 3 ; 4 ; 4</td><td>3</td>" in row
