"""Group, session and territory aggregates: what they merge, who sees them, the cache, the job."""

import io
import json
import re

import networkx as nx
import pytest

from allervers.analysis import aggregates, cache, results, scopes
from allervers.analysis import tasks as analysis_tasks
from allervers.maps import services as maps
from tests.helpers import text


def key_figure(body: str, label: str) -> str:
    """The value shown for a key figure of the analysis panel."""
    found = re.search(rf"<dt>{label}</dt>\s*<dd><strong>([^<]*)</strong>", body)
    assert found, f"chiffre « {label} » absent"
    return found.group(1)


@pytest.fixture
def second_trainee(world, make_user, make_structure):
    """Three more trainees of the group whose maps report the same link at other levels (2 in
    the world's map, then 5, 3, 4: four maps, enough to be shown); Bob's also links the CAF
    to the Tours mission, alone."""
    from allervers.training.models import Membership

    group = world["group"]
    ends = (world["structure"].id, world["partner"].id)
    own = {}
    for name, level in (("Bob", 5), ("Chloé", 3), ("David", 4)):
        person = make_user("stagiaire", name=f"{name} Stagiaire")
        group.memberships.append(
            Membership(user=person, role="stagiaire", joined_at=world["map"].created_at)
        )
        own[name] = maps.create_map(person, f"Carte de {name}", "Orléans", world["structure"].id)
        maps.add_entry(own[name], world["partner"], {})
        maps.save_link(own[name], *ends, {"level": level, "status": "existant"})
    mission = make_structure(name="Mission locale de Tours", commune="Tours", postal_code="37000")
    maps.add_entry(own["Bob"], mission, {})
    maps.save_link(own["Bob"], world["partner"].id, mission.id, {"level": 1, "status": "existant"})
    bob = own["Bob"].owner
    return {"user": bob, "map": own["Bob"], "mission": mission}


def test_group_aggregate_merges_members_maps_with_perception_gaps(client_as, world, second_trainee):
    response = client_as("formateur").get(f"/groupes/{world['group'].id}/analyse")
    assert response.status_code == 200
    page = text(response)
    assert "Écarts de perception" in page
    assert "CAF du Loiret – CCAS d'Orléans" in page
    assert "2, 3, 4, 5" in page  # the levels given by the four maps
    stored = cache.load(f"groupe-{world['group'].id}").payload
    analysis = stored["analysis"]
    assert analysis["network"]["nodes"] == 3
    assert analysis["network"]["links"] == 2
    assert stored["maps"] == 5  # four personal maps and the (empty) group map
    edges = {
        (edge["data"]["source"], edge["data"]["target"]): edge["data"]
        for edge in stored["graph"]["elements"]["edges"]
    }
    pair = tuple(sorted((str(world["structure"].id), str(world["partner"].id))))
    shared = edges.get(pair) or edges[pair[::-1]]
    assert shared["reports"] == 4
    assert shared["level"] == 3  # the median of 2, 3, 4 and 5, rounded down
    assert stored["graph"]["preset"] is False  # small: the browser lays it out


def test_group_page_shows_the_aggregate_summary(client_as, world, second_trainee):
    client = client_as("stagiaire")
    page = text(client.get(f"/groupes/{world['group'].id}"))
    assert f"/groupes/{world['group'].id}/analyse?vue=resume" in page
    summary = client.get(
        f"/groupes/{world['group'].id}/analyse?vue=resume", headers={"HX-Request": "true"}
    )
    body = text(summary)
    assert "<html" not in body
    assert "5 cartes réunies" in body
    assert "3 structures, 2 liens existants" in body
    assert "niveaux 2, 3, 4, 5" in body


def test_other_group_trainee_never_sees_the_aggregate(client_as, world, second_trainee):
    client = client_as("stagiaire_autre")
    group_id = world["group"].id
    for path in (
        f"/groupes/{group_id}/analyse",
        f"/agregats/groupe/{group_id}/graphe.json",
        f"/agregats/groupe/{group_id}/analyse.json",
        f"/agregats/groupe/{group_id}/liens.csv",
    ):
        assert client.get(path).status_code == 404, path


