"""Session and group pages, their forms, invitation codes and members."""

from datetime import date

import pytest
from sqlalchemy import select

from allervers.extensions import db
from allervers.training.models import Group, TrainingSession
from tests.helpers import post_form, text

SESSION_FORM = {
    "title": "Aller vers – module 2",
    "module": "Module 2",
    "sectors": "Tous",
    "audience": "Travailleurs sociaux de niveau 6 et cadres",
    "duration_days": "3",
    "duration_hours": "21",
    "registration_deadline": "2021-11-19",
    "partnership": "Partenariat et cofinancement DGCS",
    "context": "Premier paragraphe.\nSecond paragraphe.",
    "objectives": "Objectif A\n\nObjectif B\n",
    "prerequisites": "Module 1",
    "content": "",
}


def test_session_page_shows_the_technical_sheet(client_as, world):
    world["session"].content = None
    db.session.commit()
    page = text(client_as("stagiaire").get(f"/sessions/{world['session'].id}"))
    for expected in (
        world["session"].title,
        "Travailleurs sociaux de niveau 6",
        "3 jours / 21 heures au maximum",
        "19 novembre 2021",
        "Groupe 1 Orléans",
        "Groupe 2 Tours",
        "lieu et dates à définir",
        "Objectif un",
        "à venir",
    ):
        assert expected in page, expected
    assert "Modifier la session" not in page


def test_group_dates_and_place_are_shown_the_french_way(client_as, world):
    group = world["group"]
    group.place, group.start_date, group.end_date = (
        "Salle 2, 1 rue X",
        date(2026, 3, 2),
        date(2026, 3, 4),
    )
    db.session.commit()
    page = text(client_as("stagiaire").get(f"/groupes/{group.id}"))
    assert "du 2 mars 2026 au 4 mars 2026" in page
    assert "Salle 2, 1 rue X" in page


def test_list_shows_only_the_sessions_one_belongs_to(client_as, world, make_session):
    make_session(title="Une autre session sans groupe")
    trainee = text(client_as("stagiaire").get("/sessions"))
    assert world["session"].title in trainee
    assert "Une autre session sans groupe" not in trainee
    assert "Une autre session sans groupe" in text(client_as("formateur").get("/sessions"))
    assert "Aucune session" in text(client_as("referent").get("/sessions"))


def test_sessions_list_paginates(app, client_as, world, make_session):
    app.config["PER_PAGE"] = 2
    for number in range(4):
        make_session(title=f"Session numéro {number}")
    client = client_as("admin")
    first = text(client.get("/sessions"))
    assert "Page 1 sur 3" in first
    last = text(client.get("/sessions?page=3"))
    assert "Page 3 sur 3" in last
    assert "Page 3 sur 3" in text(client.get("/sessions?page=99"))
    assert "Page 1 sur 3" in text(client.get("/sessions?page=abc"))


def test_formateur_creates_a_session(client_as, world):
    client = client_as("formateur")
    response = post_form(client, "/sessions/nouvelle", SESSION_FORM, token_from="/")
    assert response.status_code == 303
    training = db.session.scalar(
        select(TrainingSession).where(TrainingSession.title == "Aller vers – module 2")
    )
    assert training.objectives == ["Objectif A", "Objectif B"]
    assert training.content is None
    assert training.registration_deadline == date(2021, 11, 19)
    assert response.headers["Location"] == f"/sessions/{training.id}"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duration_days", "4", "La durée va de 1 à 3 jours."),
        ("duration_hours", "22", "La durée va de 1 à 21 heures."),
        ("duration_hours", "douze", "entier"),
        ("title", "  ", "Saisissez l'intitulé de la session."),
        ("objectives", "", "Saisissez au moins un objectif"),
        ("registration_deadline", "31/02/2021", "date"),
    ],
)
def test_session_form_refuses_bad_input(client_as, world, field, value, message):
    client = client_as("admin")
    before = db.session.scalars(select(TrainingSession)).all()
    response = post_form(
        client, "/sessions/nouvelle", {**SESSION_FORM, field: value}, token_from="/"
    )
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalars(select(TrainingSession)).all() == before


