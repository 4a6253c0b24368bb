"""The workshop around a group map: projection, « tour de table », « Clore l'atelier », and
the lock that refuses every change, with who closed the map and when, until it is reopened."""

import pytest

from allervers.extensions import db
from allervers.maps import live, services
from allervers.maps.models import MapSnapshot
from tests.helpers import fragment, post_form, text, visible_text

LINK = {"status": "existant", "level": "3", "direction": "mutuel"}
ROLES = ("admin", "formateur", "formateur_autre", "stagiaire", "stagiaire_autre", "referent")
RUNS_THE_WORKSHOP = {"admin", "formateur"}


def post(client, path, data=None, htmx=False):
    return post_form(client, path, data or {}, htmx=htmx, token_from="/")


def group_path(world, suffix=""):
    return f"/cartes/{world['group_map'].id}{suffix}"


def fill_group_map(world):
    """Two structures and a link on the group map, as the trainee added them."""
    group_map, structure, partner = world["group_map"], world["structure"], world["partner"]
    services.add_entry(group_map, structure, {})
    services.add_entry(group_map, partner, {})
    link, _created = services.save_link(group_map, structure.id, partner.id, {"level": 2})
    return link


def close(client, world, lock=True, label="Atelier du 7 décembre 2026"):
    data = {"label": label, **({"lock": "y"} if lock else {})}
    return post(client, group_path(world, "/clore"), data)


# ----- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_projection_and_tour_are_for_the_groups_formateurs_and_admins(client_as, world, who):
    client = client_as(who)
    expected = 200 if who in RUNS_THE_WORKSHOP else 404
    assert client.get(group_path(world, "/projection")).status_code == expected
    assert client.get(group_path(world, "/projection/tour.json")).status_code == expected
    # a personal map has no workshop, whoever asks
    assert client.get(f"/cartes/{world['map'].id}/projection").status_code == 404
    assert client.get(f"/cartes/{world['map'].id}/projection/tour.json").status_code == 404


@pytest.mark.parametrize("who", [role for role in ROLES if role not in RUNS_THE_WORKSHOP])
def test_others_can_neither_close_nor_reopen(client_as, world, who):
    client = client_as(who)
    assert close(client, world).status_code == 404
    assert post(client, group_path(world, "/rouvrir")).status_code == 404
    assert post(client, f"/groupes/{world['group'].id}/clore", {"label": "x"}).status_code == 404
    assert client.get(f"/groupes/{world['group'].id}/projection").status_code == 404
    db.session.refresh(world["group_map"])
    assert not world["group_map"].is_locked
    assert db.session.query(MapSnapshot).count() == 0


def test_anonymous_and_unknown_maps(client_as, world):
    assert client_as("anonyme").get(group_path(world, "/projection")).status_code in (302, 303)
    assert client_as("formateur").get("/cartes/9999/projection").status_code == 404
    personal = f"/cartes/{world['map'].id}"
    assert post(client_as("admin"), f"{personal}/clore", {"label": "x"}).status_code == 404
    assert post(client_as("formateur"), f"{personal}/rouvrir").status_code == 404


# ----- the projection page ------------------------------------------------------------------------


def test_projection_shows_code_join_address_figures_and_latest_changes(client_as, world):
    client = client_as("formateur")
    # the trainee's additions, through the pages, so that they have an author
    trainee = client_as("stagiaire")
    for structure in (world["structure"], world["partner"]):
        post(trainee, group_path(world, "/structures"), {"structure_id": structure.id}, htmx=True)
    link = {**LINK, "source_id": world["structure"].id, "target_id": world["partner"].id}
    post(trainee, group_path(world, "/liens"), link, htmx=True)
    response = client.get(group_path(world, "/projection"))
    page = text(response)
    assert response.status_code == 200
    assert '<html lang="fr"' in page
    assert '<main id="contenu"' in page
    assert 'class="skip-link" href="#contenu"' in page
    assert "site-nav" not in page  # no site navigation on the wall
    assert "ORL-AAA-111" in page
    assert "http://localhost/rejoindre" in page
    assert f'data-live-feed="{group_path(world, "/direct")}"' in page
    assert f'data-live-version="{world["group_map"].content_version}"' in page
    assert "graph_label_px" not in page
    shown = visible_text(response)
    assert "2 structures" in shown
    assert "1 lien " in shown
    assert "1 contributeur " in shown
    name = world["stagiaire"].name
    latest = page.index("Dernières contributions")
    # newest on top
    assert page.index("a ajouté le lien", latest) < page.index("a ajouté CAF du Loiret", latest)
    assert f"{name} — 2 structures, 1 lien" in shown
    assert "Raccourcis clavier" in shown
    assert "Clore l'atelier" in shown
    assert "Atelier du " in page


