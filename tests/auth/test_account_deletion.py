"""Deleting one's account: private records gone, shared initiatives kept under the structure."""

import pytest
from sqlalchemy import func, select

from allervers.analysis.models import AnalysisResult
from allervers.auth import erasure
from allervers.auth.models import RateCounter, User
from allervers.extensions import db
from allervers.followup.models import Action, JournalNote
from allervers.history.models import HistoryEvent
from allervers.initiatives.models import Effect, Initiative, InitiativePartner, Presentation
from allervers.maps.models import CooperationMap, MapEntry, MapSnapshot
from tests.auth.records import PRIVATE_TITLE, SHARED_TITLE, fill_every_table
from tests.auth.test_personal_data import references_to_users
from tests.helpers import TEST_PASSWORD, post_form, sign_in, text, visible_text


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def references_to(user_id: int) -> dict[str, int]:
    """How many rows of each column pointing at users.id still name `user_id`."""
    counts = {}
    for table_name, column_name in references_to_users():
        column = db.metadata.tables[table_name].c[column_name]
        number = db.session.scalar(select(func.count()).where(column == user_id))
        if number:
            counts[f"{table_name}.{column_name}"] = number
    return counts


def delete_own_account(client, password=TEST_PASSWORD, **kwargs):
    return post_form(
        client,
        "/compte/supprimer",
        {"password": password},
        token_from="/compte/supprimer",
        **kwargs,
    )


def test_every_reference_to_a_user_has_a_deletion_rule(app):
    missing = references_to_users() - erasure.handled_columns()
    assert not missing, f"colonnes vers users.id sans règle de suppression : {sorted(missing)}"


def test_the_confirmation_page_says_what_goes_and_what_stays(client_as):
    response = client_as("stagiaire").get("/compte/supprimer")
    page = visible_text(response)
    assert "Ce qui est supprimé" in page
    assert "vos cartes de coopération personnelles" in page
    assert "Ce qui est conservé, sans votre nom" in page
    assert "sous le nom de la structure porteuse" in page
    assert 'value="Supprimer définitivement mon compte"' in text(response)


@pytest.mark.parametrize(("password", "message"), [
    ("pas-le-bon-mot-de-passe", "Le mot de passe est incorrect."),
    ("", "Saisissez votre mot de passe pour confirmer la suppression."),
])  # fmt: skip
def test_a_wrong_password_deletes_nothing(client_as, world, password, message):
    fill_every_table(world)
    client = client_as("stagiaire")
    before = row_counts()
    response = delete_own_account(client, password)
    assert response.status_code == 422
    assert message in text(response)
    db.session.expire_all()
    after = row_counts()
    assert after.pop("rate_counters") - before.pop("rate_counters") == (1 if password else 0)
    assert after.pop("security_events") - before.pop("security_events") == (1 if password else 0)
    assert after == before  # the failure is counted and logged, nothing else changes
    assert client.get("/").status_code == 200  # still signed in


def test_deleting_removes_the_private_records(app, client_as, world):
    records = fill_every_table(world)
    ids = {name: record.id for name, record in records.items()}
    trainee_id, map_id = world["stagiaire"].id, world["map"].id
    client = client_as("stagiaire")
    response = delete_own_account(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/connexion"
    db.session.expire_all()
    assert references_to(trainee_id) == {}
    assert db.session.get(User, trainee_id) is None
    assert db.session.get(CooperationMap, map_id) is None
    assert db.session.scalar(select(func.count()).where(MapEntry.map_id == map_id)) == 0
    assert db.session.get(MapSnapshot, ids["snapshot"]) is None
    assert db.session.get(AnalysisResult, f"carte-{map_id}") is None
    assert db.session.scalar(select(Initiative).where(Initiative.title == PRIVATE_TITLE)) is None
    assert db.session.scalar(select(func.count()).select_from(InitiativePartner)) == 1
    assert db.session.get(JournalNote, ids["note"]) is None
    assert db.session.get(Action, ids["action"]) is None
    assert db.session.get(Presentation, ids["presentation"]) is None
    # What is left counts failures from the address and names nobody.
    keys = set(db.session.scalars(select(RateCounter.key)))
    assert keys == {"login:address:192.0.2.10:failures", "login:address:192.0.2.10:accounts"}


def test_deleting_keeps_what_was_shared_without_the_person(app, client_as, world):
    records = fill_every_table(world)
    delete_own_account(client_as("stagiaire"))
    db.session.expire_all()
    shared = db.session.scalar(select(Initiative).where(Initiative.title == SHARED_TITLE))
    assert (shared.author_id, shared.structure.name) == (None, "CCAS d'Orléans")
    assert (shared.draft, len(shared.live_effects)) == (None, 1)
    assert db.session.get(Initiative, records["group_shared"].id).author_id is None
    assert db.session.get(Effect, records["others"].live_effects[0].id).author_id is None
    assert db.session.get(MapSnapshot, records["group_snapshot"].id).taken_by_id is None
    group_action = db.session.get(Action, records["group_action"].id)
    assert (group_action.created_by_id, group_action.map_id) == (None, None)
    assert db.session.get(JournalNote, records["trainer_note"].id).initiative_id is None
    kept = db.session.get(Presentation, records["trainer_presentation"].id)
    assert [item.initiative.title for item in kept.items] == [SHARED_TITLE, "Café des aidants"]
    assert records["created_structure"].created_by_id is None


def test_shared_initiatives_show_the_structure_and_pages_still_open(client_as, world):
    records = fill_every_table(world)
    delete_own_account(client_as("stagiaire"))
    reader, trainer = client_as("stagiaire_autre"), client_as("formateur")
    page = reader.get(f"/initiatives/{records['shared'].id}")
    assert page.status_code == 200
    assert "Structure porteuse CCAS d'Orléans (Orléans)" in visible_text(page)
    group = world["group"].id
    for path in ("/initiatives", f"/presentations/{records['trainer_presentation'].id}",
                 f"/groupes/{group}", f"/groupes/{group}/tableau-de-bord",
                 f"/groupes/{group}/rapport", f"/groupes/{group}/emargement",
                 f"/initiatives/{records['group_shared'].id}", "/techniques/maraude"):  # fmt: skip
        assert trainer.get(path).status_code == 200, path


def test_after_deleting_the_person_is_signed_out_and_cannot_sign_in(app, client_as, world):
    email = world["stagiaire"].email
    client = client_as("stagiaire")
    other_browser = client_as("stagiaire")
    assert delete_own_account(client).status_code == 303
    assert client.get("/").status_code == 302
    assert other_browser.get("/").status_code == 302
    response = sign_in(app.test_client(), email)
    assert response.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect." in text(response)


def test_the_last_admin_cannot_delete_their_account(client_as, world, make_user):
    client, admin_id = client_as("admin"), world["admin"].id
    assert erasure.LAST_ADMIN in text(client.get("/compte/supprimer"))
    response = delete_own_account(client)
    assert response.status_code == 422
    assert erasure.LAST_ADMIN in text(response)
    assert db.session.get(User, admin_id) is not None
    make_user("admin", is_enabled=False)
    assert delete_own_account(client).status_code == 422  # a disabled admin does not count
    make_user("admin")
    assert delete_own_account(client).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, admin_id) is None