def test_hours_must_fit_in_the_days(client_as, world):
    data = {**SESSION_FORM, "duration_days": "1", "duration_hours": "14"}
    response = post_form(client_as("admin"), "/sessions/nouvelle", data, token_from="/")
    assert response.status_code == 422
    assert "Sur 1 jour, la durée ne peut dépasser 7 heures." in text(response)


def test_session_form_errors_as_fragment(client_as, world):
    client = client_as("admin")
    data = {**SESSION_FORM, "title": ""}
    response = post_form(client, "/sessions/nouvelle", data, htmx=True, token_from="/")
    assert response.status_code == 422
    assert "<html" not in text(response)
    assert "Saisissez l'intitulé" in text(response)


def test_edit_session_keeps_the_objectives(client_as, world):
    client = client_as("formateur")
    training = world["session"]
    form = text(client.get(f"/sessions/{training.id}/modifier"))
    assert "Objectif un\nObjectif deux" in form
    data = {**SESSION_FORM, "version": str(training.version)}
    response = post_form(client, f"/sessions/{training.id}/modifier", data, token_from="/")
    assert response.status_code == 303
    db.session.refresh(training)
    assert training.title == "Aller vers – module 2"
    assert training.version == 2


def test_concurrent_session_edit_gets_a_conflict_and_loses_nothing(client_as, world):
    training = world["session"]
    first, second = client_as("formateur"), client_as("admin")
    stale_version = str(training.version)
    post_form(first, f"/sessions/{training.id}/modifier",
              {**SESSION_FORM, "title": "Titre du premier", "version": stale_version},
              token_from="/")  # fmt: skip
    response = post_form(second, f"/sessions/{training.id}/modifier",
                         {**SESSION_FORM, "title": "Titre du second", "version": stale_version},
                         token_from="/")  # fmt: skip
    assert response.status_code == 409
    page = text(response)
    assert "Quelqu'un a modifié cette fiche" in page
    assert 'value="Titre du second"' in page
    assert "Valeur enregistrée entre-temps : « Titre du premier »" in page
    db.session.refresh(training)
    assert training.title == "Titre du premier"


def test_trainee_cannot_create_or_edit(client_as, world):
    client = client_as("stagiaire")
    assert post_form(client, "/sessions/nouvelle", SESSION_FORM, token_from="/").status_code == 404
    path = f"/sessions/{world['session'].id}/modifier"
    assert post_form(client, path, SESSION_FORM, token_from="/").status_code == 404


# ----- groups ---------------------------------------------------------------------------------

GROUP_FORM = {"name": "Groupe 3 Blois", "city": "Blois", "place": "", "start_date": "",
              "end_date": "", "capacity": "12"}  # fmt: skip


def test_formateur_creates_a_group_and_trains_it(client_as, world):
    client = client_as("formateur_autre")
    path = f"/sessions/{world['session'].id}/groupes/nouveau"
    assert f'<option selected value="{world["formateur_autre"].id}">' in text(client.get(path))
    data = {**GROUP_FORM, "trainer_ids": [str(world["formateur_autre"].id)]}
    response = post_form(client, path, data, token_from="/")
    assert response.status_code == 303
    group = db.session.scalar(select(Group).where(Group.name == "Groupe 3 Blois"))
    assert [user.id for user in group.trainers] == [world["formateur_autre"].id]
    assert group.current_code.code.startswith("BLO")
    page = text(client.get(response.headers["Location"]))
    assert "Code d'invitation" in page
    assert "lieu et dates à définir" in page


def test_group_dates_must_be_in_order(client_as, world):
    data = {**GROUP_FORM, "start_date": "2026-03-04", "end_date": "2026-03-02"}
    path = f"/sessions/{world['session'].id}/groupes/nouveau"
    response = post_form(client_as("admin"), path, data, token_from="/")
    assert response.status_code == 422
    assert "Le dernier jour ne peut pas précéder le premier." in text(response)


