"""The home page: each person's next steps, groups, maps and initiatives, with empty states."""

from datetime import timedelta

import pytest

from allervers.followup import plans
from allervers.home.services import today
from tests.helpers import follow, visible_text


def test_my_initiatives_lists_what_i_wrote(client_as, world, make_initiative):
    make_initiative(world["stagiaire"], title="Table au marché de La Source")
    make_initiative(world["stagiaire_autre"], title="Maraude de quelqu'un d'autre")
    page = visible_text(client_as("stagiaire").get("/"))
    assert "Mes initiatives Table au marché de La Source En cours · privée" in page
    assert "Maraude de quelqu'un d'autre" not in page


def test_a_referent_sees_the_shared_initiatives_of_their_structure(
    client_as, world, make_initiative
):
    make_initiative(world["stagiaire"], title="Partagée", visibility="base")
    make_initiative(world["stagiaire"], title="Brouillon privé")
    page = visible_text(client_as("referent").get("/"))
    assert "Partagée" in page
    assert "Brouillon privé" not in page


def test_empty_states_say_what_to_do(client_as, world):
    page = visible_text(client_as("stagiaire_autre").get("/"))
    assert "Créez votre carte de coopération" in page
    assert "Créer ma carte" in page
    assert "Vous n'avez pas encore décrit d'initiative. Décrivez une action" in page
    assert "Vous n'avez pas encore de carte." in page


def test_maps_show_their_figures_and_a_map_without_links_is_a_next_step(client_as, world):
    from allervers.maps import services as maps

    maps.create_map(world["stagiaire"], "Carte vide", None, world["structure"].id)
    page = visible_text(client_as("stagiaire").get("/"))
    assert "Ma carte · 2 structures, 1 lien" in page
    assert "Votre carte « Carte vide » n'a encore aucun lien (1 structure)" in page


def test_actions_due_soon_and_late_lead_the_page(client_as, world):
    me = world["stagiaire"]
    plans.create_action(me, {"description": "Appeler la CAF", "due_on": today() - timedelta(1)})
    plans.create_action(me, {"description": "Rencontrer la MDS", "due_on": today()})
    plans.create_action(me, {"description": "Déjà faite", "status": "faite"})
    page = visible_text(client_as("stagiaire").get("/"))
    assert "Plan d'action : Appeler la CAF — en retard" in page
    assert "Plan d'action : Rencontrer la MDS — bientôt" in page
    assert "Déjà faite" not in page


def test_admin_sees_pending_referent_requests(client_as, world, make_user, make_attachment):
    person = make_user("referent", structure_id=world["structure"].id)
    make_attachment(person, world["structure"], status="requested")
    page = visible_text(client_as("admin").get("/"))
    assert "1 demande de référent attend votre décision. Voir les demandes" in page


def test_trainer_home_links_the_tools_of_each_group(client_as, world):
    response = client_as("formateur").get("/")
    page = response.get_data(as_text=True)
    group = world["group"].id
    for path in (
        f"/groupes/{group}/tableau-de-bord",
        f"/groupes/{group}/emargement",
        f"/presentations?groupe={group}",
        f"/groupes/{group}/carte",
        f"/groupes/{group}/analyse",
    ):
        assert f'href="{path}"' in page
    assert "Les groupes que j'anime" in visible_text(response)


@pytest.mark.parametrize(("who", "button"), [("stagiaire", "Ouvrir ma carte"),
                                              ("stagiaire_autre", "Créer ma carte")])  # fmt: skip
def test_group_page_leads_a_trainee_to_their_map(client_as, world, who, button):
    group = world["group"] if who == "stagiaire" else world["other_group"]
    page = visible_text(client_as(who).get(f"/groupes/{group.id}"))
    assert button in page


def test_group_page_shows_no_map_step_to_its_trainer(client_as, world):
    page = visible_text(client_as("formateur").get(f"/groupes/{world['group'].id}"))
    assert "Créer ma carte" not in page
    assert "Ouvrir ma carte" not in page


def test_joining_leads_to_the_map(client_as, world, make_user):
    from tests.helpers import sign_in

    person = make_user("stagiaire")
    client = client_as("anonyme")
    sign_in(client, person.email)
    page = client.get("/rejoindre")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1]
    response = client.post(
        "/rejoindre",
        data={"code": "ORLAAA111", "csrf_token": token.split('"')[0]},
    )
    assert response.status_code == 303
    landing = follow(client, response)
    page = visible_text(landing)
    assert "Bienvenue dans Groupe 1 Orléans ! Voici la carte du groupe" in page
    assert landing.request.path == f"/cartes/{world['group_map'].id}"
    assert "Carte du groupe Groupe 1 Orléans" in page
    # the home page then offers the trainee's own map
    assert "Créer ma carte" in visible_text(client.get("/"))
