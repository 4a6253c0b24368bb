"""The action plan (from the gaps of a map to the review) and the practice journal."""

import pytest
from flask import render_template

from allervers.analysis.services import analyse_map, take_snapshot
from allervers.extensions import db
from allervers.followup import plans
from allervers.followup.models import Action, JournalNote
from allervers.initiatives.services import create_initiative
from allervers.maps import services as maps
from tests.followup.journal_pages import personal_action
from tests.helpers import fragment, text
from tests.helpers import post_form as post_with_token

OTHERS = ("stagiaire_autre", "referent", "formateur_autre")


def post_form(client, path: str, data: dict | None = None, **kwargs):
    """Signed-in clients take the token from the home page (sign-in redirects them)."""
    return post_with_token(client, path, data, token_from="/", **kwargs)


def action_data(world, **overrides) -> dict:
    return {
        "structure_id": world["partner"].id,
        "target_level": "4",
        "description": "Tenir une permanence commune avec la CAF",
        "who": "L'équipe de prévention",
        "due_on": "2026-12-15",
        "status": "prevue",
        "group_id": "",
        **overrides,
    }


def group_action(world) -> Action:
    fields = {
        "structure_id": world["partner"].id,
        "target_level": 3,
        "description": "Se coordonner avec la CAF",
        "status": "en_cours",
        "group_id": world["group"].id,
    }
    return plans.create_action(world["formateur"], fields)


def wish_level_4(world) -> None:
    maps.save_link(
        world["map"],
        world["structure"].id,
        world["partner"].id,
        {"level": 2, "status": "existant", "desired_level": 4},
    )


# ----- the list --------------------------------------------------------------------------------


def test_plan_lists_own_and_group_actions_by_status(client_as, world):
    personal_action(world)
    group_action(world)
    client = client_as("stagiaire")
    page = text(client.get("/plan-d-action"))
    assert "Atteindre le niveau 4 avec CAF du Loiret" in page
    assert "Se coordonner avec la CAF" in page
    assert "Groupe · Groupe 1 Orléans" in page
    assert "En cours (1)" in page
    filtered = fragment(client, "/plan-d-action?statut=en_cours")
    assert "<html" not in text(filtered)
    assert "Se coordonner avec la CAF" in text(filtered)
    assert "Atteindre le niveau 4" not in text(filtered)
    other = text(client_as("stagiaire_autre").get("/plan-d-action"))
    assert "CAF" not in other


def test_plan_paginates(app, client_as, world):
    app.config["PER_PAGE"] = 2
    for number in range(3):
        plans.create_action(world["stagiaire"], {"description": f"Action {number}"})
    client = client_as("stagiaire")
    assert "Page 1 sur 2" in text(client.get("/plan-d-action"))
    assert "Action 2" in text(client.get("/plan-d-action?page=2"))


# ----- creating, from a gap or from scratch ---------------------------------------------------


def test_gap_link_prefills_the_form(app, client_as, world):
    wish_level_4(world)
    gap = next(iter(analyse_map(world["map"]).gaps))
    with app.test_request_context():
        link = render_template(
            "followup/plans/_from_gap.html", cooperation_map=world["map"], gap=gap
        )
    assert "Ajouter au plan d'action" in link
    assert f"carte={world['map'].id}" in link
    client = client_as("stagiaire")
    # Either direction: the partner is the structure that is not the map's focal one.
    for source, target in (
        (world["structure"], world["partner"]),
        (world["partner"], world["structure"]),
    ):
        path = f"/plan-d-action/nouvelle?carte={world['map'].id}&de={source.id}&vers={target.id}"
        page = text(client.get(path))
        assert "Atteindre le niveau 4 avec CAF du Loiret" in page
        assert f'<option selected value="{world["partner"].id}">' in page
        assert '<option selected value="4">' in page
        assert f'name="map_id" type="hidden" value="{world["map"].id}"' in page


