"""Référents: their rights on a structure are granted (requested, then approved by an
administrator or by the structure's référent), never taken from the employer on their account."""

import pytest
from sqlalchemy import select

from allervers.directory import access
from allervers.directory.models import ReferentAttachment, Structure
from allervers.extensions import db
from allervers.initiatives import services as initiatives
from allervers.initiatives.models import Initiative
from tests.helpers import post_form, text, visible_text

STRUCTURE_FORM = {"name": "Nom détourné", "typology": "CCAS", "commune": "Gien",
                  "postal_code": "45500"}  # fmt: skip
REQUESTS = "/annuaire/demandes-referents"


def account_form(structure_id, **fields) -> dict:
    return {"name": "Référente", "job_title": "", "structure_id": str(structure_id), **fields}


def set_my_structure(client, structure_id, **fields):
    return post_form(client, "/compte", account_form(structure_id, **fields), token_from="/")


def shared_initiative(author, structure, deleted: bool = False) -> Initiative:
    fields = {"title": "Maraude de la victime", "visibility": "base", "group_id": None,
              "structure_id": structure.id, "consent": True, "techniques": ["maraude"],
              "publics": []}  # fmt: skip
    initiative = initiatives.create_initiative(author, fields)
    if deleted:
        initiatives.remove_initiative(initiative)
    return initiative


def attachments_of(user) -> list[tuple[int, str]]:
    query = select(ReferentAttachment).where(ReferentAttachment.user_id == user.id)
    return [(a.structure_id, a.status) for a in db.session.scalars(query.order_by("id"))]


@pytest.fixture
def victim(world, make_structure):
    """Another structure, with a shared initiative and a deleted one, that nobody here runs."""
    structure = make_structure(name="Secours de Gien", commune="Gien", postal_code="45500")
    return {
        "structure": structure,
        "initiative": shared_initiative(world["stagiaire_autre"], structure),
        "deleted": shared_initiative(world["stagiaire_autre"], structure, deleted=True),
    }


def row(model, record_id) -> tuple:
    db.session.expire_all()
    record = db.session.get(model, record_id)
    return tuple(getattr(record, c.key) for c in record.__table__.columns)


# ----- issue #14, failure 1: the reproduction -------------------------------------------------


def test_a_referent_who_names_another_structure_gets_no_right_on_it(client_as, world, victim):
    """Before the fix, a référent set structure_id on /compte to any structure and could then
    edit and delete its directory record and its shared initiatives."""
    client = client_as("referent")
    structure, initiative = victim["structure"], victim["initiative"]
    response = set_my_structure(client, structure.id)
    assert response.status_code == 303
    assert db.session.get(type(world["referent"]), world["referent"].id).structure_id == (
        structure.id
    )
    before = (row(Structure, structure.id), row(Initiative, initiative.id))
    attempts = [
        ("get", f"/annuaire/{structure.id}/modifier", None),
        ("post", f"/annuaire/{structure.id}/modifier", STRUCTURE_FORM),
        ("post", f"/annuaire/{structure.id}/supprimer", {}),
        ("get", f"/initiatives/{initiative.id}/modifier", None),
        ("post", f"/initiatives/{initiative.id}/modifier", {"title": "Détournée"}),
        ("post", f"/initiatives/{initiative.id}/supprimer", {}),
        ("post", f"/corbeille/initiative/{victim['deleted'].id}/restaurer", {}),
    ]
    for method, path, data in attempts:
        if method == "get":
            response = client.get(path)
        else:
            response = post_form(client, path, data, token_from="/")
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
    assert (row(Structure, structure.id), row(Initiative, initiative.id)) == before
    assert db.session.get(Initiative, victim["deleted"].id).is_deleted
    page = visible_text(client.get(f"/initiatives/{initiative.id}"))
    assert "Modifier" not in page


def test_changing_structure_revokes_the_old_rights_and_files_a_request(client_as, world, victim):
    referent, old = world["referent"], world["structure"]
    client = client_as("referent")
    assert client.get(f"/annuaire/{old.id}/modifier").status_code == 200
    response = set_my_structure(client, victim["structure"].id)
    assert "Demande envoyée, en attente de validation" in visible_text(client.get("/compte"))
    assert response.status_code == 303
    assert client.get(f"/annuaire/{old.id}/modifier").status_code == 404
    assert attachments_of(referent) == [(old.id, "revoked"), (victim["structure"].id, "requested")]
    # coming back to the old structure gives nothing back by itself either
    set_my_structure(client, old.id)
    assert client.get(f"/annuaire/{old.id}/modifier").status_code == 404
    assert attachments_of(referent)[-1] == (old.id, "requested")
    assert attachments_of(referent)[1] == (victim["structure"].id, "withdrawn")


