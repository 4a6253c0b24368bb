"""Administrators manage accounts: list, search, create, change role, deactivate."""

from sqlalchemy import select

from allervers.auth.models import User
from allervers.extensions import db
from tests.helpers import post_form, sign_in, text


def test_list_search_and_filter(client_as, world):
    client = client_as("admin")
    page = text(client.get("/admin/utilisateurs"))
    assert world["stagiaire"].email in page
    found = text(client.get("/admin/utilisateurs", query_string={"q": world["referent"].email}))
    assert world["referent"].email in found
    assert world["stagiaire"].email not in found
    by_role = text(client.get("/admin/utilisateurs?role=formateur"))
    assert world["formateur"].email in by_role
    assert world["stagiaire"].email not in by_role
    fragment = client.get("/admin/utilisateurs?q=formateur", headers={"HX-Request": "true"})
    assert "<table" in text(fragment)
    assert "<h1" not in text(fragment)


def test_admin_creates_an_account(app, client_as, world):
    data = {"email": "Nouveau@Exemple.fr", "password": "provisoire-123", "name": "Nouveau Compte",
            "role": "referent", "structure_id": str(world["structure"].id)}  # fmt: skip
    response = post_form(client_as("admin"), "/admin/utilisateurs/nouveau", data, token_from="/")
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "nouveau@exemple.fr"))
    assert user.role == "referent"
    assert user.structure_id == world["structure"].id
    assert sign_in(app.test_client(), "nouveau@exemple.fr", "provisoire-123").status_code == 303


def test_duplicate_email_is_refused(client_as, world):
    data = {"email": world["stagiaire"].email, "password": "provisoire-123", "name": "Doublon",
            "role": "stagiaire"}  # fmt: skip
    response = post_form(client_as("admin"), "/admin/utilisateurs/nouveau", data, token_from="/")
    assert response.status_code == 422
    assert "Un compte existe déjà avec cette adresse e-mail." in text(response)


def test_unknown_role_is_refused(client_as, world):
    data = {"email": "x@exemple.fr", "password": "provisoire-123", "name": "X", "role": "roi"}
    response = post_form(client_as("admin"), "/admin/utilisateurs/nouveau", data, token_from="/")
    assert response.status_code == 422
    assert db.session.scalar(select(User).where(User.email == "x@exemple.fr")) is None


def test_change_role(client_as, world):
    user = world["stagiaire"]
    data = {"name": user.name, "role": "formateur", "job_title": "", "structure_id": ""}
    response = post_form(client_as("admin"), f"/admin/utilisateurs/{user.id}", data, token_from="/")
    assert response.status_code == 303
    db.session.refresh(user)
    assert user.role == "formateur"


def test_admin_cannot_demote_themself(client_as, world):
    admin = world["admin"]
    data = {"name": admin.name, "role": "stagiaire"}
    response = post_form(
        client_as("admin"), f"/admin/utilisateurs/{admin.id}", data, token_from="/"
    )
    assert response.status_code == 422
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_deactivate_signs_the_user_out_and_reactivate(client_as, world):
    trainee = client_as("stagiaire")
    admin = client_as("admin")
    user = world["stagiaire"]
    response = post_form(admin, f"/admin/utilisateurs/{user.id}/desactiver", token_from="/")
    assert response.status_code == 303
    assert trainee.get("/").status_code == 302
    assert "désactivé" in text(sign_in(trainee, user.email))
    post_form(admin, f"/admin/utilisateurs/{user.id}/reactiver", token_from="/")
    assert sign_in(trainee, user.email).status_code == 303


def test_non_admins_get_404_on_admin_actions(client_as, world):
    for who in ("formateur", "stagiaire", "referent"):
        client = client_as(who)
        path = f"/admin/utilisateurs/{world['stagiaire'].id}/desactiver"
        assert post_form(client, path, token_from="/").status_code == 404
    db.session.refresh(world["stagiaire"])
    assert world["stagiaire"].is_enabled