def test_prefill_without_a_focal_structure_takes_the_target(world, make_structure):
    first, second = make_structure(name="Mairie"), make_structure(name="Épicerie sociale")
    loose = maps.create_map(world["stagiaire"], "Sans centre", None, None)
    maps.add_entry(loose, first, {})
    maps.add_entry(loose, second, {})
    maps.save_link(loose, first.id, second.id, {"status": "souhaite", "desired_level": 1})
    prefill = plans.prefill_from_gap(loose, first.id, second.id)
    assert (prefill.structure_id, prefill.target_level) == (second.id, 1)
    assert prefill.description == "Atteindre le niveau 1 avec Épicerie sociale"


def test_gap_prefill_needs_a_visible_map(client_as, world):
    path = f"/plan-d-action/nouvelle?carte={world['map'].id}"
    assert client_as("stagiaire_autre").get(path).status_code == 404


def test_create_an_action_from_a_gap(client_as, world):
    client = client_as("stagiaire")
    response = post_form(
        client, "/plan-d-action/nouvelle", action_data(world, map_id=world["map"].id)
    )
    assert response.status_code == 303
    action = db.session.scalars(db.select(Action)).one()
    assert (action.owner_id, action.group_id) == (world["stagiaire"].id, None)
    assert (action.map_id, action.structure_id, action.target_level) == (
        world["map"].id,
        world["partner"].id,
        4,
    )
    assert action.created_by_id == world["stagiaire"].id
    assert "L'action est dans le plan." in text(client.get(response.headers["Location"]))


def test_bad_input_is_refused_with_the_values_kept(client_as, world):
    client = client_as("stagiaire")
    data = action_data(world, description="", target_level="9", due_on="pas une date")
    response = post_form(client, "/plan-d-action/nouvelle", data)
    assert response.status_code == 422
    page = text(response)
    assert "Décrivez l'action en une phrase." in page
    assert "Choisissez le niveau de coopération visé (0 à 5)." in page
    assert 'value="L\'équipe de prévention"' in page
    assert 'value="pas une date"' in page
    assert db.session.scalar(db.select(db.func.count(Action.id))) == 0


def test_partner_and_group_must_be_mine(client_as, world, make_structure):
    stranger = make_structure(name="Mission locale de Tours")
    client = client_as("stagiaire")
    data = action_data(world, structure_id=stranger.id, group_id=world["other_group"].id)
    response = post_form(client, "/plan-d-action/nouvelle", data)
    assert response.status_code == 422
    assert "Choisissez le partenaire parmi les structures de vos cartes." in text(response)
    assert "Choisissez l'un de vos groupes, ou une action personnelle." in text(response)


def test_personal_data_needs_a_confirmation(client_as, world):
    client = client_as("stagiaire")
    data = action_data(world, who="Mme Martin, 06 12 34 56 78")
    response = post_form(client, "/plan-d-action/nouvelle", data)
    assert response.status_code == 422
    assert "confirm_no_personal_data" in text(response)
    assert db.session.scalar(db.select(db.func.count(Action.id))) == 0
    data["confirm_no_personal_data"] = "y"
    assert post_form(client, "/plan-d-action/nouvelle", data).status_code == 303


def test_a_group_action_belongs_to_the_group(client_as, world):
    client = client_as("stagiaire")
    data = action_data(world, group_id=world["group"].id)
    assert post_form(client, "/plan-d-action/nouvelle", data).status_code == 303
    action = db.session.scalars(db.select(Action)).one()
    assert (action.owner_id, action.group_id) == (None, world["group"].id)
    assert "Action du groupe Groupe 1 Orléans" in text(client.get(f"/plan-d-action/{action.id}"))


