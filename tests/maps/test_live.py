"""The live feed of a map: 304 while nothing changed, then who changed what since a version."""

import json
from datetime import timedelta

from sqlalchemy import select

from allervers.auth.models import UserSession
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.maps import live, services
from tests.helpers import post_form

LINK = {"status": "existant", "level": "3", "direction": "mutuel"}


def feed(client, world, since=None, etag=None, map_key="group_map"):
    url = f"/cartes/{world[map_key].id}/direct"
    if since is not None:
        url += f"?depuis={since}"
    return client.get(url, headers={"If-None-Match": etag} if etag else {})


def test_an_unchanged_map_answers_304_with_its_version_as_etag(client_as, world):
    client = client_as("stagiaire")
    first = feed(client, world)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag == f'"v{world["group_map"].content_version}"'
    again = feed(client, world, first.json["version"], tag)
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["Cache-Control"] == "no-store"


def test_a_change_by_another_member_reaches_the_feed_with_its_author(
    client_as, world, make_structure
):
    trainee, trainer = client_as("stagiaire"), client_as("formateur")
    group_map = world["group_map"]
    start = feed(trainee, world).json
    assert start["counts"] == {"structures": 0, "links": 0, "contributors": 0}
    caf = make_structure(name="CAF du Loiret bis", typology="CAF")
    ccas = make_structure(name="CCAS de Fleury", typology="CCAS")
    for structure in (caf, ccas):
        post_form(
            trainer,
            f"/cartes/{group_map.id}/structures",
            {"structure_id": structure.id},
            htmx=True,
            token_from="/",
        )
    link = {**LINK, "source_id": caf.id, "target_id": ccas.id}
    post_form(trainer, f"/cartes/{group_map.id}/liens", link, htmx=True, token_from="/")
    answer = feed(trainee, world, start["version"], f'"v{start["version"]}"')
    assert answer.status_code == 200
    body = answer.json
    assert body["version"] == start["version"] + 3
    assert body["counts"] == {"structures": 2, "links": 1, "contributors": 1}
    assert body["figures"] == {
        "structures": 2,
        "links": 1,
        "density": 100,
        "isolates": 0,
        "wished": 0,
    }
    texts = [(e["who"], e["text"], e["mine"]) for e in body["events"]]
    name = world["formateur"].name
    assert texts == [
        (name, "a ajouté CAF du Loiret bis", False),
        (name, "a ajouté CCAS de Fleury", False),
        (name, "a ajouté le lien CAF du Loiret bis – CCAS de Fleury", False),
    ]
    assert body["events"][-1]["structures"] == [caf.id, ccas.id]
    # the author's own screen knows the change is its own
    mine = feed(trainer, world, start["version"]).json["events"]
    assert all(event["mine"] for event in mine)
    # only what came after the version asked for
    later = feed(trainee, world, start["version"] + 2).json["events"]
    assert [e["text"] for e in later] == ["a ajouté le lien CAF du Loiret bis – CCAS de Fleury"]


def test_the_feed_is_as_private_as_the_map(client_as, world):
    assert feed(client_as("stagiaire_autre"), world).status_code == 404
    assert feed(client_as("anonyme"), world).status_code in (302, 303, 401, 404)
    assert feed(client_as("stagiaire_autre"), world, map_key="map").status_code == 404
    assert feed(client_as("formateur"), world, map_key="map").status_code == 200


def test_contributions_name_each_addition_once_and_forget_what_was_removed(app, world):
    group_map, structure, partner = world["group_map"], world["structure"], world["partner"]
    services.add_entry(group_map, structure, {})
    services.add_entry(group_map, partner, {})
    services.save_link(group_map, structure.id, partner.id, {"level": 2})
    # without a signed-in person (command line) the additions have no author: no contribution
    assert live.contributions(group_map) == []


def test_the_screen_that_made_a_change_is_told_it_was_its_own(client_as, world, make_structure):
    trainee, trainer = client_as("stagiaire"), client_as("formateur")
    group_map = world["group_map"]
    start = feed(trainee, world).json["version"]
    caf = make_structure(name="CAF bis", typology="CAF")
    post_form(
        trainer,
        f"/cartes/{group_map.id}/structures",
        {"structure_id": caf.id},
        htmx=True,
        token_from="/",
        headers={"X-Screen": "onglet-a"},
    )
    url = f"/cartes/{group_map.id}/direct?depuis={start}"
    same_tab = trainer.get(url, headers={"X-Screen": "onglet-a"}).json["events"]
    other_tab = trainer.get(url, headers={"X-Screen": "onglet-b"}).json["events"]
    someone_else = trainee.get(url, headers={"X-Screen": "onglet-a"}).json["events"]
    assert [(e["mine"], e["here"]) for e in same_tab] == [(True, True)]
    assert [(e["mine"], e["here"]) for e in other_tab] == [(True, False)]
    assert [(e["mine"], e["here"]) for e in someone_else] == [(False, False)]


def test_a_screen_far_behind_is_told_to_reload_everything(client_as, world, make_structure):
    client = client_as("stagiaire")
    group_map = world["group_map"]
    start = feed(client, world).json["version"]
    for number in range(live.MAX_EVENTS + 2):
        services.add_entry(group_map, make_structure(name=f"Structure {number}"), {})
    behind = feed(client, world, start).json
    assert behind["gap"] is True
    assert len(behind["events"]) == live.MAX_EVENTS
    assert feed(client, world, behind["version"] - 1).json["gap"] is False