def test_only_the_groups_trainers_and_admins_manage_it(client_as, world):
    group = world["group"]
    page = text(client_as("formateur_autre").get(f"/groupes/{group.id}"))
    assert "Code d'invitation" not in page
    assert "ORL-AAA-111" not in page
    assert "ORL-AAA-111" in text(client_as("formateur").get(f"/groupes/{group.id}"))
    assert "ORL-AAA-111" in text(client_as("admin").get(f"/groupes/{group.id}"))
    for who in ("formateur_autre", "stagiaire", "referent"):
        client = client_as(who)
        assert post_form(client, f"/groupes/{group.id}/code", token_from="/").status_code == 404
    db.session.refresh(group)
    assert group.current_code.code == "ORLAAA111"


def test_edit_group_changes_trainers_and_place(client_as, world):
    group = world["group"]
    client = client_as("formateur")
    data = {**GROUP_FORM, "name": "Groupe 1 Orléans", "place": "Salle A",
            "trainer_ids": [str(world["formateur"].id), str(world["formateur_autre"].id)],
            "version": str(group.version)}  # fmt: skip
    response = post_form(client, f"/groupes/{group.id}/modifier", data, token_from="/")
    assert response.status_code == 303
    db.session.refresh(group)
    assert group.place == "Salle A"
    assert {u.id for u in group.trainers} == {world["formateur"].id, world["formateur_autre"].id}
    assert len(group.trainees) == 1  # trainees are untouched by the trainer list


def test_regenerate_code_as_fragment_and_without_javascript(client_as, world):
    group = world["group"]
    client = client_as("formateur")
    fragment = post_form(client, f"/groupes/{group.id}/code", htmx=True, token_from="/")
    assert fragment.status_code == 200
    body = text(fragment)
    assert body.lstrip().startswith('<section id="invitation"')
    assert "Un nouveau code a été créé" in body  # the message travels out of band
    assert 'hx-swap-oob="true"' in body
    plain = post_form(client, f"/groupes/{group.id}/code", token_from="/")
    assert plain.status_code == 303
    assert plain.headers["Location"] == f"/groupes/{group.id}"
    db.session.refresh(group)
    assert len(group.invitation_codes) == 3
    assert sum(code.revoked_at is None for code in group.invitation_codes) == 1


def test_close_code_then_reopen(client_as, world):
    group = world["group"]
    client = client_as("formateur")
    post_form(client, f"/groupes/{group.id}/code/fermer", token_from="/")
    assert "Les inscriptions sont fermées" in text(client.get(f"/groupes/{group.id}"))
    post_form(client, f"/groupes/{group.id}/code", token_from="/")
    db.session.refresh(group)
    assert group.current_code is not None


def test_remove_member(client_as, world):
    group, trainee = world["group"], world["stagiaire"]
    client = client_as("formateur")
    response = post_form(
        client, f"/groupes/{group.id}/membres/{trainee.id}/retirer", token_from="/"
    )
    assert response.status_code == 303
    assert client_as("stagiaire").get(f"/groupes/{group.id}").status_code == 404
    missing = post_form(client, f"/groupes/{group.id}/membres/99999/retirer", token_from="/")
    assert missing.status_code == 404


def test_group_page_lists_members_with_job_and_structure(client_as, world):
    page = text(client_as("stagiaire").get(f"/groupes/{world['group'].id}"))
    assert world["stagiaire"].name in page
    assert "ASS" in page
    assert "CCAS d'Orléans" in page
    assert world["formateur"].name in page
    assert world["stagiaire_autre"].name not in page


def test_dashboard_lists_my_groups(client_as, world):
    page = text(client_as("stagiaire").get("/"))
    assert "Groupe 1 Orléans" in page
    assert "Groupe 2 Tours" not in page
    assert "Vous ne faites partie d'aucun groupe." in text(client_as("referent").get("/"))