# ----- who sees and edits what ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "show", "edit"),
    [
        ("stagiaire", 200, 200),
        ("formateur", 200, 404),
        ("admin", 200, 404),
        *((role, 404, 404) for role in OTHERS),
    ],
)
def test_personal_action_visibility(client_as, world, role, show, edit):
    action = personal_action(world)
    client = client_as(role)
    assert client.get(f"/plan-d-action/{action.id}").status_code == show
    assert client.get(f"/plan-d-action/{action.id}/modifier").status_code == edit
    response = post_form(client, f"/plan-d-action/{action.id}/statut", {"status": "faite"})
    assert response.status_code == (303 if edit == 200 else 404)


def test_admins_may_not_change_a_personal_action(client_as, world):
    """A trainee's own commitment is hers alone, as her journal is: an admin reads it, never
    edits, closes, deletes or restores it."""
    action = personal_action(world)
    admin = client_as("admin")
    page = text(admin.get(f"/plan-d-action/{action.id}"))
    assert "Atteindre le niveau 4 avec CAF du Loiret" in page
    assert f"/plan-d-action/{action.id}/modifier" not in page
    assert f"/plan-d-action/{action.id}/supprimer" not in page
    data = action_data(world, description="Réécrite par l'admin", version=action.version)
    for path, form in (
        (f"/plan-d-action/{action.id}/modifier", data),
        (f"/plan-d-action/{action.id}/statut", {"status": "abandonnee"}),
        (f"/plan-d-action/{action.id}/supprimer", {}),
    ):
        assert post_form(admin, path, form).status_code == 404, path
    db.session.refresh(action)
    assert (action.description, action.status, action.deleted_at) == (
        "Atteindre le niveau 4 avec CAF du Loiret",
        "prevue",
        None,
    )
    plans.remove_action(action)
    assert post_form(admin, f"/plan-d-action/{action.id}/restaurer").status_code == 404
    db.session.refresh(action)
    assert action.is_deleted


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("stagiaire", True), ("formateur", True), ("admin", True), *((r, False) for r in OTHERS)],
)
def test_group_action_visibility(client_as, world, role, allowed):
    action = group_action(world)
    client = client_as(role)
    expected = 200 if allowed else 404
    assert client.get(f"/plan-d-action/{action.id}").status_code == expected
    assert client.get(f"/plan-d-action/{action.id}/modifier").status_code == expected
    response = post_form(client, f"/plan-d-action/{action.id}/supprimer")
    assert response.status_code == (303 if allowed else 404)


# ----- editing, conflicts, status, deleting ---------------------------------------------------


def test_edit_with_a_review_note(client_as, world):
    action = personal_action(world)
    client = client_as("stagiaire")
    form = text(client.get(f"/plan-d-action/{action.id}/modifier"))
    assert "Bilan" in form
    data = action_data(world, status="faite", review_note="Permanence tenue deux fois.")
    data["version"] = action.version
    response = post_form(client, f"/plan-d-action/{action.id}/modifier", data)
    assert response.status_code == 303
    db.session.refresh(action)
    assert (action.status, action.review_note) == ("faite", "Permanence tenue deux fois.")
    assert action.map_id == world["map"].id  # where it came from does not change
    assert "Permanence tenue deux fois." in text(client.get(f"/plan-d-action/{action.id}"))


def test_edit_refused_keeps_values_and_conflict_keeps_both(client_as, world):
    action = personal_action(world)
    client = client_as("stagiaire")
    stale = action.version
    path = f"/plan-d-action/{action.id}/modifier"
    refused = post_form(client, path, action_data(world, description="", version=stale))
    assert refused.status_code == 422
    assert 'value="L\'équipe de prévention"' in text(refused)
    plans.update_action(action, {"who": "La directrice"}, world["stagiaire"], stale)
    data = action_data(world, who="Le chef de service", version=stale)
    response = post_form(client, path, data)
    assert response.status_code == 409
    page = text(response)
    assert "Quelqu'un a modifié cette fiche" in page
    assert 'value="Le chef de service"' in page
    assert "Valeur enregistrée entre-temps : « La directrice »" in page
    db.session.refresh(action)
    assert action.who == "La directrice"


