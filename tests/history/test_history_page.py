"""A record's history page: what it shows, to whom, as a page and as a fragment."""

from datetime import datetime

import pytest
from sqlalchemy import select, update

from allervers.extensions import db
from allervers.history.models import HistoryEvent
from allervers.training.models import TrainingSession
from tests.helpers import fragment, post_form, text, visible_text

ROLES = ("stagiaire", "stagiaire_autre", "referent", "formateur", "formateur_autre", "admin")


def post(client, path, data=None):
    return post_form(client, path, data or {}, token_from="/")


def answers(client_as, path: str) -> set[str]:
    """The roles that get the page (the others must get 404)."""
    allowed = set()
    for role in ROLES:
        response = client_as(role).get(path)
        assert response.status_code in (200, 404), (role, response.status_code)
        if response.status_code == 200:
            allowed.add(role)
        else:
            assert "Page introuvable" in text(response)
    return allowed


def test_a_map_history_shows_who_changed_what_in_french(client_as, world):
    own, link = world["map"], world["link"]
    client = client_as("stagiaire")
    data = {"source_id": link.source_id, "target_id": link.target_id, "status": "souhaite",
            "desired_level": "4", "direction": "mutuel", "version": str(link.version)}  # fmt: skip
    post(client, f"/cartes/{own.id}/liens/{link.id}/modifier", data)
    moment = datetime(2027, 7, 14, 10, 5)  # UTC: 12 h 05 in Paris, summer time
    db.session.execute(update(HistoryEvent).where(HistoryEvent.action == "update").values(
        created_at=moment))  # fmt: skip
    db.session.commit()
    assert f'href="/historique/carte/{own.id}">Historique</a>' in text(
        client.get(f"/cartes/{own.id}")
    )
    page = visible_text(client.get(f"/historique/carte/{own.id}"))
    assert "Historique carte « Ma carte »" in page
    change = "Modification · Lien de coopération : CCAS d'Orléans – CAF du Loiret"
    assert f"{change} 14/07/2027 à 12 h 05 · {world['stagiaire'].name}" in page
    assert "Statut Existant Souhaité (besoin non couvert)" in page
    assert "Niveau 2 – Orienter —" in page  # a wished link has no level yet
    assert "Niveau souhaité — 4 – Intervenir ensemble" in page
    assert "Création · Structure d'une carte : CAF du Loiret" in page
    assert "Première structure — CCAS d'Orléans" in page  # names, not ids
    assert "système (aucun utilisateur connecté)" in page  # the fixture, outside a request
    assert page.index(change) < page.index("Création · Structure d'une carte")  # newest first


def test_the_map_history_is_read_by_the_map_readers(client_as, world):
    path = f"/historique/carte/{world['map'].id}"
    assert answers(client_as, path) == {"stagiaire", "formateur", "admin"}
    link_path = f"/historique/lien/{world['link'].id}"
    assert answers(client_as, link_path) == {"stagiaire", "formateur", "admin"}


def test_an_initiative_history_follows_its_visibility(client_as, world, make_initiative):
    shared = make_initiative(visibility="groupe", group_id=world["group"].id)
    path = f"/historique/initiative/{shared.id}"
    assert answers(client_as, path) == {"stagiaire", "formateur", "admin"}
    private = make_initiative(title="Brouillon personnel")
    assert answers(client_as, f"/historique/initiative/{private.id}") == {"stagiaire"}


def test_an_initiative_history_shows_its_effects(client_as, world, make_initiative, make_effect):
    initiative = make_initiative(visibility="base")
    effect = make_effect(initiative, value=12.5)
    page = visible_text(client_as("referent").get(f"/historique/initiative/{initiative.id}"))
    assert "Création · Effet : Personnes rencontrées (01/10/2026)" in page
    assert "Valeur — 12,5" in page
    assert "Dimension — Personnes concernées" in page
    assert "Techniques — Présence dans les lieux du quotidien" in page
    effect_page = client_as("referent").get(f"/historique/effet/{effect.id}")
    assert "Valeur — 12,5" in visible_text(effect_page)
    shown = text(client_as("stagiaire").get(f"/initiatives/{initiative.id}"))
    assert f'href="/historique/initiative/{initiative.id}">Historique</a>' in shown


def test_sessions_groups_and_structures_histories(client_as, world):
    session_path = f"/historique/session/{world['session'].id}"
    assert answers(client_as, session_path) == set(ROLES) - {"referent"}
    group_path = f"/historique/groupe/{world['group'].id}"
    assert answers(client_as, group_path) == {"stagiaire", "formateur", "formateur_autre", "admin"}
    assert answers(client_as, f"/historique/structure/{world['structure'].id}") == set(ROLES)
    for page, history in (
        (f"/sessions/{world['session'].id}", session_path),
        (f"/groupes/{world['group'].id}", group_path),
        (f"/annuaire/{world['structure'].id}", f"/historique/structure/{world['structure'].id}"),
    ):
        assert f'href="{history}">Historique</a>' in text(client_as("admin").get(page))


def test_a_deleted_structure_history_is_for_those_who_may_restore_it(client_as, world):
    client = client_as("stagiaire_autre")
    fields = {"name": "Épicerie de Gien", "typology": "ES", "commune": "Gien"}
    structure_page = post(client, "/annuaire/nouvelle", fields)
    structure_id = int(structure_page.headers["Location"].rsplit("/", 1)[1])
    post(client, f"/annuaire/{structure_id}/supprimer")
    path = f"/historique/structure/{structure_id}"
    assert answers(client_as, path) == {"stagiaire_autre", "formateur", "formateur_autre", "admin"}
    assert "Suppression" in visible_text(client.get(path))


@pytest.mark.parametrize(
    "path", ["/historique/map/{map}", "/historique/carte/999999", "/historique/inconnu/{map}"]
)
def test_unknown_kinds_and_records_are_404(client_as, world, path):
    response = client_as("admin").get(path.format(map=world["map"].id))
    assert response.status_code == 404


def test_history_paginates_and_answers_htmx_with_a_fragment(client_as, world):
    training = world["session"]
    for number in range(25):
        training.module = f"Module {number}"
        db.session.commit()
    client = client_as("formateur")
    path = f"/historique/session/{training.id}"
    first = text(client.get(path))
    assert "<html" in first
    assert first.count('<p class="history-head">') == 20
    assert "Page 1 sur 2" in first
    second = fragment(client, f"{path}?page=2")
    assert second.status_code == 200
    assert "<html" not in text(second)
    assert "HX-Request" in second.headers["Vary"]
    assert "Module 0" in visible_text(second)  # the oldest changes
    assert "Création" in visible_text(second)
    assert "Module 24" not in visible_text(second)
    boosted = client.get(path, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in text(boosted)
    assert db.session.scalar(select(TrainingSession.module)) == "Module 24"
