"""The map editor: structures on the map, links, their rules, undo and permissions."""

import pytest
from sqlalchemy import select

from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry
from tests.helpers import post_form, text

LINK = {"status": "existant", "level": "3", "direction": "mutuel", "frequency": "mensuelle"}


def owner(client_as):
    return client_as("stagiaire")


def post(client, path, data=None, htmx=False):
    return post_form(client, path, data or {}, htmx=htmx, token_from="/")


def live_links(cooperation_map) -> list[CooperationLink]:
    db.session.refresh(cooperation_map)
    return cooperation_map.live_links


# ----- maps -----------------------------------------------------------------------------------


def test_new_map_starts_with_my_structure(client_as, world):
    client = owner(client_as)
    assert f'<option selected value="{world["structure"].id}">' in text(
        client.get("/cartes/nouvelle")
    )
    response = post(
        client,
        "/cartes/nouvelle",
        {
            "title": "Réseau du CCAS",
            "territory": "Orléans",
            "focal_structure_id": world["structure"].id,
        },
    )
    assert response.status_code == 303
    created = db.session.scalar(
        select(CooperationMap).where(CooperationMap.title == "Réseau du CCAS")
    )
    assert [e.structure_id for e in created.live_entries] == [world["structure"].id]
    assert created.owner_id == world["stagiaire"].id


def test_map_needs_a_title(client_as, world):
    response = post(owner(client_as), "/cartes/nouvelle", {"title": " ", "territory": "Gien"})
    assert response.status_code == 422
    assert "Donnez un titre à la carte." in text(response)
    assert 'value="Gien"' in text(response)


def test_editor_tells_the_owner_trainers_can_read(client_as, world):
    page = text(owner(client_as).get(f"/cartes/{world['map'].id}"))
    assert "les formateurs de vos groupes peuvent la consulter" in page
    assert "Ajouter une structure" in page
    trainer = text(client_as("formateur").get(f"/cartes/{world['map'].id}"))
    assert f"Carte de {world['stagiaire'].name} (consultation)" in trainer
    assert "Ajouter une structure" not in trainer
    assert "CAF du Loiret" in text(
        client_as("formateur").get(f"/cartes/{world['map'].id}/structures")
    )


# ----- structures on the map ------------------------------------------------------------------