def test_status_change(client_as, world):
    action = personal_action(world)
    client = client_as("stagiaire")
    response = post_form(client, f"/plan-d-action/{action.id}/statut", {"status": "en_cours"})
    assert response.status_code == 303
    db.session.refresh(action)
    assert action.status == "en_cours"
    bad = post_form(client, f"/plan-d-action/{action.id}/statut", {"status": "oubliee"})
    assert bad.status_code == 303
    db.session.refresh(action)
    assert action.status == "en_cours"


def test_delete_then_undo(client_as, world):
    action = personal_action(world)
    client = client_as("stagiaire")
    response = post_form(client, f"/plan-d-action/{action.id}/supprimer")
    assert response.status_code == 303
    listing = text(client.get(response.headers["Location"]))
    assert "L'action a été retirée du plan." in listing
    assert f"/plan-d-action/{action.id}/restaurer" in listing
    assert client.get(f"/plan-d-action/{action.id}").status_code == 404
    assert (
        post_form(client_as("formateur"), f"/plan-d-action/{action.id}/restaurer").status_code
        == 404
    )
    undo = post_form(client, f"/plan-d-action/{action.id}/restaurer", htmx=True)
    assert undo.status_code == 204
    assert undo.headers["HX-Redirect"] == f"/plan-d-action/{action.id}"
    assert client.get(f"/plan-d-action/{action.id}").status_code == 200


# ----- the review: what moved on the map ------------------------------------------------------


def test_review_shows_the_current_level_and_the_comparison(client_as, world):
    action = personal_action(world)
    client = client_as("formateur")
    page = text(client.get(f"/plan-d-action/{action.id}"))
    assert "niveau 2 – Orienter" in page
    assert "Niveau visé : 4." in page
    assert "Aucun instantané de cette carte" in page
    snapshot = take_snapshot(world["map"], "Avant la formation", world["stagiaire"])
    maps.save_link(
        world["map"], world["structure"].id, world["partner"].id, {"level": 4, "status": "existant"}
    )
    page = text(client.get(f"/plan-d-action/{action.id}"))
    assert f"/cartes/{world['map'].id}/comparaison?avant={snapshot.id}" in page
    assert "Objectif atteint." in page
    as_fragment = fragment(client, f"/plan-d-action/{action.id}")
    assert "<html" not in text(as_fragment)
    assert "Bilan : ce qui a bougé" in text(as_fragment)


def test_action_counts_for_the_dashboard(world):
    personal_action(world)
    done = personal_action(world)
    plans.set_status(done, "faite")
    plans.remove_action(personal_action(world))
    group_action(world)
    counts = plans.action_counts([world["stagiaire"].id, world["stagiaire_autre"].id])
    assert counts[world["stagiaire"].id] == {
        "prevue": 1,
        "en_cours": 0,
        "faite": 1,
        "abandonnee": 0,
    }
    assert sum(counts[world["stagiaire_autre"].id].values()) == 0


# ----- the practice journal -------------------------------------------------------------------


def write_note(client, world, **overrides):
    data = {"text": "Première maraude avec la CAF : accueil froid.", **overrides}
    return post_form(client, "/journal/nouvelle", data)


def test_a_note_is_private_by_default(client_as, world):
    client = client_as("stagiaire")
    assert write_note(client, world, structure_id=world["partner"].id).status_code == 303
    note = db.session.scalars(db.select(JournalNote)).one()
    assert (note.author_id, note.shared_with_trainers) == (world["stagiaire"].id, False)
    mine = text(client.get("/journal"))
    assert "accueil froid" in mine
    assert "Privée" in mine
    group_page = f"/groupes/{world['group'].id}/journal"
    for role in ("formateur", "admin"):
        assert "accueil froid" not in text(client_as(role).get(group_page))
        assert "accueil froid" not in text(client_as(role).get("/journal"))
    for role in ("formateur", "admin", "stagiaire_autre"):
        assert client_as(role).get(f"/journal/{note.id}/modifier").status_code == 404