def test_aggregate_is_computed_once_per_version(client_as, world, second_trainee, monkeypatch):
    calls = []
    real = aggregates.compute
    monkeypatch.setattr(aggregates, "compute", lambda scope: calls.append(scope.key) or real(scope))
    client = client_as("formateur")
    path = f"/groupes/{world['group'].id}/analyse"
    client.get(path)
    client.get(path)
    assert len(calls) == 1
    maps.save_link(
        second_trainee["map"], world["structure"].id, second_trainee["mission"].id, {"level": 0}
    )
    client.get(path)
    assert len(calls) == 2
    assert cache.load(f"groupe-{world['group'].id}").payload["analysis"]["network"]["links"] == 3


def test_page_shows_last_result_and_polls_while_the_job_runs(
    client_as, world, second_trainee, monkeypatch
):
    client = client_as("formateur")
    path = f"/groupes/{world['group'].id}/analyse"
    client.get(path)  # a first result
    queued = []
    monkeypatch.setattr(analysis_tasks, "compute_scope", lambda scope: queued.append(scope))
    maps.save_link(
        second_trainee["map"], world["structure"].id, second_trainee["mission"].id, {"level": 0}
    )
    first = client.get(path, headers={"HX-Request": "true"})
    body = text(first)
    assert first.status_code == 200
    assert "Calcul en cours" in body
    assert 'hx-trigger="load delay:2s"' in body
    assert "Voici le dernier résultat" in body
    assert "<dt>Liens existants</dt><dd><strong>2</strong>" in " ".join(body.split()).replace(
        "> <", "><"
    )
    client.get(path, headers={"HX-Request": "true"})  # a second visitor: not queued twice
    assert len(queued) == 1
    aggregates.compute_and_store(scopes.Scope.from_dict(queued[0]))  # the worker's turn
    done = text(client.get(path, headers={"HX-Request": "true"}))
    assert "Calcul en cours" not in done
    assert 'hx-trigger="load delay:2s"' not in done
    assert "<dt>Liens existants</dt><dd><strong>3</strong>" in " ".join(done.split()).replace(
        "> <", "><"
    )


def test_a_lost_job_is_queued_again_after_the_timeout(app, world, monkeypatch):
    scope = scopes.group_scope(world["group"])
    version = scopes.version(scope)
    assert cache.claim(scope.key, version)
    assert not cache.claim(scope.key, version)
    stored = cache.load(scope.key)
    cache._write(scope.key, {"pending_since": stored.pending_since - cache.PENDING_TIMEOUT})
    assert cache.claim(scope.key, version)


def test_a_failed_job_releases_its_claim(app, world, monkeypatch):
    scope = scopes.group_scope(world["group"])
    assert cache.claim(scope.key, scopes.version(scope))

    def broken(_scope):
        raise RuntimeError("panne")

    monkeypatch.setattr(aggregates, "compute", broken)
    with pytest.raises(RuntimeError):
        aggregates.compute_and_store(scope)
    assert cache.load(scope.key).pending_version is None


def test_a_job_queued_for_a_state_already_computed_does_not_compute_it_again(
    app, world, monkeypatch
):
    """Jobs pile up while trainees keep editing: the first computes the latest state, the
    others find it done."""
    scope = scopes.group_scope(world["group"])
    first = aggregates.compute_and_store(scope)
    monkeypatch.setattr(aggregates, "compute", lambda _scope: pytest.fail("computed again"))
    assert aggregates.compute_and_store(scope) == first