def delete_user(client, user_id, password=TEST_PASSWORD):
    path = f"/admin/utilisateurs/{user_id}/supprimer"
    return post_form(client, path, {"password": password}, token_from=path)


def test_an_admin_deletes_an_account_with_their_own_password(client_as, world):
    records = fill_every_table(world)
    admin, trainee_id = client_as("admin"), world["stagiaire"].id
    page = visible_text(admin.get(f"/admin/utilisateurs/{trainee_id}"))
    assert "Supprimer ce compte et ses données personnelles" in page
    confirmation = visible_text(admin.get(f"/admin/utilisateurs/{trainee_id}/supprimer"))
    assert "ses cartes de coopération personnelles" in confirmation
    refused = delete_user(admin, trainee_id, "pas-le-bon-mot-de-passe")
    assert refused.status_code == 422
    assert "Votre mot de passe est incorrect." in text(refused)
    assert db.session.get(User, trainee_id) is not None
    response = delete_user(admin, trainee_id)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/utilisateurs"
    db.session.expire_all()
    assert references_to(trainee_id) == {}
    assert db.session.get(Initiative, records["shared"].id).author_id is None


def test_an_admin_deletes_their_own_account_from_their_account_page(client_as, world):
    response = client_as("admin").get(f"/admin/utilisateurs/{world['admin'].id}/supprimer")
    assert response.status_code == 303
    assert response.headers["Location"] == "/compte/supprimer"


def test_deleting_erases_the_history_of_the_private_map(client_as, world):
    client = client_as("stagiaire")
    map_id, trainee_id = world["map"].id, world["stagiaire"].id
    renamed = post_form(
        client,
        f"/cartes/{map_id}/modifier",
        {"title": "Carte renommée", "territory": "Orléans", "version": world["map"].version},
        token_from=f"/cartes/{map_id}/modifier",
    )
    assert renamed.status_code in (200, 303), text(renamed)[:300]
    of_map = select(func.count()).where(
        HistoryEvent.kind == "map", HistoryEvent.record_id == map_id
    )
    assert db.session.scalar(of_map) >= 1
    assert delete_own_account(client).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(of_map) == 0
    actors = select(func.count()).where(HistoryEvent.actor_id == trainee_id)
    assert db.session.scalar(actors) == 0


def test_guessing_the_password_on_confirmation_forms_is_limited(client_as, world):
    # Without a limit, a session left open would let anyone try passwords here at will.
    client = client_as("stagiaire")
    for _ in range(5):
        wrong = delete_own_account(client, password="pas-le-bon-mot-de-passe")
        assert wrong.status_code == 422
        assert "Le mot de passe est incorrect." in text(wrong)
    right = delete_own_account(client)
    assert right.status_code == 422
    assert "Trop de mots de passe erronés" in text(right)
    assert db.session.get(User, world["stagiaire"].id) is not None  # nothing was deleted
    change = post_form(
        client,
        "/compte/mot-de-passe",
        {"current": TEST_PASSWORD, "new": "une autre phrase", "confirm": "une autre phrase"},
        token_from="/compte/mot-de-passe",
    )
    assert "Trop de mots de passe erronés" in text(change)
    # The failures count with the sign-in form's: the account is locked there too.
    locked = sign_in(client_as("anonyme"), world["stagiaire"].email)
    assert "Trop de tentatives" in text(locked)