def test_an_edit_of_a_link_removed_meanwhile_says_so_and_changes_nothing(client_as, world):
    editor, remover = client_as("stagiaire"), client_as("stagiaire")
    cooperation_map, link = world["map"], world["link"]
    edit = f"/cartes/{cooperation_map.id}/liens/{link.id}/modifier"
    assert editor.get(edit).status_code == 200
    post_form(remover, f"/cartes/{cooperation_map.id}/liens/{link.id}/supprimer", token_from="/")
    data = {
        **LINK,
        "source_id": link.source_id,
        "target_id": link.target_id,
        "level": "5",
        "note": "Convention signée",
        "version": str(link.version),
    }
    for htmx in (True, False):
        answer = post_form(editor, edit, data, htmx=htmx, token_from="/")
        assert answer.status_code == 409
        page = answer.get_data(as_text=True)
        assert "Ce lien a été supprimé entre-temps par " + world["stagiaire"].name in page
        assert "Convention signée" in page  # what was typed is still there
    db.session.refresh(link)
    assert link.is_deleted
    assert link.level == 2
    # removing it again from a screen that still lists it: a message, not an error
    again = post_form(
        remover,
        f"/cartes/{cooperation_map.id}/liens/{link.id}/supprimer",
        htmx=True,
        token_from="/",
    )
    assert again.status_code == 200
    assert "Ce lien avait déjà été supprimé" in again.get_data(as_text=True)


def test_an_edit_of_a_structure_removed_meanwhile_says_so(client_as, world):
    client = client_as("stagiaire")
    cooperation_map, entry = world["map"], world["entry"]
    post_form(
        client, f"/cartes/{cooperation_map.id}/structures/{entry.id}/supprimer", token_from="/"
    )
    answer = post_form(
        client,
        f"/cartes/{cooperation_map.id}/structures/{entry.id}/modifier",
        {"influence": "5", "version": str(entry.version)},
        htmx=True,
        token_from="/",
    )
    assert answer.status_code == 200
    assert "a été retirée de la carte entre-temps" in answer.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.influence == 4


def test_moving_structures_reaches_the_other_screens(client_as, world):
    client = client_as("stagiaire")
    cooperation_map = world["map"]
    start = feed(client, world, map_key="map").json["version"]
    positions = {str(world["structure"].id): [10, 20], str(world["partner"].id): [200, 40]}
    answer = post_form(
        client,
        f"/cartes/{cooperation_map.id}/positions",
        {"positions": json.dumps(positions)},
        token_from="/",
    )
    assert answer.status_code == 204
    moved = feed(client, world, start, map_key="map").json
    assert moved["version"] == start + 1
    assert [e["text"] for e in moved["events"]] == ["a déplacé des structures"]
    graph = client.get(f"/cartes/{cooperation_map.id}/graphe.json").json
    placed = {n["data"]["id"]: n["position"] for n in graph["elements"]["nodes"]}
    assert placed[str(world["partner"].id)] == {"x": 200, "y": 40}
    # refused positions change nothing and tell nobody
    bad = post_form(
        client, f"/cartes/{cooperation_map.id}/positions", {"positions": "[1"}, token_from="/"
    )
    assert bad.status_code == 422
    assert feed(client, world, moved["version"], f'"v{moved["version"]}"', "map").status_code == 304


def test_the_cached_graph_follows_every_change_of_the_map_and_of_the_directory(
    client_as, world, make_structure
):
    client = client_as("stagiaire")
    cooperation_map, partner = world["map"], world["partner"]
    url = f"/cartes/{cooperation_map.id}/graphe.json"

    def graph():
        data = client.get(url).json["elements"]
        return {n["data"]["id"]: n["data"] for n in data["nodes"]}, data["edges"]

    nodes, edges = graph()
    assert len(nodes) == 2
    assert len(edges) == 1
    assert graph() == (nodes, edges)  # the second time from the cache
    newcomer = make_structure(name="Épicerie solidaire")
    post_form(
        client,
        f"/cartes/{cooperation_map.id}/structures",
        {"structure_id": newcomer.id, "influence": "3"},
        token_from="/",
    )
    nodes, edges = graph()
    assert nodes[str(newcomer.id)]["influence"] == 3
    # a structure renamed in the directory is renamed in the graph
    partner.name = "CAF du Loiret (Orléans)"
    db.session.commit()
    nodes, _edges = graph()
    assert nodes[str(partner.id)]["label"] == "CAF du Loiret (Orléans)"


def test_a_screen_left_open_still_idles_out_of_its_session(client_as, world):
    """The feed is asked every second by the page itself: it is not the person's activity."""
    client = client_as("stagiaire")
    record = db.session.scalar(
        select(UserSession).where(UserSession.user_id == world["stagiaire"].id)
    )
    record.last_seen_at = utcnow() - timedelta(hours=1, minutes=50)
    db.session.commit()
    seen = record.last_seen_at
    assert feed(client, world, map_key="map").status_code == 200
    db.session.refresh(record)
    assert record.last_seen_at == seen
    record.last_seen_at = utcnow() - timedelta(hours=2, minutes=1)
    db.session.commit()
    answer = feed(client, world, map_key="map")
    assert answer.status_code in (302, 401)  # signed out: the page sends the tab to sign-in
    # a page the person opens does count
    assert client_as("stagiaire").get(f"/cartes/{world['map'].id}").status_code == 200