def test_aggregate_exports_parse_back(client_as, world, second_trainee):
    client = client_as("formateur")
    base = f"/agregats/groupe/{world['group'].id}"
    client.get(f"/groupes/{world['group'].id}/analyse")
    gexf = client.get(f"{base}/graphe.gexf")
    graph = nx.read_gexf(io.BytesIO(gexf.data))
    graphml = nx.read_graphml(io.BytesIO(client.get(f"{base}/graphe.graphml").data))
    for read in (graph, graphml):
        assert read.number_of_nodes() == 3
        assert read.number_of_edges() == 2
    names = {data["label"] for _node, data in graph.nodes(data=True)}
    assert names == {"CCAS d'Orléans", "CAF du Loiret", "Mission locale de Tours"}
    data = json.loads(client.get(f"{base}/analyse.json").data)
    assert set(data) == {"analysis", "perception_gaps", "influence_gaps", "rating_gaps"}
    assert data["perception_gaps"][0]["levels"] == [2, 3, 4, 5]
    links = client.get(f"{base}/liens.csv").data.decode("utf-8-sig").splitlines()
    assert links[0] == "Structure A;Structure B;Statut;Niveau;Cartes qui le citent"
    assert len(links) == 3
    assert any(line.endswith(";3;4") for line in links)
    assert any(line.endswith(";1;moins de 3") for line in links)  # Bob's link, his alone
    rows = client.get(f"{base}/structures.csv").data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("Structure;Secteur;Liens;Passeur")
    assert len(rows) == 4
    assert "attachment" in client.get(f"{base}/structures.csv").headers["Content-Disposition"]


def test_aggregate_node_card(client_as, world, second_trainee):
    client = client_as("stagiaire")
    client.get(f"/groupes/{world['group'].id}/analyse")
    card = client.get(
        f"/agregats/groupe/{world['group'].id}/noeud/{world['partner'].id}",
        headers={"HX-Request": "true"},
    )
    body = text(card)
    assert card.status_code == 200
    assert "CAF du Loiret" in body
    assert "cité par 4 cartes" in body
    missing = client.get(f"/agregats/groupe/{world['group'].id}/noeud/999999")
    assert missing.status_code == 404


def test_session_aggregate_gathers_every_group(client_as, world, second_trainee, make_structure):
    other_map = maps.create_map(world["stagiaire_autre"], "Carte de Tours", "Tours", None)
    maps.add_entry(
        other_map, make_structure(name="CCAS de Tours", commune="Tours", postal_code="37000"), {}
    )
    response = client_as("formateur_autre").get(f"/sessions/{world['session'].id}/analyse")
    assert response.status_code == 200
    payload = cache.load(f"session-{world['session'].id}").payload
    names = {row["name"] for row in payload["analysis"]["structures"]}
    assert "CCAS de Tours" in names
    assert "Mission locale de Tours" in names
    assert client_as("stagiaire").get(f"/sessions/{world['session'].id}/analyse").status_code == 404


def test_territory_keeps_an_area_and_its_partners(client_as, world, second_trainee):
    client = client_as("admin")
    response = client.get("/territoire?departement=37")
    assert response.status_code == 200
    admin = world["admin"]
    payload = results.current(scopes.territory_scope(admin, "37", ""), admin).payload
    names = {row["name"] for row in payload["analysis"]["structures"]}
    # the Tours mission is in 37; the CAF, its partner, comes with it; the CCAS does not
    assert names == {"Mission locale de Tours", "CAF du Loiret"}
    # "orleans" finds Orléans (accents and case aside): the CCAS and the CAF, plus the
    # CAF's partner in Tours
    orleans = scopes.territory_scope(world["admin"], "", "orleans")
    by_commune = results.current(orleans, admin).payload
    assert {row["name"] for row in by_commune["analysis"]["structures"]} == {
        "CCAS d'Orléans",
        "CAF du Loiret",
        "Mission locale de Tours",
    }
    assert by_commune["analysis"]["network"]["links"] == 2


def test_territory_holds_only_the_maps_the_viewer_may_see(client_as, world, second_trainee):
    client_as("formateur_autre").get("/territoire")
    other = world["formateur_autre"]
    payload = results.current(scopes.territory_scope(other, "", ""), other).payload
    assert payload["maps"] == 0  # the other group's trainer sees none of group 1's maps
    trainer = world["formateur"]
    mine = results.current(scopes.territory_scope(trainer, "", ""), trainer).payload
    assert mine["maps"] == 5


def test_territory_refuses_an_unknown_departement(client_as, world):
    response = client_as("formateur").get("/territoire?departement=99")
    assert response.status_code == 422
    assert "Ce département n&#39;a aucune structure" in text(
        response
    ) or "Ce département n'a aucune structure" in text(response)
    too_long = client_as("formateur").get("/territoire?commune=" + "x" * 200)
    assert too_long.status_code == 422
    assert (
        client_as("formateur").get("/agregats/territoire/0/graphe.json?departement=99").status_code
        == 404
    )