def test_saving_the_account_unchanged_keeps_the_rights(client_as, world):
    client = client_as("referent")
    set_my_structure(client, world["structure"].id, job_title="Coordinatrice")
    assert client.get(f"/annuaire/{world['structure'].id}/modifier").status_code == 200
    assert attachments_of(world["referent"]) == [(world["structure"].id, "approved")]


def test_a_trainee_naming_a_structure_gets_no_right_on_it(client_as, world, victim):
    client = client_as("stagiaire")
    set_my_structure(client, victim["structure"].id)
    assert client.get(f"/annuaire/{victim['structure'].id}/modifier").status_code == 404
    assert attachments_of(world["stagiaire"]) == []


# ----- requesting, withdrawing -----------------------------------------------------------------


@pytest.fixture
def newcomer(make_user, world):
    """A référent who works at world["structure"] and was not granted it yet."""
    return make_user("referent", structure_id=world["structure"].id, name="Nouvelle Référente")


def sign_in_as(app, user):
    from tests.helpers import sign_in

    client = app.test_client()
    assert sign_in(client, user.email).status_code == 303
    return client


def test_a_referent_requests_then_withdraws(app, world, newcomer):
    client = sign_in_as(app, newcomer)
    page = visible_text(client.get("/compte"))
    assert "Demander à être référent de « CCAS d'Orléans »" in page
    response = post_form(client, "/compte/referent", token_from="/compte")
    assert response.status_code == 303
    assert "en attente de validation" in visible_text(client.get("/compte"))
    assert attachments_of(newcomer) == [(world["structure"].id, "requested")]
    assert client.get(f"/annuaire/{world['structure'].id}/modifier").status_code == 404
    again = post_form(client, "/compte/referent", token_from="/compte")
    assert "déjà en cours" in visible_text(client.get(again.headers["Location"]))
    post_form(client, "/compte/referent/retirer", token_from="/compte")
    assert attachments_of(newcomer) == [(world["structure"].id, "withdrawn")]
    assert "Dernière demande" in visible_text(client.get("/compte"))


def test_a_referent_without_structure_is_told_to_choose_one(app, make_user, world):
    user = make_user("referent")
    client = sign_in_as(app, user)
    assert "Choisissez votre structure" in visible_text(client.get("/compte"))
    response = post_form(client, "/compte/referent", token_from="/compte")
    assert "Choisissez d'abord votre structure" in visible_text(
        client.get(response.headers["Location"])
    )
    assert attachments_of(user) == []


@pytest.mark.parametrize("role", ["stagiaire", "formateur", "admin"])
def test_only_referents_request(client_as, world, role):
    client = client_as(role)
    for path in ("/compte/referent", "/compte/referent/retirer"):
        assert post_form(client, path, token_from="/").status_code == 404
    assert "Référent de structure" not in visible_text(client.get("/compte"))
    assert attachments_of(world[role]) == []


# ----- deciding ----------------------------------------------------------------------------------


def request_of(app, user) -> ReferentAttachment:
    post_form(sign_in_as(app, user), "/compte/referent", token_from="/compte")
    return db.session.scalar(
        select(ReferentAttachment).where(ReferentAttachment.user_id == user.id)
    )


def test_an_admin_approves_without_javascript(app, client_as, world, newcomer):
    request = request_of(app, newcomer)
    client = client_as("admin")
    page = visible_text(client.get(REQUESTS))
    assert "Nouvelle Référente" in page
    assert "CCAS d'Orléans" in page
    response = post_form(client, f"{REQUESTS}/{request.id}/valider", token_from=REQUESTS)
    assert response.status_code == 303
    assert response.headers["Location"] == REQUESTS
    assert "est désormais référent" in visible_text(client.get(REQUESTS))
    db.session.expire_all()
    assert (request.status, request.decided_by_id) == ("approved", world["admin"].id)
    assert access.is_referent_of(newcomer, world["structure"].id)
    assert (
        sign_in_as(app, newcomer).get(f"/annuaire/{world['structure'].id}/modifier").status_code
        == 200
    )


def test_the_structures_referent_refuses_with_htmx(app, client_as, world, newcomer):
    request = request_of(app, newcomer)
    client = client_as("referent")  # granted world["structure"]
    response = post_form(client, f"{REQUESTS}/{request.id}/refuser", htmx=True, token_from=REQUESTS)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body
    assert 'id="referent-requests"' in body
    assert "Aucune demande en attente" in body
    assert "est refusée" in body  # the flash, out of band
    db.session.expire_all()
    assert request.status == "refused"
    assert not access.is_referent_of(newcomer, world["structure"].id)
    # decided: it cannot be decided again
    assert (
        post_form(client, f"{REQUESTS}/{request.id}/valider", token_from=REQUESTS).status_code
        == 404
    )


