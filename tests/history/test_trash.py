"""The trash: deleted records listed for those who may restore them, and restoring them."""

import pytest

from allervers.directory import services as directory
from allervers.extensions import db
from allervers.initiatives import services as initiatives
from allervers.maps import services as maps
from allervers.training import services as training
from tests.helpers import fragment, post_form, text, visible_text

TITLES = {
    "old_map": "Carte ancienne",
    "link": "CCAS d'Orléans – CAF du Loiret",
    "structure": "Épicerie de Gien",
    "group_initiative": "Maraude du groupe",
    "private_initiative": "Brouillon personnel",
    "effect": "Personnes rencontrées (01/10/2026)",
    "session": "Session de Tours",
    "group": "Groupe 2 Tours",
}


@pytest.fixture
def deleted(world, make_structure, make_session, make_initiative, make_effect):
    """One deleted record of each kind, each with a different owner."""
    old_map = maps.create_map(world["stagiaire"], "Carte ancienne", None, None)
    maps.remove_map(old_map)
    maps.remove_link(world["link"])
    structure = make_structure(name="Épicerie de Gien", commune="Gien",
                               created_by_id=world["stagiaire_autre"].id)  # fmt: skip
    directory.delete_structure(structure)
    group_initiative = make_initiative(
        title="Maraude du groupe", visibility="groupe", group_id=world["group"].id
    )
    private_initiative = make_initiative(title="Brouillon personnel")
    for initiative in (group_initiative, private_initiative):
        initiatives.remove_initiative(initiative)
    shared = make_initiative(author=world["stagiaire_autre"], visibility="base")
    effect = make_effect(shared)
    initiatives.remove_effect(effect)
    session = make_session(title="Session de Tours", created_by_id=world["formateur_autre"].id)
    training.delete_session(session)
    training.delete_group(world["other_group"])
    return {"old_map": old_map, "link": world["link"], "structure": structure,
            "group_initiative": group_initiative, "private_initiative": private_initiative,
            "effect": effect, "session": session, "group": world["other_group"]}  # fmt: skip


@pytest.mark.parametrize(
    ("role", "listed"),
    [
        ("stagiaire", {"old_map", "link", "group_initiative", "private_initiative"}),
        ("stagiaire_autre", {"structure", "effect"}),
        ("referent", {"group_initiative", "effect"}),  # shared initiatives of their structure
        ("formateur", {"old_map", "link", "structure", "group_initiative"}),
        ("formateur_autre", {"structure", "session", "group"}),
        ("admin", set(TITLES) - {"private_initiative"}),  # a private draft stays its author's
    ],
)
def test_the_trash_lists_only_what_one_may_restore(client_as, deleted, role, listed):
    page = visible_text(client_as(role).get("/corbeille"))
    shown = {key for key, title in TITLES.items() if title in page}
    assert shown == listed
    if listed:
        assert page.count("Restaurer") == len(listed)


RESTORES = [
    # (what, its kind in URLs, who may restore it, who may not)
    ("old_map", "carte", "formateur", "formateur_autre"),
    ("link", "lien", "stagiaire", "stagiaire_autre"),
    ("structure", "structure", "stagiaire_autre", "stagiaire"),
    ("group_initiative", "initiative", "formateur", "formateur_autre"),
    ("private_initiative", "initiative", "stagiaire", "admin"),
    ("effect", "effet", "referent", "stagiaire"),
    ("session", "session", "formateur_autre", "formateur"),
    ("group", "groupe", "formateur_autre", "stagiaire_autre"),
]