def test_projection_says_when_the_group_has_no_active_code(client_as, world):
    client = client_as("formateur")
    post(client, f"/groupes/{world['group'].id}/code/fermer")
    shown = visible_text(client.get(group_path(world, "/projection")))
    assert "aucun code d'invitation actif" in shown
    assert "ORL-AAA-111" not in shown


def test_tour_json_lists_each_contributor_with_their_additions(client_as, world):
    trainee = client_as("stagiaire")
    for structure in (world["structure"], world["partner"]):
        post(trainee, group_path(world, "/structures"), {"structure_id": structure.id}, htmx=True)
    link = {**LINK, "source_id": world["structure"].id, "target_id": world["partner"].id}
    post(client_as("formateur"), group_path(world, "/liens"), link, htmx=True)
    body = client_as("formateur").get(group_path(world, "/projection/tour.json")).json
    assert body["version"] == world["group_map"].content_version
    first, second = body["contributors"]
    assert first["name"] == world["stagiaire"].name
    assert sorted(first["structures"]) == sorted([world["structure"].id, world["partner"].id])
    assert first["links"] == []
    assert first["caption"] == f"Tour de table : {world['stagiaire'].name} — 2 structures, 0 lien"
    assert second["links"] == [sorted([world["structure"].id, world["partner"].id])]
    assert second["summary"] == "0 structure, 1 lien"


def test_group_page_links_the_projection_for_its_formateurs_only(client_as, world):
    group_url = f"/groupes/{world['group'].id}"
    page = text(client_as("formateur").get(group_url))
    assert f'href="{group_url}/projection"' in page
    assert f'action="{group_url}/clore"' in page
    assert 'value="Atelier du ' in page
    assert "/projection" not in text(client_as("stagiaire").get(group_url))
    redirect = client_as("formateur").get(f"{group_url}/projection")
    assert redirect.status_code == 303
    assert redirect.headers["Location"].endswith(group_path(world, "/projection"))


# ----- « Clore l'atelier » ------------------------------------------------------------------------


def test_closing_without_lock_takes_a_snapshot_shown_with_the_others(client_as, world):
    fill_group_map(world)
    client = client_as("formateur")
    response = close(client, world, lock=False)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(group_path(world, "/projection"))
    snapshot = db.session.query(MapSnapshot).one()
    assert snapshot.label == "Atelier du 7 décembre 2026"
    assert len(snapshot.content["links"]) == 1
    db.session.refresh(world["group_map"])
    assert not world["group_map"].is_locked
    assert "instantané « Atelier du 7 décembre 2026 » enregistré" in text(
        client.get(group_path(world, "/projection"))
    )
    assert "Atelier du 7 décembre 2026" in text(client.get(group_path(world, "/instantanes")))


def test_closing_needs_a_label(client_as, world):
    response = close(client_as("formateur"), world, label="  ")
    assert response.status_code == 422
    assert "Donnez un nom à l'instantané" in text(response)
    assert db.session.query(MapSnapshot).count() == 0


