"""Acting on a map's suggested partners: dismiss, restore, wished link, action-plan item.

The world's map belongs to the trainee: her CCAS (focal) is linked to the CAF. The fixtures of
conftest.py add a partner of the CAF on the map (suggested: a common partner) and a directory
structure of the Loiret serving the same publics (suggested, not on the map).
"""

import pytest
from sqlalchemy import func, select

from allervers.analysis.models import SuggestionDismissal
from allervers.auth import erasure
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.followup.models import Action
from allervers.maps import live
from allervers.maps import services as maps
from allervers.maps.models import CooperationLink, MapActivity, MapEntry
from tests.helpers import follow, fragment, post_form, text, visible_text


def _url(cooperation_map, structure, verb: str) -> str:
    return f"/cartes/{cooperation_map.id}/suggestions/{structure.id}/{verb}"


def _suggested(client, cooperation_map) -> list[str]:
    """Names of the suggestions, as analyse.json gives them (the cache recomputed as needed)."""
    data = client.get(f"/cartes/{cooperation_map.id}/analyse.json").get_json()
    return [item["structure"] for item in data["suggestions"]]


def _post(client, path: str, htmx: bool = False, **data):
    return post_form(client, path, data, htmx=htmx, token_from="/")


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _last_activity(cooperation_map) -> str:
    activity = db.session.scalar(
        select(MapActivity)
        .where(MapActivity.map_id == cooperation_map.id)
        .order_by(MapActivity.version.desc())
        .limit(1)
    )
    return f"{live.actor_name(activity)} {live.sentence(activity)}"


# ----- what the analysis page shows -------------------------------------------------------------


def test_each_suggestion_shows_its_reasons_score_and_actions(client_as, world, neighbour, grocery):
    page = visible_text(client_as("stagiaire").get(f"/cartes/{world['map'].id}/analyse"))
    assert "viennent d'abord, puis les autres" in page  # how they are ranked
    assert "Une suggestion écartée le reste" in page
    assert "Mission locale de l'Orléanais déjà sur la carte" in page
    assert "Coopère déjà avec CAF du Loiret, l'un de vos partenaires." in page
    assert (
        "4 points : 1 partenaire commun (+1), secteur Emploi et insertion (+1), même commune (+2)"
    ) in page  # both in Orléans (INSEE code from the official list of communes)
    assert "Accompagne les mêmes publics : jeunes" in page
    assert "Épicerie solidaire de Gien" in page
    for label in ("Ajouter en lien souhaité", "Ajouter au plan d'action", "Écarter"):
        assert f"{label} : Mission locale de l'Orléanais" in page


@pytest.mark.parametrize("role", ["formateur", "admin"])
def test_readers_see_the_suggestions_without_the_buttons(client_as, world, neighbour, role):
    page = visible_text(client_as(role).get(f"/cartes/{world['map'].id}/analyse"))
    assert "Coopère déjà avec CAF du Loiret" in page
    assert "Écarter" not in page
    assert "Ajouter en lien souhaité" not in page


def test_suggestions_page_and_fragment(client_as, world, neighbour):
    client = client_as("stagiaire")
    page = client.get(f"/cartes/{world['map'].id}/suggestions")
    assert "<html" in text(page)
    assert "Partenaires possibles pour « Ma carte »" in visible_text(page)
    part = fragment(client, f"/cartes/{world['map'].id}/suggestions")
    assert "<html" not in text(part)
    assert text(part).lstrip().startswith('<section id="suggestions"')
    assert "Mission locale de l'Orléanais" in text(part)


# ----- dismiss and restore -----------------------------------------------------------------------