@pytest.mark.parametrize(("what", "slug", "restorer", "outsider"), RESTORES)
def test_restore_from_the_trash(
    client_as, world, deleted, recorded, what, slug, restorer, outsider
):
    record = deleted[what]
    path = f"/corbeille/{slug}/{record.id}/restaurer"
    kind = {"carte": "map", "lien": "link", "effet": "effect", "groupe": "group"}.get(slug, slug)
    refused = post_form(client_as(outsider), path, {"next": "/corbeille"}, token_from="/")
    assert refused.status_code == 404
    db.session.refresh(record)
    assert record.is_deleted
    assert recorded(kind, record.id)[-1][0] == "delete"
    client = client_as(restorer)
    response = post_form(client, path, {"next": "/corbeille?page=1"}, token_from="/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/corbeille?page=1"
    db.session.refresh(record)
    assert not record.is_deleted
    assert recorded(kind, record.id)[-1] == ("restore", world[restorer].id, {})
    page = visible_text(client.get(response.headers["Location"]))
    assert "Restauration faite : " in page
    assert TITLES[what] not in page.split("Corbeille Les fiches supprimées")[1]


def test_a_link_whose_structure_left_the_map_waits_for_it(client_as, world):
    client = client_as("stagiaire")
    maps.remove_entry(world["entry"])  # takes the CAF off the map, with its link
    path = f"/corbeille/lien/{world['link'].id}/restaurer"
    response = post_form(client, path, {"next": "/corbeille"}, token_from="/")
    assert response.status_code == 303
    assert "Replacez d'abord les deux structures sur la carte." in text(client.get("/corbeille"))
    db.session.refresh(world["link"])
    assert world["link"].is_deleted
    entry_path = f"/corbeille/structure-de-carte/{world['entry'].id}/restaurer"
    assert post_form(client, entry_path, token_from="/").status_code == 303
    db.session.refresh(world["link"])
    assert not world["link"].is_deleted  # it came back with its structure


def test_a_merged_structure_is_not_in_the_trash(client_as, world, make_structure):
    dup = make_structure(name="CCAS d’Orleans", created_by_id=world["formateur"].id)
    plan = directory.plan_merge(world["structure"], dup)
    directory.merge_structures(plan, world["formateur"])
    client = client_as("formateur")
    assert "CCAS d’Orleans" not in visible_text(client.get("/corbeille"))
    path = f"/corbeille/structure/{dup.id}/restaurer"
    assert post_form(client, path, token_from="/").status_code == 404  # undo the merge instead


def test_the_trash_paginates_and_answers_htmx_with_a_fragment(client_as, world, make_structure):
    for number in range(23):
        structure = make_structure(name=f"Structure {number:02d}", commune=f"Ville {number}",
                                   created_by_id=world["stagiaire_autre"].id)  # fmt: skip
        directory.delete_structure(structure)
    client = client_as("stagiaire_autre")
    first = client.get("/corbeille")
    assert "<html" in text(first)
    assert "Page 1 sur 2" in text(first)
    assert text(first).count(">Restaurer<") == 20
    second = fragment(client, "/corbeille?page=2")
    assert "<html" not in text(second)
    assert "HX-Request" in second.headers["Vary"]
    assert text(second).count(">Restaurer<") == 3
    assert "Structure 00" in text(second)  # the first deleted, last listed
    assert 'name="next" value="/corbeille?page=2"' in text(second)


def test_the_trash_is_empty_for_a_newcomer(client_as, world):
    page = visible_text(client_as("referent").get("/corbeille"))
    assert "La corbeille est vide" in page
    assert "Corbeille" in visible_text(client_as("referent").get("/"))  # in the menu


# ----- deleting sessions and groups ---------------------------------------------------------------


def test_a_formateur_may_not_delete_a_session_with_another_trainers_group(client_as, world):
    client, session = client_as("formateur"), world["session"]
    assert "Supprimer la session" not in text(client.get(f"/sessions/{session.id}"))
    path = f"/sessions/{session.id}/supprimer"
    assert client.get(path).status_code == 404
    assert post_form(client, path, token_from="/").status_code == 404
    db.session.refresh(session)
    assert not session.is_deleted


def test_a_session_is_deleted_after_a_confirmation_then_undone(client_as, world):
    client, session = client_as("admin"), world["session"]
    path = f"/sessions/{session.id}/supprimer"
    assert f'href="{path}">Supprimer la session</a>' in text(client.get(f"/sessions/{session.id}"))
    confirm = visible_text(client.get(path))
    assert (
        "Supprimer la session « La pratique de l'Aller Vers les publics – module 2 » ?" in confirm
    )
    assert "ni ses 2 groupes" in confirm
    db.session.refresh(session)
    assert not session.is_deleted  # asking changes nothing
    response = post_form(client, path, token_from=path)
    assert response.status_code == 303
    assert response.headers["Location"] == "/sessions"
    listing = text(client.get("/sessions"))
    assert "La session « La pratique de l'Aller Vers les publics – module 2 » a été supprimée." in (
        listing
    )
    undo = f"/corbeille/session/{session.id}/restaurer"
    assert f'action="{undo}"' in listing
    assert client.get(f"/sessions/{session.id}").status_code == 404
    assert client_as("stagiaire").get(f"/groupes/{world['group'].id}").status_code == 404
    restored = post_form(client, undo, token_from="/", htmx=True)
    assert restored.status_code == 204  # the undo button swaps nothing: the page is reloaded
    assert restored.headers["HX-Redirect"] == f"/sessions/{session.id}"
    assert client_as("stagiaire").get(f"/groupes/{world['group'].id}").status_code == 200


@pytest.mark.parametrize("role", ["stagiaire", "referent", "formateur_sans_groupe"])
def test_only_admins_and_the_session_trainers_delete_it(client_as, world, make_user, role):
    session = world["session"]
    if role == "formateur_sans_groupe":
        world[role] = make_user("formateur")
    client = client_as(role)
    path = f"/sessions/{session.id}/supprimer"
    assert client.get(path).status_code == 404
    assert post_form(client, path, token_from="/").status_code == 404
    db.session.refresh(session)
    assert not session.is_deleted
    assert "Supprimer la session" not in text(client.get(f"/sessions/{session.id}"))


def test_a_group_is_deleted_by_its_trainer_and_restored_from_the_trash(client_as, world):
    group = world["group"]
    path = f"/groupes/{group.id}/supprimer"
    outsider = client_as("formateur_autre")
    assert outsider.get(path).status_code == 404
    assert post_form(outsider, path, token_from="/").status_code == 404
    client = client_as("formateur")
    assert "Supprimer le groupe « Groupe 1 Orléans » ?" in visible_text(client.get(path))
    response = post_form(client, path, token_from=path)
    assert response.headers["Location"] == f"/sessions/{world['session'].id}"
    assert "Le groupe « Groupe 1 Orléans » a été supprimé." in text(
        client.get(response.headers["Location"])
    )
    assert client_as("stagiaire").get(f"/groupes/{group.id}").status_code == 404
    joining = post_form(client_as("stagiaire_autre"), "/rejoindre", {"code": "ORLAAA111"},
                        token_from="/")  # fmt: skip
    assert "Ce code d'invitation n'existe pas" in text(joining)
    restore = f"/corbeille/groupe/{group.id}/restaurer"
    assert post_form(client_as("stagiaire"), restore, token_from="/").status_code == 404
    assert "Groupe 1 Orléans" in visible_text(client.get("/corbeille"))
    assert post_form(client, restore, token_from="/").status_code == 303
    assert client_as("stagiaire").get(f"/groupes/{group.id}").status_code == 200