def test_closing_from_the_group_page_comes_back_to_it(client_as, world):
    group_url = f"/groupes/{world['group'].id}"
    response = post(
        client_as("admin"),
        f"{group_url}/clore",
        {"label": "Fin de journée", "lock": "y", "next": group_url},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(group_url)
    db.session.refresh(world["group_map"])
    assert world["group_map"].is_locked
    assert world["group_map"].locked_by_id == world["admin"].id


def test_the_lock_reaches_the_live_feed(client_as, world):
    client = client_as("stagiaire")
    before = client.get(group_path(world, "/direct")).json
    assert before["locked"] is False
    close(client_as("formateur"), world)
    after = client.get(group_path(world, "/direct") + f"?depuis={before['version']}").json
    assert after["locked"] is True
    assert after["version"] == before["version"] + 1
    assert [event["who"] for event in after["events"]] == [world["formateur"].name]


# ----- the lock -----------------------------------------------------------------------------------


def editing_posts(world, link, entry):
    """Every change a member can make to the group map, with a valid form."""
    structure, partner = world["structure"], world["partner"]
    pair = {**LINK, "source_id": structure.id, "target_id": partner.id}
    return [
        ("/structures", {"structure_id": world["partner"].id, "influence": "5"}),
        (f"/structures/{entry.id}/modifier", {"influence": "1", "version": entry.version}),
        (f"/structures/{entry.id}/supprimer", {}),
        (f"/structures/{entry.id}/restaurer", {}),
        ("/liens", {**pair, "level": "1"}),
        (f"/liens/{link.id}/modifier", {**pair, "level": "1", "version": link.version}),
        (f"/liens/{link.id}/supprimer", {}),
        (f"/liens/{link.id}/restaurer", {}),
        ("/modifier", {"title": "Autre titre", "version": world["group_map"].version}),
        ("/import", {"lines": "CCAS ; CAF ; 2"}),
        ("/positions", {"positions": "{}"}),
    ]


@pytest.mark.parametrize("who", ["stagiaire", "formateur"])
def test_a_locked_map_refuses_every_change_with_who_closed_it(client_as, world, who):
    link = fill_group_map(world)
    entry = next(
        e for e in world["group_map"].live_entries if e.structure_id == world["partner"].id
    )
    close(client_as("formateur"), world)
    group_map = world["group_map"]
    db.session.refresh(group_map)
    version, title = group_map.content_version, group_map.title
    client = client_as(who)
    message = (
        f"Cette carte a été close par {world['formateur'].name} le "
        f"{live_date(group_map)} : elle n'est plus modifiable."
    )
    for suffix, data in editing_posts(world, link, entry):
        for htmx in (False, True):
            response = post(client, group_path(world, suffix), data, htmx=htmx)
            assert response.status_code == 423, (suffix, htmx, response.status_code)
            assert message in visible_text(response), (suffix, htmx)
    db.session.refresh(group_map)
    assert (group_map.content_version, group_map.title) == (version, title)
    assert len(group_map.live_links) == 1
    assert len(group_map.live_entries) == 2


def live_date(cooperation_map) -> str:
    from allervers.core.timeutil import french_date

    return french_date(cooperation_map.locked_at, "long")


def test_htmx_gets_the_notice_in_place_of_the_form_and_the_message(client_as, world):
    close(client_as("formateur"), world)
    response = post(
        client_as("stagiaire"),
        group_path(world, "/structures"),
        {"structure_id": world["partner"].id},
        htmx=True,
    )
    page = text(response)
    assert response.status_code == 423
    assert '<div id="lock-notice"' in page
    assert 'id="messages"' in page
    assert 'hx-swap-oob="true"' in page
    assert "<html" not in page


def test_a_locked_map_stays_readable_without_its_editing_panel(client_as, world):
    fill_group_map(world)
    close(client_as("formateur"), world)
    for who in ("stagiaire", "formateur", "admin"):
        response = client_as(who).get(group_path(world))
        assert response.status_code == 200
        assert 'id="ws-panel"' not in text(response)
    assert fragment(client_as("stagiaire"), group_path(world, "/liens")).status_code == 200
    # the forms' own pages say why they are closed
    assert (
        client_as("stagiaire").get(group_path(world, "/structures/formulaire")).status_code == 423
    )
    # people who could not edit it anyway still get a 404
    assert post(client_as("stagiaire_autre"), group_path(world, "/liens"), {}).status_code == 404


def test_reopening_lets_members_edit_again(client_as, world):
    close(client_as("formateur"), world)
    response = post(client_as("formateur"), group_path(world, "/rouvrir"))
    assert response.status_code == 303
    db.session.refresh(world["group_map"])
    assert not world["group_map"].is_locked
    added = post(
        client_as("stagiaire"),
        group_path(world, "/structures"),
        {"structure_id": world["partner"].id},
        htmx=True,
    )
    assert added.status_code == 200
    assert [c.name for c in live.contributions(world["group_map"])] == [world["stagiaire"].name]
    again = post(client_as("formateur"), group_path(world, "/rouvrir"))
    assert again.status_code == 303  # reopening an open map says so, changes nothing


def test_closing_twice_keeps_the_first_lock(client_as, world):
    close(client_as("formateur"), world)
    db.session.refresh(world["group_map"])
    first = world["group_map"].locked_at
    assert close(client_as("admin"), world, label="Deuxième").status_code == 303
    db.session.refresh(world["group_map"])
    assert world["group_map"].locked_at == first
    assert world["group_map"].locked_by_id == world["formateur"].id
    assert db.session.query(MapSnapshot).count() == 2


def test_copying_into_a_locked_group_map_is_refused(client_as, world):
    close(client_as("formateur"), world)
    response = post(
        client_as("stagiaire"), f"/cartes/{world['map'].id}/copier", {"group_id": world["group"].id}
    )
    assert response.status_code == 423
    db.session.refresh(world["group_map"])
    assert world["group_map"].live_links == []


def test_a_closed_map_still_takes_snapshots_from_its_page(client_as, world):
    close(client_as("formateur"), world)
    client = client_as("stagiaire")
    path = f"/cartes/{world['group_map'].id}/instantanes"
    assert "Prendre un instantané" in client.get(path).get_data(as_text=True)
    answer = post(client, path, {"label": "J+3 mois"})
    assert answer.status_code == 303
    assert db.session.query(MapSnapshot).filter_by(label="J+3 mois").count() == 1
