"""An aggregate never says who drew a link: no count, no levels below 3 maps, anywhere.

A group of 12 trainees, each with a private map: one link is drawn by a single map, one by
two, one by three. The pages, their fragments and every export of the group, session and
territory aggregates show the count (and the levels) of the third only, to every viewer.
"""

import io
import json
import re

import networkx as nx
import pytest

from allervers.analysis import cache, results, scopes
from allervers.extensions import db
from allervers.maps import services as maps
from allervers.training.models import Membership
from tests.helpers import fragment, sign_in, text, visible_text

VIEWERS = ("stagiaire", "formateur", "admin")


@pytest.fixture
def workshop(world, make_user, make_structure):
    """12 trainees in the group. CCAS–CAF: 3 maps (levels 2, 3, 4); CAF–Mission locale: Léa's
    map alone (level 5); Mission locale–PMI: 2 maps (levels 1 and 4)."""
    group = world["group"]
    ccas, caf = world["structure"], world["partner"]
    mission = make_structure(name="Mission locale de l'Orléanais")
    pmi = make_structure(name="PMI d'Orléans-La Source")
    people = []
    for number in range(11):
        person = make_user("stagiaire", name=f"Stagiaire {number:02d}")
        group.memberships.append(
            Membership(user=person, role="stagiaire", joined_at=world["map"].created_at)
        )
        people.append(person)
    db.session.commit()
    own = {person.id: maps.create_map(person, "Ma carte", "Orléans", ccas.id) for person in people}

    def draw(person, source, target, level):
        cooperation_map = own[person.id]
        for structure in (source, target):
            maps.add_entry(cooperation_map, structure, {})
        maps.save_link(cooperation_map, source.id, target.id, {"level": level})

    draw(people[0], ccas, caf, 3)
    draw(people[1], ccas, caf, 4)  # with world["map"] (level 2): 3 maps
    draw(people[2], caf, mission, 5)  # Léa's link: hers alone
    draw(people[3], mission, pmi, 1)
    draw(people[4], mission, pmi, 4)
    return {"mission": mission, "pmi": pmi, "caf": caf, "ccas": ccas}


def edges_by_names(payload: dict) -> dict[frozenset, dict]:
    names = {str(row["id"]): row["name"] for row in payload["analysis"]["structures"]}
    return {
        frozenset((names[edge["source"]], names[edge["target"]])): edge
        for edge in (item["data"] for item in payload["graph"]["elements"]["edges"])
    }


@pytest.mark.parametrize("role", VIEWERS)
def test_no_count_or_levels_below_three_maps_on_the_group_pages(client_as, world, workshop, role):
    client = client_as(role)
    page_path = f"/groupes/{world['group'].id}/analyse"
    for response in (client.get(page_path), fragment(client, page_path)):
        assert response.status_code == 200
        page = visible_text(response)
        assert "CAF du Loiret – CCAS d'Orléans 2, 3, 4 2" in page  # 3 maps: the gap shows
        assert "1, 4" not in page  # 2 maps: their levels are theirs
    summary = visible_text(fragment(client, f"{page_path}?vue=resume"))
    assert "niveaux 2, 3, 4" in summary
    assert "1, 4" not in summary
    base = f"/agregats/groupe/{world['group'].id}/noeud"
    mission_card = visible_text(fragment(client, f"{base}/{workshop['mission'].id}"))
    assert "CAF du Loiret — Existant, niveau 5" in mission_card
    assert "cité par" not in mission_card  # neither Léa's link nor the one of two maps
    caf_card = visible_text(fragment(client, f"{base}/{workshop['caf'].id}"))
    assert "CCAS d'Orléans — Existant, niveau 3 (cité par 3 cartes)" in caf_card


@pytest.mark.parametrize("role", VIEWERS)
def test_no_count_or_levels_below_three_maps_in_the_group_exports(client_as, world, workshop, role):
    client = client_as(role)
    client.get(f"/groupes/{world['group'].id}/analyse")
    base = f"/agregats/groupe/{world['group'].id}"
    graph = client.get(f"{base}/graphe.json").get_json()
    by_names = edges_by_names({"graph": graph, "analysis": cache_payload(world)["analysis"]})
    mission = "Mission locale de l'Orléanais"
    assert by_names[frozenset(("CAF du Loiret", mission))]["reports"] is None
    assert by_names[frozenset((mission, "PMI d'Orléans-La Source"))]["reports"] is None
    assert by_names[frozenset(("CCAS d'Orléans", "CAF du Loiret"))]["reports"] == 3
    exported = client.get(f"{base}/analyse.json").get_json()
    assert [gap["levels"] for gap in exported["perception_gaps"]] == [[2, 3, 4]]
    assert "reports" not in json.dumps(exported)
    links = client.get(f"{base}/liens.csv").data.decode("utf-8-sig").splitlines()
    assert links[0].endswith(";Cartes qui le citent")
    assert any(re.fullmatch(r"CAF du Loiret;Mission locale[^;]*;Existant;5;moins de 3", line)
               for line in links), links  # fmt: skip
    assert any(line.startswith("Mission locale") and line.endswith(";moins de 3") for line in links)
    assert "CCAS d'Orléans;CAF du Loiret;Existant;3;3" in links
    assert not any(line.endswith((";1", ";2")) for line in links), links
    for name, read in (("graphe.gexf", nx.read_gexf), ("graphe.graphml", nx.read_graphml)):
        exported_graph = read(io.BytesIO(client.get(f"{base}/{name}").data))
        attributes = {key for *_ends, data in exported_graph.edges(data=True) for key in data}
        assert not attributes & {"reports", "maps", "cited_by"}, name
        assert exported_graph.number_of_edges() == 3


