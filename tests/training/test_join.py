"""Joining a group with an invitation code: valid, unknown, revoked, full, already a member."""

from sqlalchemy import func, select

from allervers.auth.models import User
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.training.models import Membership
from tests.helpers import post_form, text

NEW_TRAINEE = {
    "name": "Dominique Nouvelle",
    "email": "dominique@ccas-exemple.fr",
    "password": "une-phrase-de-passe",
    "confirm": "une-phrase-de-passe",
    "job_title": "Conseillère ESF",
}


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Membership, Structure)
    )


def test_join_page_is_public_and_prefills_the_code(client):
    response = client.get("/rejoindre?code=ORL-AAA-111")
    assert response.status_code == 200
    assert 'value="ORL-AAA-111"' in text(response)
    assert "Code d'invitation" in text(response)


def test_valid_code_creates_the_account_and_lands_on_the_group(client, world):
    structure = world["structure"]
    response = post_form(
        client, "/rejoindre", {**NEW_TRAINEE, "code": "orl-aaa 111", "structure_id": structure.id}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/groupes/{world['group'].id}"
    user = db.session.scalar(select(User).where(User.email == NEW_TRAINEE["email"]))
    assert user.role == "stagiaire"
    assert user.structure_id == structure.id
    assert user.password_hash != NEW_TRAINEE["password"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Dominique Nouvelle" in text(page)
    assert "Bienvenue dans Groupe 1 Orléans" in text(page)


def test_joining_with_a_structure_typed_by_hand(client, world):
    data = {**NEW_TRAINEE, "code": "ORLAAA111", "structure_id": "-1",
            "new_structure_name": "Association Le Relais", "new_structure_commune": "Gien",
            "new_structure_postal_code": "45500"}  # fmt: skip
    assert post_form(client, "/rejoindre", data).status_code == 303
    user = db.session.scalar(select(User).where(User.email == NEW_TRAINEE["email"]))
    assert user.structure.name == "Association Le Relais"
    assert user.structure.departement == "45"


def test_typed_structure_reuses_the_existing_record(client, world):
    data = {**NEW_TRAINEE, "code": "ORLAAA111", "structure_id": "-1",
            "new_structure_name": "ccas d'orleans", "new_structure_commune": "ORLÉANS"}  # fmt: skip
    before = counts()
    assert post_form(client, "/rejoindre", data).status_code == 303
    user = db.session.scalar(select(User).where(User.email == NEW_TRAINEE["email"]))
    assert user.structure_id == world["structure"].id
    assert counts()[2] == before[2]


def test_unknown_code_creates_nothing(client, world):
    before = counts()
    response = post_form(client, "/rejoindre", {**NEW_TRAINEE, "code": "XXX-000-999"})
    assert response.status_code == 422
    assert "Ce code d'invitation n'existe pas." in text(response)
    assert 'value="Dominique Nouvelle"' in text(response)  # what was typed is kept
    assert counts() == before


def test_revoked_code_creates_nothing(app, client, world, client_as):
    trainer = client_as("formateur")
    post_form(trainer, f"/groupes/{world['group'].id}/code", token_from="/")
    before = counts()
    response = post_form(client, "/rejoindre", {**NEW_TRAINEE, "code": "ORLAAA111"})
    assert response.status_code == 422
    assert "n'est plus valable" in text(response)
    assert counts() == before


def test_new_code_works_after_regeneration(client, world, client_as):
    post_form(client_as("formateur"), f"/groupes/{world['group'].id}/code", token_from="/")
    db.session.refresh(world["group"])
    new_code = world["group"].current_code.code
    assert new_code != "ORLAAA111"
    assert post_form(client, "/rejoindre", {**NEW_TRAINEE, "code": new_code}).status_code == 303


def test_closed_registrations_refuse_every_code(client, world, client_as):
    post_form(client_as("formateur"), f"/groupes/{world['group'].id}/code/fermer", token_from="/")
    response = post_form(client, "/rejoindre", {**NEW_TRAINEE, "code": "ORLAAA111"})
    assert response.status_code == 422
    assert "n'est plus valable" in text(response)


def test_full_group_refuses_a_new_trainee(client, world):
    world["group"].capacity = 1  # the world's trainee already holds the only place
    db.session.commit()
    before = counts()
    response = post_form(client, "/rejoindre", {**NEW_TRAINEE, "code": "ORLAAA111"})
    assert response.status_code == 422
    assert "Ce groupe est complet" in text(response)
    assert counts() == before


def test_existing_email_is_sent_to_sign_in(client, world):
    data = {**NEW_TRAINEE, "email": world["stagiaire_autre"].email, "code": "ORLAAA111"}
    before = counts()
    response = post_form(client, "/rejoindre", data)
    assert response.status_code == 422
    assert "Un compte existe déjà" in text(response)
    assert counts() == before


def test_form_errors_are_french_and_change_nothing(client, world):
    before = counts()
    data = {"code": "", "name": "", "email": "pas-une-adresse", "password": "court",
            "confirm": "autre", "structure_id": "-1"}  # fmt: skip
    response = post_form(client, "/rejoindre", data)
    page = text(response)
    assert response.status_code == 422
    for message in (
        "Saisissez le code d'invitation.",
        "Saisissez votre prénom et votre nom.",
        "Cette adresse e-mail n'est pas valide",
        "Le mot de passe doit compter au moins 10 caractères.",
        "Les deux saisies du mot de passe ne sont pas identiques.",
        "Saisissez le nom de votre structure.",
    ):
        assert message in page
    assert counts() == before


def test_signed_in_user_joins_with_the_code_only(client_as, world):
    client = client_as("referent")
    page = text(client.get("/rejoindre"))
    assert 'name="email"' not in page
    response = post_form(client, "/rejoindre", {"code": "TOU-BBB-222"}, token_from="/")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/groupes/{world['other_group'].id}"
    assert client.get(response.headers["Location"]).status_code == 200


def test_joining_twice_says_so(client_as, world):
    client = client_as("stagiaire")
    response = post_form(client, "/rejoindre", {"code": "ORLAAA111"}, token_from="/")
    assert response.status_code == 303
    assert "Vous faites déjà partie de ce groupe." in text(client.get(response.headers["Location"]))
    assert len(world["group"].trainees) == 1


def test_guessing_codes_is_rate_limited(app, client, world):
    app.config["JOIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for number in range(3):
        post_form(client, "/rejoindre", {**NEW_TRAINEE, "code": f"BAD{number}"})
    response = post_form(client, "/rejoindre", {**NEW_TRAINEE, "code": "ORLAAA111"})
    assert response.status_code == 422
    assert "Trop de codes erronés" in text(response)


def test_new_trainee_can_sign_in_afterwards(app, world):
    first = app.test_client()
    post_form(first, "/rejoindre", {**NEW_TRAINEE, "code": "ORLAAA111"})
    second = app.test_client()
    response = post_form(
        second, "/connexion", {"email": NEW_TRAINEE["email"], "password": NEW_TRAINEE["password"]}
    )
    assert response.status_code == 303
