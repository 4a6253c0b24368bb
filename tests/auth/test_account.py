"""The account page and the password change."""

from sqlalchemy import select

from allervers.auth.models import User
from allervers.extensions import db
from tests.helpers import TEST_PASSWORD, post_form, sign_in, text

NEW_PASSWORD = "nouvelle-phrase-secrete"


def change(client, current=TEST_PASSWORD, new=NEW_PASSWORD, confirm=None, **kwargs):
    data = {"current": current, "new": new, "confirm": confirm or new}
    return post_form(client, "/compte/mot-de-passe", data, token_from="/", **kwargs)


def test_password_change_signs_out_the_other_browsers(app, make_user):
    user = make_user()
    laptop, tablet = app.test_client(), app.test_client()
    sign_in(laptop, user.email)
    sign_in(tablet, user.email)
    response = change(laptop)
    assert response.status_code == 303
    assert laptop.get("/").status_code == 200
    assert tablet.get("/").status_code == 302
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 303
    assert sign_in(app.test_client(), user.email, TEST_PASSWORD).status_code == 422


def test_wrong_current_password_changes_nothing(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    before = db.session.get(User, user.id).password_hash
    response = change(client, current="pas-le-bon")
    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in text(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_new_password_rules(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    assert "au moins 12 caractères" in text(change(client, new="court"))
    assert "trop facile à deviner" in text(change(client, new="aaaaaaaaaaaa"))
    assert "mot de passe très courant" in text(change(client, new="password1234"))
    assert "pas identiques" in text(change(client, confirm="autre-chose-encore"))
    assert "différent de l'actuel" in text(change(client, new=TEST_PASSWORD))


def test_profile_update_with_a_new_structure(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    data = {"name": "Alex Martin", "job_title": "Éducateur spécialisé", "structure_id": "-1",
            "new_structure_name": "Centre social Blossières", "new_structure_commune": "Orléans",
            "new_structure_postal_code": "45000"}  # fmt: skip
    response = post_form(client, "/compte", data, token_from="/")
    assert response.status_code == 303
    saved = db.session.scalar(select(User).where(User.id == user.id))
    assert saved.name == "Alex Martin"
    assert saved.structure.name == "Centre social Blossières"
    assert saved.structure.created_by_id == user.id


def test_profile_refuses_a_bad_postal_code(client, make_user):
    user = make_user()
    sign_in(client, user.email)
    data = {"name": "Alex", "structure_id": "-1", "new_structure_name": "X",
            "new_structure_commune": "Gien", "new_structure_postal_code": "4550"}  # fmt: skip
    response = post_form(client, "/compte", data, token_from="/")
    assert response.status_code == 422
    assert "Le code postal compte cinq chiffres" in text(response)