def cache_payload(world) -> dict:
    return cache.load(f"groupe-{world['group'].id}").payload


def test_session_and_territory_exports_follow_the_same_rule(client_as, world, workshop):
    for role, path in (
        ("formateur", f"/agregats/session/{world['session'].id}/liens.csv"),
        ("admin", "/agregats/territoire/0/liens.csv"),
        ("formateur", "/agregats/territoire/0/liens.csv"),
    ):
        client = client_as(role)
        links = client.get(path).data.decode("utf-8-sig").splitlines()
        assert any(line.endswith(";5;moins de 3") for line in links), (role, path, links)
        assert any(line.endswith(";3;3") for line in links), (role, path, links)
        gaps = client.get(path.replace("liens.csv", "analyse.json")).get_json()
        assert [gap["levels"] for gap in gaps["perception_gaps"]] == [[2, 3, 4]], path


def test_a_result_stored_under_the_old_rule_is_computed_again(app, world, monkeypatch):
    """The payload changed meaning: results stored before it are stale, whatever the maps."""
    scope = scopes.group_scope(world["group"])
    monkeypatch.setattr(scopes, "PAYLOAD_FORMAT", 1)
    cache.save(scope.key, scopes.version(scope), {"old": True})
    monkeypatch.undo()
    assert results.current(scope, world["formateur"]).payload != {"old": True}
    assert "graph" in cache.load(scope.key).payload


def test_the_trainees_map_page_says_it_feeds_the_group_anonymously(client_as, world):
    path = f"/cartes/{world['map'].id}"
    mine = visible_text(client_as("stagiaire").get(path))
    assert "les autres stagiaires ne la voient pas ; elle alimente de façon anonyme" in mine
    assert "de façon anonyme" not in visible_text(client_as("formateur").get(path))
    group_page = text(client_as("stagiaire").get(f"/groupes/{world['group'].id}/analyse"))
    assert "L'analyse est anonyme" in group_page


# ----- an aggregate of one or two maps the viewer may not open is that map -------------------

FILES = ("graphe.json", "analyse.json", "graphe.gexf", "graphe.graphml", "structures.csv")


@pytest.fixture
def bob(app, world, make_user):
    """A second trainee of the group, without a map yet, and his signed-in client."""
    person = make_user("stagiaire", name="Bob Stagiaire")
    world["group"].memberships.append(
        Membership(user=person, role="stagiaire", joined_at=world["map"].created_at)
    )
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 303
    return {"user": person, "client": client}


def assert_withheld(client, world) -> None:
    group_id = world["group"].id
    for response in (
        client.get(f"/groupes/{group_id}/analyse"),
        fragment(client, f"/groupes/{group_id}/analyse?vue=resume"),
    ):
        assert response.status_code == 200
        page = visible_text(response)
        assert "L'analyse réunie ne s'affiche pas encore pour vous" in page
        assert "CAF du Loiret" not in page
    base = f"/agregats/groupe/{group_id}"
    for path in (*(f"{base}/{name}" for name in FILES), f"{base}/liens.csv"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"{base}/noeud/{world['partner'].id}").status_code == 404


def test_an_aggregate_of_one_or_two_unseen_maps_is_withheld(client_as, world, bob):
    """Only the world's trainee has a map: the group aggregate is her map, whole. Bob, another
    trainee, and the trainer of another group (staff see every group) may not open it: they
    get the explanation, and every sub-resource answers 404. Those who may open the map see
    the aggregate: its owner, her group's trainer, admins."""
    for client in (bob["client"], client_as("formateur_autre")):
        assert_withheld(client, world)
    for role in ("stagiaire", "formateur", "admin"):
        page = visible_text(client_as(role).get(f"/groupes/{world['group'].id}/analyse"))
        assert "CAF du Loiret" in page, role
    # Bob draws his own map: each of the two now has one map the other may not open
    own = maps.create_map(bob["user"], "Carte de Bob", "Orléans", world["structure"].id)
    maps.add_entry(own, world["partner"], {})
    for client in (bob["client"], client_as("stagiaire")):
        assert_withheld(client, world)
    beside = visible_text(fragment(bob["client"], f"/cartes/{own.id}/analyse/groupe"))
    assert "L'analyse réunie ne s'affiche pas encore pour vous" in beside
    assert "Agrégat du groupe" not in beside
    session_page = f"/sessions/{world['session'].id}/analyse"
    session = visible_text(client_as("formateur_autre").get(session_page))
    assert "L'analyse réunie ne s'affiche pas encore pour vous" in session
    assert "CAF du Loiret" not in session


def test_three_unseen_maps_are_shown(client_as, world, workshop):
    """The other group's trainer may open none of the 12 maps: enough to tell nobody's."""
    page = visible_text(client_as("formateur_autre").get(f"/groupes/{world['group'].id}/analyse"))
    assert "ne s'affiche pas encore" not in page
    assert "CAF du Loiret – CCAS d'Orléans 2, 3, 4" in page