def test_territory_is_for_staff_only(client_as, world):
    assert client_as("stagiaire").get("/territoire").status_code == 404
    assert client_as("referent").get("/agregats/territoire/0/liens.csv").status_code == 404
    nav = text(client_as("formateur").get("/"))
    assert 'href="/territoire"' in nav
    assert 'href="/territoire"' not in text(client_as("stagiaire").get("/"))


def test_unknown_aggregate_kind_is_a_404(client_as, world):
    assert client_as("admin").get("/agregats/planete/1/graphe.json").status_code == 404
    assert client_as("admin").get("/agregats/territoire/3/graphe.json").status_code == 404


def test_aggregate_structures_table_paginates(client_as, world, make_structure):
    group_map = world["group_map"]
    for number in range(60):
        maps.add_entry(group_map, make_structure(name=f"Association {number:02d}"), {})
    client = client_as("formateur")
    page = text(client.get(f"/groupes/{world['group'].id}/analyse?tri=name"))
    assert '<th scope="row">Association 00</th>' in page
    assert '<th scope="row">Association 55</th>' not in page
    assert "Page 1 sur 2" in page
    second = text(
        client.get(
            f"/groupes/{world['group'].id}/analyse?tri=name&page=2", headers={"HX-Request": "true"}
        )
    )
    assert '<th scope="row">Association 55</th>' in second
    assert '<th scope="row">Association 00</th>' not in second


def test_map_beside_its_group_aggregate(client_as, world, second_trainee):
    client = client_as("stagiaire")
    response = client.get(
        f"/cartes/{world['map'].id}/analyse/groupe", headers={"HX-Request": "true"}
    )
    body = text(response)
    assert response.status_code == 200
    assert "Ma carte et le Groupe 1 Orléans" in body
    assert "Agrégat du groupe (5 cartes)" in body
    assert "Mission locale de Tours" in body  # cited by the group, missing from this map
    analysis_page = text(client.get(f"/cartes/{world['map'].id}/analyse"))
    assert f"/cartes/{world['map'].id}/analyse/groupe" in analysis_page
    alone = maps.create_map(world["stagiaire_autre"], "Sans groupe", None, None)
    world["other_group"].memberships.clear()
    from allervers.extensions import db

    db.session.commit()
    lonely = text(client_as("stagiaire_autre").get(f"/cartes/{alone.id}/analyse/groupe"))
    assert "n'appartient à aucun groupe" in lonely


def test_page_still_answers_when_the_queue_is_down(client_as, world, second_trainee, monkeypatch):
    import redis

    def refused(_scope):
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(analysis_tasks, "compute_scope", refused)
    response = client_as("formateur").get(f"/groupes/{world['group'].id}/analyse")
    assert response.status_code == 200
    assert "Le calculateur est momentanément injoignable" in text(response)
    assert 'hx-trigger="load delay:2s"' not in text(response)
    assert cache.load(f"groupe-{world['group'].id}").pending_version is None


def test_territory_includes_the_partnerships_of_visible_initiatives(
    client_as, world, make_structure
):
    from allervers.initiatives import services as initiatives

    epicerie = make_structure(
        name="Épicerie solidaire de Gien", commune="Gien", postal_code="45500"
    )
    mairie = make_structure(name="Mairie de Briare", commune="Briare", postal_code="45250")

    def initiative(visibility, partner):
        created = initiatives.create_initiative(
            world["stagiaire"],
            {"title": f"Initiative {visibility}", "visibility": visibility,
             "structure_id": world["structure"].id, "consent": True},
        )  # fmt: skip
        initiatives.add_partner(created, partner, "co-anime")
        return created

    initiative("base", epicerie)
    initiative("privee", mairie)
    client_as("formateur_autre").get("/territoire")
    other = world["formateur_autre"]
    payload = results.current(scopes.territory_scope(other, "", ""), other).payload
    names = {row["name"] for row in payload["analysis"]["structures"]}
    assert "Épicerie solidaire de Gien" in names  # a shared initiative's partner
    assert "Mairie de Briare" not in names  # a private one stays private
    edge = payload["graph"]["elements"]["edges"][0]["data"]
    assert edge["level"] == 4
