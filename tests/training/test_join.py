"""Joining a group with an invitation code: valid, unknown, revoked, full, already a member."""

import re
import statistics
import time

from sqlalchemy import func, select

from allervers.auth import ratelimit
from allervers.auth.models import User
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.training.models import Membership
from allervers.training.services import JOIN_REFUSED
from tests.helpers import (
    TEST_PASSWORD,
    TIMING_HASH_METHOD,
    csrf_token,
    follow,
    post_form,
    sign_in,
    text,
)

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


def test_join_page_waits_in_its_first_blank_field(client, client_as):
    """The page is its form: the cursor is in the code, or in the name once the code is given."""
    autofocused = re.compile(r'<input(?=[^>]*autofocus)[^>]*name="(\w+)"')
    assert autofocused.findall(text(client.get("/rejoindre"))) == ["code"]
    assert autofocused.findall(text(client.get("/rejoindre?code=ORL-AAA-111"))) == ["name"]
    assert autofocused.findall(text(client_as("stagiaire").get("/rejoindre"))) == ["code"]


def test_valid_code_creates_the_account_and_lands_on_the_group(client, world):
    structure = world["structure"]
    response = post_form(
        client, "/rejoindre", {**NEW_TRAINEE, "code": "orl-aaa 111", "structure_id": structure.id}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/groupes/{world['group'].id}/carte"
    user = db.session.scalar(select(User).where(User.email == NEW_TRAINEE["email"]))
    assert user.role == "stagiaire"
    assert user.structure_id == structure.id
    assert user.password_hash != NEW_TRAINEE["password"]
    page = follow(client, response)
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


def test_existing_email_with_a_wrong_password_says_nothing_about_the_account(client, world):
    """The refusal does not say that the e-mail has an account, and it counts as a failed
    sign-in of that e-mail and of the address."""
    email = world["stagiaire_autre"].email
    before = counts()
    response = post_form(client, "/rejoindre", {**NEW_TRAINEE, "email": email, "code": "ORLAAA111"})
    assert response.status_code == 422
    page = text(response)
    assert JOIN_REFUSED in page
    assert "existe" not in page
    assert 'value="Dominique Nouvelle"' in page  # what was typed is kept
    assert counts() == before
    assert ratelimit.count(f"login:account:{email}") == 1
    assert ratelimit.count("login:address:127.0.0.1:failures") == 1


def test_wrong_passwords_on_join_lock_the_account_as_at_sign_in(app, client, world):
    email = world["stagiaire_autre"].email
    for _ in range(5):
        post_form(client, "/rejoindre", {**NEW_TRAINEE, "email": email, "code": "ORLAAA111"})
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    response = sign_in(elsewhere, email)
    assert response.status_code == 422
    assert "Trop de tentatives" in text(response)
    right = {"password": TEST_PASSWORD, "confirm": TEST_PASSWORD}
    refused = post_form(
        client, "/rejoindre", {**NEW_TRAINEE, **right, "email": email, "code": "ORLAAA111"}
    )
    assert "Trop de tentatives" in text(refused)


def test_an_existing_account_with_its_password_joins_and_is_signed_in(client, world):
    person = world["stagiaire_autre"]
    name, structure_id = person.name, person.structure_id
    data = {**NEW_TRAINEE, "email": person.email.upper(), "code": "ORLAAA111",
            "password": TEST_PASSWORD, "confirm": TEST_PASSWORD,
            "structure_id": world["structure"].id}  # fmt: skip
    before = counts()
    response = post_form(client, "/rejoindre", data)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/groupes/{world['group'].id}/carte"
    page = text(follow(client, response))
    assert "Bienvenue dans Groupe 1 Orléans !" in page
    assert "Votre compte est créé" not in page
    assert counts() == (before[0], before[1] + 1, before[2])  # one membership, no account
    db.session.refresh(person)
    assert person in world["group"].trainees
    assert (person.name, person.structure_id) == (name, structure_id)  # typed fields ignored


def test_a_full_group_says_so_whatever_the_email(client, world):
    world["group"].capacity = 1
    db.session.commit()
    for email in (world["stagiaire_autre"].email, NEW_TRAINEE["email"]):
        response = post_form(
            client, "/rejoindre", {**NEW_TRAINEE, "email": email, "code": "ORLAAA111"}
        )
        assert response.status_code == 422
        assert "Ce groupe est complet" in text(response)


def test_joining_takes_as_long_with_an_existing_email(app, world, make_user):
    """Measured: a refused existing e-mail costs the hash a new account costs."""
    app.config["PASSWORD_HASH_METHOD"] = TIMING_HASH_METHOD
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 100  # this test measures hashing, not limits
    world["group"].capacity = None
    db.session.commit()
    existing = make_user().email
    timings: dict[str, list[float]] = {"existing": [], "new": []}
    for attempt in range(10):  # alternated, so a busy machine slows both sides alike
        for kind in list(timings)[:: 1 if attempt % 2 else -1]:
            email = existing if kind == "existing" else f"nouveau{attempt}@exemple.fr"
            client = app.test_client()
            data = {**NEW_TRAINEE, "email": email, "code": "ORLAAA111",
                    "csrf_token": csrf_token(client)}  # fmt: skip
            start = time.thread_time()  # the server's CPU time (see test_sign_in.py)
            response = client.post("/rejoindre", data=data)
            timings[kind].append(time.thread_time() - start)
            assert response.status_code == (422 if kind == "existing" else 303)
    existing_time, new_time = (statistics.median(t[1:]) for t in timings.values())
    assert max(existing_time, new_time) / min(existing_time, new_time) <= 1.2, timings


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
        "Le mot de passe doit compter au moins 12 caractères.",
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
    assert response.headers["Location"] == f"/groupes/{world['other_group'].id}/carte"
    assert follow(client, response).status_code == 200


def test_joining_twice_says_so(client_as, world):
    client = client_as("stagiaire")
    response = post_form(client, "/rejoindre", {"code": "ORLAAA111"}, token_from="/")
    assert response.status_code == 303
    assert "Vous faites déjà partie de ce groupe." in text(follow(client, response))
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