def test_a_shared_note_reaches_the_groups_formateur_only(client_as, world):
    client = client_as("stagiaire")
    write_note(client, world, shared_with_trainers="y")
    group_page = f"/groupes/{world['group'].id}/journal"
    for role in ("formateur", "admin"):
        page = text(client_as(role).get(group_page))
        assert "accueil froid" in page
        assert world["stagiaire"].name in page
    for role in ("formateur_autre", "stagiaire", "stagiaire_autre", "referent"):
        assert client_as(role).get(group_page).status_code == 404
    other_page = f"/groupes/{world['other_group'].id}/journal"
    assert "accueil froid" not in text(client_as("formateur_autre").get(other_page))
    assert plans.shared_note_counts([world["stagiaire"].id, world["stagiaire_autre"].id]) == {
        world["stagiaire"].id: 1,
        world["stagiaire_autre"].id: 0,
    }


def test_note_tied_to_an_initiative(client_as, world):
    mine = create_initiative(world["stagiaire"], {"title": "Présence au marché"})
    hidden = create_initiative(world["stagiaire_autre"], {"title": "Brouillon privé"})
    client = client_as("stagiaire")
    form = text(client.get("/journal/nouvelle"))
    assert "Présence au marché" in form
    assert "Brouillon privé" not in form
    refused = write_note(client, world, initiative_id=hidden.id)
    assert refused.status_code == 422
    assert "Choisissez une initiative de la liste." in text(refused)
    assert write_note(client, world, initiative_id=mine.id).status_code == 303
    assert "Présence au marché" in text(client.get("/journal"))


def test_note_bad_input_and_personal_data(client_as, world):
    client = client_as("stagiaire")
    empty = write_note(client, world, text="  ", structure_id=world["partner"].id)
    assert empty.status_code == 422
    assert "Écrivez votre note." in text(empty)
    assert f'<option selected value="{world["partner"].id}">' in text(empty)
    long = write_note(client, world, text="x" * 5001)
    assert "5 000 caractères au plus." in text(long)
    personal = write_note(client, world, text="Rencontré M. Durand, né le 12/03/1961.")
    assert personal.status_code == 422
    assert "Rencontré M. Durand" in text(personal)
    assert "confirm_no_personal_data" in text(personal)
    assert db.session.scalar(db.select(db.func.count(JournalNote.id))) == 0


def test_edit_conflict_delete_and_undo_a_note(client_as, world):
    note = plans.create_note(world["stagiaire"], {"text": "Avant."})
    client = client_as("stagiaire")
    path = f"/journal/{note.id}/modifier"
    stale = note.version
    data = {"text": "Après.", "shared_with_trainers": "y", "version": stale}
    assert post_form(client, path, data).status_code == 303
    db.session.refresh(note)
    assert (note.text, note.shared_with_trainers) == ("Après.", True)
    conflict = post_form(client, path, {"text": "Autre version.", "version": stale})
    assert conflict.status_code == 409
    assert "Autre version." in text(conflict)
    deleted = post_form(client, f"/journal/{note.id}/supprimer")
    assert deleted.status_code == 303
    assert "Après." not in text(client.get("/journal"))
    assert "Après." not in text(client_as("formateur").get(f"/groupes/{world['group'].id}/journal"))
    assert post_form(client, f"/journal/{note.id}/restaurer").status_code == 303
    assert "Après." in text(client.get("/journal"))


def test_journal_as_fragment(client_as, world):
    plans.create_note(world["stagiaire"], {"text": "Une note."})
    response = fragment(client_as("stagiaire"), "/journal")
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert "Une note." in text(response)
    assert "note-form" not in text(response)  # the fragment is the list only