def test_add_an_existing_structure_with_htmx(client_as, world, make_structure):
    mission = make_structure(name="Mission locale de l'Orléanais", typology="ML")
    response = post(
        owner(client_as),
        f"/cartes/{world['map'].id}/structures",
        {"structure_id": mission.id, "influence": "3", "position": "favorable"},
        htmx=True,
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "mapChanged, entriesChanged"
    assert text(response).lstrip().startswith('<form id="entry-form"')
    assert "Structure ajoutée : Mission locale de l'Orléanais" in text(response)
    assert 'id="entry-q"' in text(response)
    assert "autofocus" in text(response)
    entry = db.session.scalar(select(MapEntry).where(MapEntry.structure_id == mission.id))
    assert (entry.influence, entry.position) == (3, "favorable")


def test_add_without_javascript_redirects(client_as, world, make_structure):
    other = make_structure(name="Secours populaire", commune="Gien", typology="ASSO")
    response = post(
        owner(client_as), f"/cartes/{world['map'].id}/structures", {"structure_id": other.id}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cartes/{world['map'].id}"


def test_search_finds_structures_without_accents(client_as, world, make_structure):
    make_structure(name="Épicerie solidaire de Briare", commune="Briare", typology="ES")
    client = owner(client_as)
    results = client.get(
        f"/cartes/{world['map'].id}/structures/recherche?q=epicerie briare",
        headers={"HX-Request": "true"},
    )
    assert "Épicerie solidaire de Briare" in text(results)
    assert "<html" not in text(results)


def test_typed_name_without_javascript_shows_matches(client_as, world):
    response = post(owner(client_as), f"/cartes/{world['map'].id}/structures", {"q": "caf loiret"})
    assert response.status_code == 422
    assert "Choisissez la structure dans la liste" in text(response)
    assert f"structure_id={world['partner'].id}" in text(response)


def test_create_a_structure_inline(client_as, world):
    data = {"new_name": "Association Le Relais", "new_commune": "Gien", "new_typology": "ASSO"}
    response = post(owner(client_as), f"/cartes/{world['map'].id}/structures", data, htmx=True)
    assert response.status_code == 200
    structure = db.session.scalar(
        select(Structure).where(Structure.name == "Association Le Relais")
    )
    assert structure.created_by_id == world["stagiaire"].id
    assert structure.sector == "caritatif"
    again = post(
        owner(client_as),
        f"/cartes/{world['map'].id}/structures",
        {"new_name": "association le relais", "new_commune": "GIEN"},
    )
    assert again.status_code == 303
    assert len(db.session.scalars(select(Structure).where(Structure.commune == "Gien")).all()) == 1


def test_new_structure_needs_a_commune(client_as, world):
    response = post(
        owner(client_as), f"/cartes/{world['map'].id}/structures", {"new_name": "Association X"}
    )
    assert response.status_code == 422
    assert "Indiquez la commune de la nouvelle structure." in text(response)
    assert 'value="Association X"' in text(response)


@pytest.mark.parametrize(("field", "value"), [("influence", "7"), ("position", "hostile")])
def test_values_outside_the_vocabularies_are_refused(client_as, world, field, value):
    data = {"structure_id": world["partner"].id, field: value}
    response = post(owner(client_as), f"/cartes/{world['map'].id}/structures", data)
    assert response.status_code == 422
    assert "choix" in text(response).lower()
    db.session.refresh(world["entry"])
    assert world["entry"].influence == 4


def test_note_with_personal_data_needs_confirmation(client_as, world):
    client = owner(client_as)
    data = {"structure_id": world["partner"].id, "note": "Rappeler Mme X au 06 12 34 56 78"}
    path = f"/cartes/{world['map'].id}/structures/{world['entry'].id}/modifier"
    refused = post(client, path, {**data, "version": world["entry"].version})
    assert refused.status_code == 422
    assert "un numéro de téléphone" in text(refused)
    assert "Je confirme que ce texte ne permet d'identifier aucune personne" in text(refused)
    db.session.refresh(world["entry"])
    assert world["entry"].note is None
    accepted = post(
        client, path, {**data, "version": world["entry"].version, "confirm_no_personal_data": "y"}
    )
    assert accepted.status_code == 303
    db.session.refresh(world["entry"])
    assert world["entry"].note == data["note"]


def test_edit_entry_conflict_keeps_both_versions(client_as, world):
    entry, path = (
        world["entry"],
        f"/cartes/{world['map'].id}/structures/{world['entry'].id}/modifier",
    )
    seen = entry.version
    first = post(owner(client_as), path, {"influence": "5", "version": seen})
    assert first.status_code == 303
    second = post(owner(client_as), path, {"influence": "1", "version": seen}, htmx=True)
    assert second.status_code == 409
    assert "Quelqu'un a modifié cette fiche" in text(second)
    assert "Valeur enregistrée entre-temps : « 5 »" in text(second)
    db.session.refresh(entry)
    assert entry.influence == 5


def test_remove_a_structure_takes_its_links_and_undo_restores_them(client_as, world):
    client, cooperation_map = owner(client_as), world["map"]
    base = f"/cartes/{cooperation_map.id}/structures/{world['entry'].id}"
    response = post(client, f"{base}/supprimer", htmx=True)
    assert response.status_code == 200
    assert "Annuler" in text(response)
    assert f"{base}/restaurer" in text(response)
    assert live_links(cooperation_map) == []
    assert len(cooperation_map.live_entries) == 1
    post(client, f"{base}/restaurer", htmx=True)
    assert [link.id for link in live_links(cooperation_map)] == [world["link"].id]


# ----- links ----------------------------------------------------------------------------------


def link_data(world, **overrides) -> dict:
    return {
        "source_id": world["structure"].id,
        "target_id": world["partner"].id,
        **LINK,
        "version": world["link"].version,
        **overrides,
    }


def test_adding_a_pair_again_edits_the_existing_link(client_as, world):
    reverse = link_data(
        world, source_id=world["partner"].id, target_id=world["structure"].id, level="4"
    )
    response = post(owner(client_as), f"/cartes/{world['map'].id}/liens", reverse, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "mapChanged"
    assert "mis à jour" in text(response)
    links = live_links(world["map"])
    assert [(link.id, link.level) for link in links] == [(world["link"].id, 4)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target_id": "SAME"}, "Un lien relie deux structures différentes."),
        ({"status": "souhaite"}, "Un lien souhaité n'a pas encore de niveau"),
        ({"status": "souhaite", "level": ""}, "Indiquez le niveau de coopération souhaité."),
        ({"level": ""}, "Indiquez le niveau actuel de cette coopération."),
        ({"level": "9"}, "choix"),
        ({"status": "ami"}, "choix"),
        ({"direction": "b_vers_a"}, "choix"),
        ({"frequency": "annuelle"}, "choix"),
        ({"feasibility": "certaine"}, "choix"),
        ({"trust_reliability": "5"}, "choix"),
        ({"resources": "or"}, "choix"),
        ({"publics": "tous"}, "choix"),
    ],
)
def test_link_rules(client_as, world, overrides, message):
    if overrides.get("target_id") == "SAME":
        overrides["target_id"] = world["structure"].id
    data = link_data(world, note="Note gardée", **overrides)
    response = post(owner(client_as), f"/cartes/{world['map'].id}/liens", data, htmx=True)
    assert response.status_code == 422
    assert message.lower() in text(response).lower()
    assert "Note gardée" in text(response)
    db.session.refresh(world["link"])
    assert (world["link"].level, world["link"].status) == (2, "existant")


def test_link_needs_both_structures_on_the_map(client_as, world, make_structure):
    outsider = make_structure(name="Hors carte", typology="ASSO")
    data = link_data(world, target_id=outsider.id)
    response = post(owner(client_as), f"/cartes/{world['map'].id}/liens", data)
    assert response.status_code == 422  # not among the map's structures


def test_wished_link_with_need_and_possibility(client_as, world, make_structure):
    client, cooperation_map = owner(client_as), world["map"]
    mission = make_structure(name="Mission locale", typology="ML")
    post(client, f"/cartes/{cooperation_map.id}/structures", {"structure_id": mission.id})
    data = {
        "source_id": world["structure"].id,
        "target_id": mission.id,
        "status": "souhaite",
        "direction": "mutuel",
        "desired_level": "3",
        "feasibility": "possible",
        "obstacles": "Pas de temps dédié",
        "resources": ["personnel"],
        "publics": ["jeunes"],
        "trust_dialogue": "3",
    }
    response = post(client, f"/cartes/{cooperation_map.id}/liens", data)
    assert response.status_code == 303
    link = next(
        lk for lk in live_links(cooperation_map) if mission.id in (lk.source_id, lk.target_id)
    )
    assert (link.level, link.desired_level, link.feasibility) == (None, 3, "possible")
    assert (link.resources, link.publics, link.trust_dialogue) == (["personnel"], ["jeunes"], 3)
    assert "Pas de temps dédié" in text(client.get(f"/cartes/{cooperation_map.id}/liens"))


def test_concurrent_link_edits_conflict(client_as, world):
    client, path = owner(client_as), f"/cartes/{world['map'].id}/liens/{world['link'].id}/modifier"
    seen = world["link"].version
    assert post(client, path, link_data(world, level="4", version=seen)).status_code == 303
    second = post(client, path, link_data(world, level="1", version=seen), htmx=True)
    assert second.status_code == 409
    assert "Valeur enregistrée entre-temps : « 4 »" in text(second)
    db.session.refresh(world["link"])
    assert world["link"].level == 4


def test_delete_link_and_undo(client_as, world):
    client, base = owner(client_as), f"/cartes/{world['map'].id}/liens/{world['link'].id}"
    response = post(client, f"{base}/supprimer", htmx=True)
    assert "Lien supprimé : CCAS" in text(response)
    assert f"{base}/restaurer" in text(response)
    assert live_links(world["map"]) == []
    restored = post(client, f"{base}/restaurer")
    assert restored.status_code == 303
    assert restored.headers["Location"] == f"/cartes/{world['map'].id}/liens"  # back to the list
    assert len(live_links(world["map"])) == 1


def test_edit_form_is_a_fragment(client_as, world):
    path = f"/cartes/{world['map'].id}/liens/{world['link'].id}/modifier"
    fragment = owner(client_as).get(path, headers={"HX-Request": "true"})
    assert text(fragment).lstrip().startswith('<form id="link-form"')
    assert "Modifier le lien" in text(fragment)
    assert f'<option value="{world["structure"].id}" selected>' in text(fragment)
    assert f'<option value="{world["partner"].id}" selected>' in text(fragment)


# ----- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["formateur", "admin", "stagiaire_autre", "referent"])
def test_only_the_owner_changes_a_personal_map(client_as, world, who):
    client = client_as(who)
    base = f"/cartes/{world['map'].id}"
    assert post(client, f"{base}/liens", link_data(world, level="5")).status_code == 404
    assert post(client, f"{base}/liens/{world['link'].id}/supprimer").status_code == 404
    assert post(client, f"{base}/structures/{world['entry'].id}/supprimer").status_code == 404
    assert post(client, f"{base}/supprimer").status_code == 404
    db.session.refresh(world["link"])
    assert (world["link"].level, world["link"].deleted_at) == (2, None)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("stagiaire", True),
        ("formateur", True),
        ("formateur_autre", False),
        ("stagiaire_autre", False),
        ("admin", False),
    ],
)
def test_group_map_is_edited_by_members_and_trainers(client_as, world, who, allowed):
    path = f"/cartes/{world['group_map'].id}/structures"
    response = post(client_as(who), path, {"structure_id": world["partner"].id})
    assert response.status_code == (303 if allowed else 404)


