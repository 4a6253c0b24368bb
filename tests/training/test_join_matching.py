"""The join form's typed structure: a sure match is reused, a close one is asked about."""

from sqlalchemy import func, select

from allervers.auth.models import User
from allervers.directory.models import Structure
from allervers.extensions import db
from tests.helpers import post_form, visible_text

TYPED = {
    "name": "Dominique Nouvelle",
    "email": "dominique@ccas-exemple.fr",
    "password": "une-phrase-de-passe",
    "confirm": "une-phrase-de-passe",
    "code": "ORLAAA111",
    "structure_id": "-1",
    "new_structure_name": "CCAS Fleury",
    "new_structure_commune": "",
}


def structure_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Structure))


def joined() -> User | None:
    return db.session.scalar(select(User).where(User.email == TYPED["email"]))


def test_a_close_name_is_asked_about_then_created_when_confirmed(client, world, make_structure):
    make_structure(name="CCAS de Fleury-les-Aubrais", commune="Fleury-les-Aubrais")
    data = {**TYPED, "new_structure_commune": "Fleury"}
    before = structure_count()
    response = post_form(client, "/rejoindre", data)
    assert response.status_code == 422
    page = visible_text(response)
    assert "Votre structure est peut-être déjà dans l'annuaire : CCAS de Fleury-les-Aubrais" in page
    assert "Ma structure n'est aucune de celles proposées" in page
    assert structure_count() == before
    assert joined() is None
    confirmed = post_form(client, "/rejoindre", {**data, "new_structure_confirmed": "y"})
    assert confirmed.status_code == 303
    assert joined().structure.name == "CCAS Fleury"
    assert structure_count() == before + 1


def test_a_sure_match_is_reused(client, world, make_structure):
    fleury = make_structure(name="CCAS de Fleury-les-Aubrais", commune="Fleury-les-Aubrais")
    data = {**TYPED, "new_structure_name": "Centre communal d'action sociale Fleury-les-Aubrais",
            "new_structure_commune": "Fleury-les-Aubrais"}  # fmt: skip
    before = structure_count()
    assert post_form(client, "/rejoindre", data).status_code == 303
    assert joined().structure_id == fleury.id
    assert structure_count() == before