def test_a_referent_decides_only_the_requests_on_their_structure(
    app, client_as, world, make_user, victim
):
    elsewhere = make_user("referent", structure_id=victim["structure"].id, name="Ailleurs")
    request = request_of(app, elsewhere)
    client = client_as("referent")
    assert "Ailleurs" not in visible_text(client.get(REQUESTS))
    for verb in ("valider", "refuser"):
        response = post_form(client, f"{REQUESTS}/{request.id}/{verb}", token_from=REQUESTS)
        assert response.status_code == 404
    db.session.expire_all()
    assert request.status == "requested"
    # nor the requester: a pending request gives no right to decide it
    assert (
        post_form(
            sign_in_as(app, elsewhere), f"{REQUESTS}/{request.id}/valider", token_from="/"
        ).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["stagiaire", "stagiaire_autre", "formateur"])
def test_others_get_404_on_the_requests(app, client_as, world, newcomer, role):
    request = request_of(app, newcomer)
    client = client_as(role)
    assert client.get(REQUESTS).status_code == 404
    for verb in ("valider", "refuser"):
        assert (
            post_form(client, f"{REQUESTS}/{request.id}/{verb}", token_from="/").status_code == 404
        )
    db.session.expire_all()
    assert request.status == "requested"


def test_a_pending_requester_does_not_see_the_requests(app, newcomer, world):
    request_of(app, newcomer)
    assert sign_in_as(app, newcomer).get(REQUESTS).status_code == 404


def test_requests_are_paginated(app, client_as, world, make_user, make_attachment):
    app.config["PER_PAGE"] = 2
    for n in range(3):
        user = make_user("referent", structure_id=world["structure"].id, name=f"Demandeuse {n}")
        make_attachment(user, world["structure"], status="requested")
    client = client_as("admin")
    first, second = client.get(REQUESTS), client.get(f"{REQUESTS}?page=2")
    assert "Page 1 sur 2" in visible_text(first)
    assert "Demandeuse 2" in visible_text(second)
    assert "Demandeuse 2" not in visible_text(first)


def test_the_structure_page_names_its_referents(client_as, world, newcomer):
    page = visible_text(client_as("stagiaire").get(f"/annuaire/{world['structure'].id}"))
    section = page.split("Un référent est validé")[0].rsplit("Référents", 1)[1]
    assert world["referent"].name in section
    assert "Nouvelle Référente" not in section  # works there, but not granted
    assert "Demandes de référents" not in page
    assert "Demandes de référents" in visible_text(
        client_as("referent").get(f"/annuaire/{world['structure'].id}")
    )


# ----- administrators ----------------------------------------------------------------------------


def test_an_admin_making_someone_referent_grants_it_and_a_role_change_revokes(client_as, world):
    user = world["stagiaire"]
    client = client_as("admin")
    path = f"/admin/utilisateurs/{user.id}"
    data = {"name": user.name, "role": "referent", "structure_id": str(world["structure"].id)}
    response = post_form(client, path, data, token_from=path)
    assert "est désormais référent" in visible_text(client.get(response.headers["Location"]))
    assert attachments_of(user) == [(world["structure"].id, "approved")]
    assert access.is_referent_of(user, world["structure"].id)
    post_form(client, path, {**data, "role": "stagiaire"}, token_from=path)
    assert attachments_of(user) == [(world["structure"].id, "revoked")]
    db.session.expire_all()
    assert not access.is_referent_of(user, world["structure"].id)


def test_a_merge_carries_the_attachment_to_the_kept_structure(world, make_structure):
    from allervers.directory import services as directory

    kept = make_structure(name="CCAS Orléans (doublon)")
    merge = directory.merge_structures(
        directory.plan_merge(kept, world["structure"]), world["admin"]
    )
    assert access.is_referent_of(world["referent"], kept.id)
    directory.undo_merge(merge)
    assert access.is_referent_of(world["referent"], world["structure"].id)
    assert not access.is_referent_of(world["referent"], kept.id)


def test_the_demo_referent_is_granted_her_structure(app):
    from allervers.auth.models import User

    app.test_cli_runner().invoke(args=["demo"])
    app.test_cli_runner().invoke(args=["demo"])  # idempotent
    user = db.session.scalar(
        select(User).where(User.email == "referent.epicerie@demo.allervers.fr")
    )
    assert attachments_of(user) == [(user.structure_id, "approved")]
    assert access.is_referent_of(user, user.structure_id)