def test_copy_my_map_into_the_group_map(client_as, world):
    client = owner(client_as)
    response = post(client, f"/cartes/{world['map'].id}/copier", {"group_id": world["group"].id})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cartes/{world['group_map'].id}"
    group_map = world["group_map"]
    db.session.refresh(group_map)
    assert {e.structure_id for e in group_map.live_entries} == {
        world["structure"].id,
        world["partner"].id,
    }
    assert len(group_map.live_links) == 1
    again = post(client, f"/cartes/{world['map'].id}/copier", {"group_id": world["group"].id})
    assert "1 lien déjà présent laissé tel quel" in text(client.get(again.headers["Location"]))
    assert len(live_links(group_map)) == 1
    refused = post(
        client, f"/cartes/{world['map'].id}/copier", {"group_id": world["other_group"].id}
    )
    assert "Choisissez l'un de vos groupes." in text(client.get(refused.headers["Location"]))


def test_delete_map_and_undo(client_as, world):
    client = owner(client_as)
    response = post(client, f"/cartes/{world['map'].id}/supprimer")
    assert response.status_code == 303
    assert "Annuler" in text(client.get("/cartes"))
    assert client.get(f"/cartes/{world['map'].id}").status_code == 404
    post(client, f"/cartes/{world['map'].id}/restaurer")
    assert client.get(f"/cartes/{world['map'].id}").status_code == 200


def test_group_page_leads_to_the_maps(client_as, world):
    trainer_view = text(client_as("formateur").get(f"/groupes/{world['group'].id}"))
    assert f"/groupes/{world['group'].id}/carte" in trainer_view
    assert f'href="/cartes/{world["map"].id}"' in trainer_view  # the trainee's map
    other_trainer = text(client_as("formateur_autre").get(f"/groupes/{world['group'].id}"))
    assert f'href="/cartes/{world["map"].id}"' not in other_trainer
    assert f'href="/cartes/{world["map"].id}"' in text(client_as("stagiaire").get("/"))


def test_every_change_bumps_the_content_version_not_the_edit_version(client_as, world):
    cooperation_map = world["map"]
    before = (cooperation_map.content_version, cooperation_map.version)
    post(owner(client_as), f"/cartes/{cooperation_map.id}/liens", link_data(world, level="5"))
    db.session.refresh(cooperation_map)
    assert cooperation_map.content_version == before[0] + 1
    assert cooperation_map.version == before[1]  # renaming the map meanwhile does not conflict
    post(owner(client_as), f"/cartes/{cooperation_map.id}/liens/{world['link'].id}/supprimer")
    db.session.refresh(cooperation_map)
    assert cooperation_map.content_version == before[0] + 2