def test_dismissed_suggestion_is_no_longer_suggested(client_as, world, neighbour):
    client = client_as("stagiaire")
    assert "Mission locale de l'Orléanais" in _suggested(client, world["map"])
    response = _post(client, _url(world["map"], neighbour, "ecarter"), htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#suggestions"
    body = text(response)
    assert "<html" not in body
    assert "Suggestion écartée : Mission locale de l'Orléanais." in body
    assert f'action="{_url(world["map"], neighbour, "retablir")}"' in body  # undo, and the list
    assert 'id="suggestion-' not in body  # nothing else to suggest
    assert "Suggestions écartées" in body
    assert "Mission locale de l'Orléanais" not in _suggested(client, world["map"])
    assert _last_activity(world["map"]).endswith(
        "a écarté la suggestion Mission locale de l'Orléanais"
    )


def test_dismissing_twice_changes_nothing(client_as, world, neighbour):
    client = client_as("stagiaire")
    _post(client, _url(world["map"], neighbour, "ecarter"), htmx=True)
    version = world["map"].content_version
    response = _post(client, _url(world["map"], neighbour, "ecarter"), htmx=True)
    assert "« Mission locale de l'Orléanais » était déjà écartée." in text(response)
    assert _count(SuggestionDismissal) == 1
    db.session.refresh(world["map"])
    assert world["map"].content_version == version


def test_dismiss_without_javascript_redirects_back_with_a_message(client_as, world, neighbour):
    client = client_as("stagiaire")
    response = _post(client, _url(world["map"], neighbour, "ecarter"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cartes/{world['map'].id}/analyse#suggestions"
    page = visible_text(follow(client, response))
    assert "Suggestion écartée : Mission locale de l'Orléanais. Annuler" in page


def test_restore_brings_the_suggestion_back(client_as, world, neighbour):
    client = client_as("stagiaire")
    _post(client, _url(world["map"], neighbour, "ecarter"))
    response = _post(client, _url(world["map"], neighbour, "retablir"), htmx=True)
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert "Suggestion rétablie : Mission locale de l'Orléanais." in text(response)
    assert 'id="suggestion-' in text(response)
    assert "Mission locale de l'Orléanais" in _suggested(client, world["map"])
    assert _count(SuggestionDismissal) == 0
    assert _last_activity(world["map"]).endswith(
        "a rétabli la suggestion Mission locale de l'Orléanais"
    )
    again = _post(client, _url(world["map"], neighbour, "retablir"), htmx=True)
    assert "« Mission locale de l'Orléanais » n'était pas écartée." in text(again)


def test_dismissed_list_page_restores_and_comes_back(client_as, world, neighbour, grocery):
    client = client_as("stagiaire")
    for structure in (neighbour, grocery):
        _post(client, _url(world["map"], structure, "ecarter"))
    path = f"/cartes/{world['map'].id}/suggestions/ecartees"
    page = visible_text(client.get(path))
    assert "Suggestions écartées de « Ma carte »" in page
    assert "Épicerie solidaire de Gien écartée le" in page
    assert f"par {world['stagiaire'].name}" in page
    assert "<html" not in text(fragment(client, path))
    response = _post(client, _url(world["map"], grocery, "retablir"), next=path)
    assert response.status_code == 303
    assert response.headers["Location"] == path
    page = visible_text(follow(client, response))
    assert "Suggestion rétablie : Épicerie solidaire de Gien." in page
    assert "Mission locale de l'Orléanais" in page


def test_trainer_reads_the_dismissed_list_without_restoring(client_as, world, neighbour):
    _post(client_as("stagiaire"), _url(world["map"], neighbour, "ecarter"))
    page = visible_text(
        client_as("formateur").get(f"/cartes/{world['map'].id}/suggestions/ecartees")
    )
    assert "Mission locale de l'Orléanais" in page
    assert "Rétablir :" not in page


def test_a_structure_that_left_the_directory_can_still_be_restored(client_as, world, neighbour):
    client = client_as("stagiaire")
    _post(client, _url(world["map"], neighbour, "ecarter"))
    neighbour.deleted_at = utcnow()
    db.session.commit()
    page = visible_text(client.get(f"/cartes/{world['map'].id}/suggestions/ecartees"))
    assert "Mission locale de l'Orléanais (retirée de l'annuaire)" in page
    assert _post(client, _url(world["map"], neighbour, "retablir")).status_code == 303
    assert _count(SuggestionDismissal) == 0


# ----- wished link ---------------------------------------------------------------------------


def test_wished_link_from_the_focal_structure(client_as, world, neighbour):
    client = client_as("stagiaire")
    response = _post(client, _url(world["map"], neighbour, "lien-souhaite"), htmx=True)
    assert response.status_code == 200
    assert "Lien souhaité ajouté : CCAS d'Orléans – Mission locale de l'Orléanais." in text(
        response
    )
    link = maps.link_between(world["map"], world["structure"].id, neighbour.id)
    assert (link.source_id, link.target_id) == (world["structure"].id, neighbour.id)
    assert link.status == "souhaite"
    assert link.level is None
    assert "Mission locale de l'Orléanais" not in _suggested(client, world["map"])
    assert _last_activity(world["map"]).endswith(
        "a ajouté le lien CCAS d'Orléans – Mission locale de l'Orléanais"
    )


def test_wished_link_places_a_directory_structure_on_the_map(client_as, world, grocery):
    client = client_as("stagiaire")
    response = _post(client, _url(world["map"], grocery, "lien-souhaite"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/analyse#suggestions")
    entry = maps.entry_of(world["map"], grocery.id)
    assert entry is not None
    assert not entry.is_deleted
    assert maps.link_between(world["map"], world["structure"].id, grocery.id).status == "souhaite"
    assert "Voir les liens de la carte" in visible_text(follow(client, response))


def test_wished_link_already_there_doubles_nothing(client_as, world, neighbour):
    client = client_as("stagiaire")
    _post(client, _url(world["map"], neighbour, "lien-souhaite"))
    links, entries = _count(CooperationLink), _count(MapEntry)
    response = _post(client, _url(world["map"], neighbour, "lien-souhaite"), htmx=True)
    assert (
        "La carte a déjà un lien entre CCAS d'Orléans et Mission locale de l'Orléanais, au statut "
        "« Souhaité (besoin non couvert) » : rien n'a été ajouté." in text(response)
    )
    assert (_count(CooperationLink), _count(MapEntry)) == (links, entries)
    # the existing partner too: its link stays as it is
    response = _post(client, _url(world["map"], world["partner"], "lien-souhaite"), htmx=True)
    assert "au statut « Existant » : rien n'a été ajouté." in text(response)
    assert world["link"].status == "existant"


def test_wished_link_needs_a_focal_structure(client_as, world, neighbour):
    world["map"].focal_structure_id = None
    db.session.commit()
    response = _post(client_as("stagiaire"), _url(world["map"], neighbour, "lien-souhaite"), True)
    assert response.status_code == 422
    assert "Cette carte n'a pas de structure focale" in text(response)
    assert _count(CooperationLink, CooperationLink.status == "souhaite") == 0


# ----- action plan ---------------------------------------------------------------------------


def test_action_plan_item_from_a_suggestion(client_as, world, neighbour):
    client = client_as("stagiaire")
    response = _post(client, _url(world["map"], neighbour, "plan-d-action"))
    action = db.session.scalar(select(Action))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/plan-d-action/{action.id}"
    assert action.description == (
        "Prendre contact avec Mission locale de l'Orléanais. Coopère déjà avec CAF du Loiret, "
        "l'un de vos partenaires. Secteur « Emploi et insertion » absent de vos partenaires. "
        "Même commune (Orléans)."
    )
    assert (action.structure_id, action.map_id) == (neighbour.id, world["map"].id)
    assert (action.owner_id, action.group_id, action.status) == (
        world["stagiaire"].id,
        None,
        "prevue",
    )
    page = visible_text(follow(client, response))
    assert "Action ajoutée au plan : Prendre contact avec Mission locale de l'Orléanais." in page
    assert "Partenaire Mission locale de l'Orléanais" in page


def test_action_plan_item_twice_is_one_item(client_as, world, neighbour):
    client = client_as("stagiaire")
    _post(client, _url(world["map"], neighbour, "plan-d-action"))
    response = _post(client, _url(world["map"], neighbour, "plan-d-action"), htmx=True)
    assert response.status_code == 200
    body = visible_text(response)
    assert "Le plan d'action a déjà « Prendre contact avec Mission locale" in body
    assert "Voir l'action" in body
    assert "dans le plan d'action" in body  # the suggestion's mark
    assert _count(Action) == 1


def test_long_reasons_are_cut_at_a_whole_sentence(client_as, world, make_structure):
    name = "Association " + "très " * 36 + "longue"  # 198 characters: the most a name has
    structure = make_structure(name=name, typology="ML")
    maps.add_entry(world["map"], structure, {})
    maps.save_link(world["map"], world["partner"].id, structure.id, {"level": 3})
    _post(client_as("stagiaire"), _url(world["map"], structure, "plan-d-action"))
    description = db.session.scalar(select(Action.description))
    assert len(description) <= 300
    assert description.endswith("l'un de vos partenaires.")


# ----- the group map: its members act, for the group ---------------------------------------


@pytest.fixture
def group_map(world, neighbour):
    cooperation_map = world["group_map"]
    cooperation_map.focal_structure_id = world["structure"].id
    db.session.commit()
    for structure in (world["structure"], world["partner"], neighbour):
        maps.add_entry(cooperation_map, structure, {})
    maps.save_link(cooperation_map, world["structure"].id, world["partner"].id, {"level": 2})
    maps.save_link(cooperation_map, world["partner"].id, neighbour.id, {"level": 2})
    return cooperation_map


@pytest.mark.parametrize("role", ["stagiaire", "formateur"])
def test_group_members_act_for_the_group(client_as, world, group_map, neighbour, role):
    client = client_as(role)
    page = visible_text(client.get(f"/cartes/{group_map.id}/analyse"))
    assert "Écarter : Mission locale de l'Orléanais" in page
    assert _post(client, _url(group_map, neighbour, "plan-d-action")).status_code == 303
    action = db.session.scalar(select(Action))
    assert (action.owner_id, action.group_id) == (None, world["group"].id)
    assert _post(client, _url(group_map, neighbour, "ecarter")).status_code == 303
    dismissal = db.session.scalar(select(SuggestionDismissal))
    assert dismissal.dismissed_by_id == world[role].id
    assert _last_activity(group_map) == (
        f"{world[role].name} a écarté la suggestion Mission locale de l'Orléanais"
    )


def test_locked_map_answers_423(client_as, world, group_map, neighbour):
    group_map.locked_at = utcnow()
    group_map.locked_by_id = world["formateur"].id
    db.session.commit()
    client = client_as("stagiaire")
    page = visible_text(client.get(f"/cartes/{group_map.id}/analyse"))
    assert "Coopère déjà avec CAF du Loiret" in page
    assert "Écarter" not in page
    for verb in ("ecarter", "retablir", "lien-souhaite", "plan-d-action"):
        response = _post(client, _url(group_map, neighbour, verb), htmx=True)
        assert response.status_code == 423
        assert "elle n'est plus modifiable" in text(response)
    assert _count(SuggestionDismissal) == _count(Action) == 0


# ----- permissions, CSRF, bad input ---------------------------------------------------------------

VERBS = ("ecarter", "retablir", "lien-souhaite", "plan-d-action")


@pytest.mark.parametrize("role", ["formateur", "admin", "stagiaire_autre", "referent"])
@pytest.mark.parametrize("verb", VERBS)
def test_who_may_not_change_the_map_gets_404(client_as, world, neighbour, role, verb):
    version = world["map"].content_version
    response = _post(client_as(role), _url(world["map"], neighbour, verb), htmx=True)
    assert response.status_code == 404
    assert _count(SuggestionDismissal) == _count(Action) == 0
    db.session.refresh(world["map"])
    assert world["map"].content_version == version


@pytest.mark.parametrize("role", ["stagiaire_autre", "referent"])
def test_strangers_do_not_see_the_dismissed_list(client_as, world, role):
    for path in ("/suggestions", "/suggestions/ecartees"):
        assert client_as(role).get(f"/cartes/{world['map'].id}{path}").status_code == 404


def test_actions_need_the_csrf_token(client_as, world, neighbour):
    client = client_as("stagiaire")
    for verb in VERBS:
        response = client.post(_url(world["map"], neighbour, verb), headers={"HX-Request": "true"})
        assert response.status_code == 400
    assert _count(SuggestionDismissal) == _count(Action) == 0


def test_unknown_or_deleted_structure_is_404(client_as, world, neighbour):
    client = client_as("stagiaire")
    missing = f"/cartes/{world['map'].id}/suggestions/999999/ecarter"
    assert _post(client, missing).status_code == 404
    neighbour.deleted_at = utcnow()
    db.session.commit()
    for verb in ("ecarter", "lien-souhaite", "plan-d-action"):
        assert _post(client, _url(world["map"], neighbour, verb)).status_code == 404
    assert _count(SuggestionDismissal) == _count(Action) == 0


# ----- account erasure ---------------------------------------------------------------------------


def test_erasure_keeps_group_dismissals_without_their_author(
    client_as, world, group_map, neighbour
):
    client = client_as("stagiaire")
    _post(client, _url(world["map"], neighbour, "ecarter"))
    _post(client, _url(group_map, neighbour, "ecarter"))
    erasure.delete_account(world["stagiaire"])
    rows = db.session.execute(
        select(SuggestionDismissal.map_id, SuggestionDismissal.dismissed_by_id)
    ).all()
    assert rows == [(group_map.id, None)]  # her own map went, with its dismissals
