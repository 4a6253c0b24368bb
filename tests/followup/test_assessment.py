"""Self-assessment: statements per session, windows, answering, who sees which answers."""

from datetime import timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select

from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.followup import assessment
from allervers.followup.models import Answer, AnswerSet, AssessmentStatement, AssessmentWindow
from allervers.training.models import Membership
from tests.helpers import csrf_token, post_form, text, visible_text


def _statements(world):
    return assessment.statements_of(world["session"])


def _group_url(world, suffix: str = "") -> str:
    return f"/groupes/{world['group'].id}/auto-positionnement{suffix}"


def _statements_url(world, suffix: str = "") -> str:
    return f"/sessions/{world['session'].id}/auto-positionnement{suffix}"


def _ratings(world, rating: int = 2, **overrides) -> dict:
    data = {f"s{s.id}": str(rating) for s in _statements(world)}
    data.update(overrides)
    return data


def _answer(client, world, moment="debut", data=None, **kwargs):
    path = _group_url(world, f"/{moment}")
    kwargs.setdefault("token_from", "/")
    return post_form(client, path, data if data is not None else _ratings(world), **kwargs)


def _sets() -> int:
    return db.session.scalar(select(func.count()).select_from(AnswerSet))


def _answers() -> list[tuple[int, int]]:
    return sorted(
        tuple(row) for row in db.session.execute(select(Answer.statement_id, Answer.rating))
    )


def _set_window(world, moment, opens_on, closes_on, group="group"):
    assessment.save_window(world[group], moment, opens_on, closes_on)


@pytest.fixture
def second_trainee(world, make_user):
    """Another trainee of the same group as `stagiaire`."""
    user = make_user("stagiaire", name="Zoé Seconde")
    db.session.add(
        Membership(group=world["group"], user=user, role="stagiaire", joined_at=utcnow())
    )
    db.session.commit()
    return user


# ----- statements -----------------------------------------------------------------------------


def test_default_statements_are_seeded_once_for_every_objective(world):
    first = _statements(world)
    again = _statements(world)
    assert [s.id for s in first] == [s.id for s in again]
    per_objective = {n: [s for s in first if s.objective == n] for n in (1, 2, 3, 4)}
    assert all(2 <= len(items) <= 3 for items in per_objective.values())
    assert any("partenaires avec qui coopérer" in s.text for s in per_objective[3])
    count = db.session.scalar(select(func.count()).select_from(AssessmentStatement))
    assert count == len(first)


def test_removed_statements_are_not_seeded_again(world):
    for statement in _statements(world):
        assessment.remove_statement(statement)
    assert _statements(world) == []


def test_staff_see_and_add_statements(client_as, world):
    client = client_as("formateur")
    page = client.get(_statements_url(world))
    assert page.status_code == 200
    assert "partenaires avec qui coopérer" in text(page)
    response = post_form(
        client,
        _statements_url(world),
        {"objective": "2", "text": "Je sais présenter une maraude à un partenaire"},
        token_from=_statements_url(world),
    )
    assert response.status_code == 303
    added = [s for s in _statements(world) if s.text.startswith("Je sais présenter")]
    assert added
    assert added[0].objective == 2
    assert added[0].position == max(s.position for s in _statements(world) if s.objective == 2)


def test_adding_a_statement_as_fragment_returns_the_list(client_as, world):
    client = client_as("admin")
    response = post_form(
        client,
        _statements_url(world),
        {"objective": "4", "text": "Je sais tenir un tableau de suivi"},
        htmx=True,
        token_from=_statements_url(world),
    )
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert "Je sais tenir un tableau de suivi" in text(response)
    assert "L'énoncé a été ajouté." in text(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"objective": "1", "text": "  "}, "Saisissez l'énoncé."),
        ({"objective": "5", "text": "Je sais"}, "Choisissez un objectif de 1 à 4."),
        ({"objective": "1", "text": "x" * 301}, "300 caractères au plus"),
    ],
)
def test_bad_statement_is_refused_and_nothing_saved(client_as, world, data, message):
    client = client_as("formateur")
    before = len(_statements(world))
    response = post_form(client, _statements_url(world), data, token_from=_statements_url(world))
    assert response.status_code == 422
    assert message in text(response)
    assert len(_statements(world)) == before


def test_edit_statement_with_version_and_conflict(client_as, world):
    client = client_as("formateur")
    statement = _statements(world)[0]
    path = _statements_url(world, f"/{statement.id}/modifier")
    assert client.get(path).status_code == 200
    data = {"objective": "1", "text": "Je sais me présenter", "version": str(statement.version)}
    assert post_form(client, path, data, token_from=path).status_code == 303
    db.session.refresh(statement)
    assert statement.text == "Je sais me présenter"
    stale = post_form(client, path, {**data, "text": "Autre texte"}, token_from=path)
    assert stale.status_code == 409
    assert "Quelqu'un a modifié" in text(stale)
    db.session.refresh(statement)
    assert statement.text == "Je sais me présenter"


def test_remove_restore_and_move_statements(client_as, world):
    client = client_as("formateur")
    first, second = (s for s in _statements(world) if s.objective == 1)
    removed = post_form(
        client, _statements_url(world, f"/{first.id}/supprimer"), token_from=_statements_url(world)
    )
    assert removed.status_code == 303
    db.session.refresh(first)
    assert first.deleted_at is not None  # soft delete
    assert first not in _statements(world)
    restored = post_form(
        client, _statements_url(world, f"/{first.id}/restaurer"), token_from=_statements_url(world)
    )
    assert restored.status_code == 303
    assert first in _statements(world)
    moved = post_form(
        client, _statements_url(world, f"/{first.id}/descendre"), token_from=_statements_url(world)
    )
    assert moved.status_code == 303
    order = [s.id for s in _statements(world) if s.objective == 1]
    assert order == [second.id, first.id]


@pytest.mark.parametrize("role", ["stagiaire", "referent"])
def test_statements_are_not_for_trainees_or_referents(client_as, world, role):
    client = client_as(role)
    statement = _statements(world)[0]
    assert client.get(_statements_url(world)).status_code == 404
    token = csrf_token(client, "/")
    response = client.post(
        _statements_url(world, f"/{statement.id}/supprimer"), data={"csrf_token": token}
    )
    assert response.status_code == 404
    db.session.refresh(statement)
    assert statement.deleted_at is None


# ----- windows --------------------------------------------------------------------------------


def test_default_windows_start_and_end_open_follow_up_closed(world):
    group = world["group"]
    assert assessment.is_open(group, "debut")
    assert assessment.is_open(group, "fin")
    assert not assessment.is_open(group, "suivi")


def test_window_dates_open_and_close_a_moment(world):
    group, today = world["group"], assessment.today()
    _set_window(world, "suivi", today, None)
    assert assessment.is_open(group, "suivi")
    _set_window(world, "debut", today - timedelta(days=10), today - timedelta(days=1))
    assert not assessment.is_open(group, "debut")
    _set_window(world, "fin", today + timedelta(days=1), None)
    assert not assessment.is_open(group, "fin")
    _set_window(world, "suivi", None, today + timedelta(days=3))
    assert not assessment.is_open(group, "suivi")  # the follow-up needs an opening date


def test_formateur_sets_a_window(client_as, world):
    client = client_as("formateur")
    page = client.get(_group_url(world, "/calendrier"))
    assert page.status_code == 200
    assert "reste fermé tant que" in text(page)
    today = assessment.today()
    path = _group_url(world, "/calendrier/suivi")
    response = post_form(
        client,
        path,
        {"opens_on": today.isoformat(), "closes_on": (today + timedelta(days=30)).isoformat()},
        token_from=_group_url(world, "/calendrier"),
    )
    assert response.status_code == 303
    window = assessment.window_of(world["group"], "suivi")
    assert window.opens_on == today
    assert assessment.is_open(world["group"], "suivi")


def test_window_closing_before_opening_is_refused(client_as, world):
    client = client_as("formateur")
    today = assessment.today()
    response = post_form(
        client,
        _group_url(world, "/calendrier/fin"),
        {"opens_on": today.isoformat(), "closes_on": (today - timedelta(days=1)).isoformat()},
        htmx=True,
        token_from=_group_url(world, "/calendrier"),
    )
    assert response.status_code == 422
    assert "<html" not in text(response)
    assert "La date de fermeture ne peut pas précéder la date d'ouverture." in text(response)
    assert today.isoformat() in text(response)  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(AssessmentWindow)) == 0


@pytest.mark.parametrize("role", ["formateur_autre", "stagiaire", "referent"])
def test_windows_are_for_the_groups_formateurs(client_as, world, role):
    client = client_as(role)
    assert client.get(_group_url(world, "/calendrier")).status_code == 404
    response = client.post(
        _group_url(world, "/calendrier/suivi"),
        data={"csrf_token": csrf_token(client, "/"), "opens_on": "2026-01-01"},
    )
    assert response.status_code == 404
    assert assessment.window_of(world["group"], "suivi") is None


def test_unknown_moment_is_404(client_as, world):
    assert client_as("stagiaire").get(_group_url(world, "/demain")).status_code == 404
    client = client_as("formateur")
    response = client.post(
        _group_url(world, "/calendrier/demain"), data={"csrf_token": csrf_token(client, "/")}
    )
    assert response.status_code == 404


# ----- answering ------------------------------------------------------------------------------


def test_the_questionnaire_has_a_radio_group_per_statement(client_as, world):
    response = client_as("stagiaire").get(_group_url(world, "/debut"))
    assert response.status_code == 200
    body = text(response)
    statements = _statements(world)
    assert body.count("<fieldset") == len(statements)
    assert body.count("<legend>") == len(statements)
    assert body.count('type="radio"') == 4 * len(statements)
    assert "Je sais faire et je peux l'expliquer" in body
    assert 'name="comment"' in body


def test_answering_creates_then_updates_one_set(client_as, world):
    client = client_as("stagiaire")
    response = _answer(client, world, token_from=_group_url(world, "/debut"))
    assert response.status_code == 303
    answer_set = assessment.answer_set_of(world["group"], world["stagiaire"], "debut")
    assert {a.rating for a in answer_set.answers} == {2}
    data = {**_ratings(world, 3), "comment": "Plus à l'aise", "version": str(answer_set.version)}
    again = _answer(client, world, data=data, token_from=_group_url(world, "/debut"))
    assert again.status_code == 303
    assert _sets() == 1
    db.session.refresh(answer_set)
    assert {a.rating for a in answer_set.answers} == {3}
    assert answer_set.comment == "Plus à l'aise"
    assert len(answer_set.answers) == len(_statements(world))


def test_the_form_shows_the_saved_answers(client_as, world):
    client = client_as("stagiaire")
    _answer(client, world, data={**_ratings(world, 4), "comment": "Déjà vu"})
    body = text(client.get(_group_url(world, "/debut?modifier=1")))
    assert body.count("checked") == len(_statements(world))
    assert "Déjà vu" in body


def test_once_submitted_the_answers_read_as_a_summary(client_as, world):
    client = client_as("stagiaire")
    response = _answer(client, world, data={**_ratings(world, 3), "comment": "Déjà vu"})
    assert response.headers["Location"].endswith(_group_url(world, "/debut"))
    page = client.get(_group_url(world, "/debut"))
    body = visible_text(page)
    assert "checked" not in page.get_data(as_text=True)  # not the form again
    first = _statements(world)[0]
    assert f"Objectif 1 — Objectif un {first.text} Je sais faire (niveau 3 sur 4)" in body
    assert "Commentaire Déjà vu" in body
    assert "Modifier mes réponses" in body
    assert 'href="' + _group_url(world, "/debut?modifier=1") + '"' in page.get_data(as_text=True)
    # htmx follows the redirect: the summary replaces the form in place.
    fragment = client.get(_group_url(world, "/debut"), headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).startswith('<div id="assessment-answer"')


def test_stale_version_is_a_conflict_and_changes_nothing(client_as, world):
    client = client_as("stagiaire")
    _answer(client, world)
    answer_set = assessment.answer_set_of(world["group"], world["stagiaire"], "debut")
    stale = {**_ratings(world, 4), "version": str(answer_set.version - 1)}
    response = _answer(client, world, data=stale)
    assert response.status_code == 409
    assert {rating for _sid, rating in _answers()} == {2}
    # A second tab that opened a blank form after the first answer: no silent overwrite.
    blank = _answer(client, world, data=_ratings(world, 4))
    assert blank.status_code == 409
    assert {rating for _sid, rating in _answers()} == {2}


def test_every_statement_is_required(client_as, world):
    client = client_as("stagiaire")
    missing = _statements(world)[1]
    data = _ratings(world, 3)
    del data[f"s{missing.id}"]
    response = _answer(client, world, data=data)
    assert response.status_code == 422
    assert f"Positionnez-vous sur « {missing.text} »." in text(response)
    assert _sets() == 0
    assert text(response).count("checked") == len(_statements(world)) - 1  # typed values kept


@pytest.mark.parametrize("bad", ["0", "5", "abc", "-1"])
def test_ratings_outside_the_scale_are_refused(client_as, world, bad):
    client = client_as("stagiaire")
    statement = _statements(world)[0]
    response = _answer(client, world, data=_ratings(world, 2, **{f"s{statement.id}": bad}))
    assert response.status_code == 422
    assert f"Choisissez un niveau de 1 à 4 pour « {statement.text} »." in text(response)
    assert _sets() == 0


def test_invalid_answer_as_fragment_is_422(client_as, world):
    client = client_as("stagiaire")
    response = _answer(client, world, data={"comment": "rien"}, htmx=True)
    assert response.status_code == 422
    assert "<html" not in text(response)
    assert 'id="assessment-answer"' in text(response)
    assert "rien" in text(response)


def test_service_refuses_ratings_out_of_range(world):
    statement = _statements(world)[0]
    with pytest.raises(assessment.AssessmentError):
        assessment.save_answers(world["group"], world["stagiaire"], "debut", {statement.id: 5}, "")
    assert _sets() == 0


def test_personal_data_in_the_comment_asks_for_confirmation(client_as, world):
    client = client_as("stagiaire")
    data = {**_ratings(world), "comment": "Appeler Mme X au 06 12 34 56 78"}
    refused = _answer(client, world, data=data)
    assert refused.status_code == 422
    assert "Je confirme que ce texte ne permet d'identifier aucune personne" in text(refused)
    assert _sets() == 0
    confirmed = _answer(client, world, data={**data, "confirm_no_personal_data": "y"})
    assert confirmed.status_code == 303
    assert _sets() == 1


def test_closed_questionnaire_refuses_answers(client_as, world):
    client = client_as("stagiaire")
    page = client.get(_group_url(world, "/suivi"))
    assert page.status_code == 200
    assert "Ce questionnaire est fermé" in text(page)
    response = _answer(client, world, moment="suivi", token_from="/")
    assert response.status_code == 422
    assert "Ce questionnaire est fermé" in text(response)
    assert _sets() == 0


def test_answers_cannot_change_after_the_window_closes(client_as, world):
    client = client_as("stagiaire")
    _answer(client, world)
    answer_set = assessment.answer_set_of(world["group"], world["stagiaire"], "debut")
    today = assessment.today()
    _set_window(world, "debut", today - timedelta(days=5), today - timedelta(days=1))
    data = {**_ratings(world, 4), "version": str(answer_set.version)}
    response = _answer(client, world, data=data, token_from="/")
    assert response.status_code == 422
    assert "Ce questionnaire est fermé" in text(response)
    assert {rating for _sid, rating in _answers()} == {2}


@pytest.mark.parametrize("role", ["formateur", "admin", "stagiaire_autre", "referent"])
def test_only_the_groups_trainees_answer(client_as, world, role):
    client = client_as(role)
    assert client.get(_group_url(world, "/debut")).status_code == 404
    response = _answer(client, world, token_from="/")
    assert response.status_code == 404
    assert _sets() == 0


# ----- reading the answers --------------------------------------------------------------------


def test_trainee_sees_own_answers_side_by_side(client_as, world):
    client = client_as("stagiaire")
    _answer(client, world, data={**_ratings(world, 1), "comment": "Au début"})
    _answer(client, world, moment="fin", data=_ratings(world, 3))
    response = client.get(_group_url(world))
    assert response.status_code == 200
    page = visible_text(response)
    assert "Mon auto-positionnement" in page
    assert "Début de formation Fin de formation Suivi à distance" in page
    first = _statements(world)[0]
    assert f"{first.text} 1 Je ne sais pas faire 3 Je sais faire —" in page
    assert "Au début" in page
    assert "Modifier mes réponses" in page
    assert "(questionnaire fermé)" in page  # the follow-up, without dates


def test_trainee_may_open_own_answers_page_but_not_anothers(client_as, world, second_trainee):
    client = client_as("stagiaire")
    assert client.get(_group_url(world, f"/stagiaires/{world['stagiaire'].id}")).status_code == 200
    assert client.get(_group_url(world, f"/stagiaires/{second_trainee.id}")).status_code == 404


@pytest.mark.parametrize("role", ["formateur_autre", "stagiaire_autre", "referent"])
def test_others_get_404_on_answers(client_as, world, role):
    assessment.save_answers(
        world["group"], world["stagiaire"], "debut", {s.id: 2 for s in _statements(world)}, None
    )
    client = client_as(role)
    assert client.get(_group_url(world)).status_code == 404
    person = client.get(_group_url(world, f"/stagiaires/{world['stagiaire'].id}"))
    assert person.status_code == 404
    assert "Page introuvable" in text(person)


def test_a_non_trainee_has_no_answers_page(client_as, world):
    client = client_as("formateur")
    assert client.get(_group_url(world, f"/stagiaires/{world['formateur'].id}")).status_code == 404
    assert client.get(_group_url(world, "/stagiaires/999999")).status_code == 404


def test_group_view_shows_distribution_chart_and_who_answered(client_as, world, second_trainee):
    statements = _statements(world)
    assessment.save_answers(
        world["group"], world["stagiaire"], "debut", {s.id: 1 for s in statements}, None
    )
    assessment.save_answers(
        world["group"], second_trainee, "debut", {s.id: 2 for s in statements}, None
    )
    assessment.save_answers(
        world["group"], world["stagiaire"], "fin", {s.id: 4 for s in statements}, None
    )
    for role in ("formateur", "admin"):
        response = client_as(role).get(_group_url(world))
        assert response.status_code == 200
        body = text(response)
        assert body.count("<svg") >= len(statements)
        assert 'role="img"' in body
        assert "Début : 1 au niveau 1, 1 au niveau 2, 0 au niveau 3, 0 au niveau 4" in body
        assert "Fin : 0 au niveau 1, 0 au niveau 2, 0 au niveau 3, 1 au niveau 4" in body
        page = visible_text(response)
        assert "Début 1 1 0 0 2" in page  # the table beside the chart
        assert "Fin 0 0 0 1 1" in page
        assert world["stagiaire"].name in page
        assert "Zoé Seconde" in page
        assert "2 / 2" in page  # answered the start
        assert "0 / 2" in page  # the follow-up
        assert f"/stagiaires/{second_trainee.id}" in body


def test_formateur_opens_a_trainees_answers(client_as, world):
    assessment.save_answers(
        world["group"], world["stagiaire"], "debut", {s.id: 3 for s in _statements(world)}, "Bien"
    )
    response = client_as("formateur").get(_group_url(world, f"/stagiaires/{world['stagiaire'].id}"))
    assert response.status_code == 200
    assert f"Auto-positionnement de {world['stagiaire'].name}" in text(response)
    assert "Bien" in text(response)
    assert "Modifier mes réponses" not in text(response)


def test_group_view_as_fragment(client_as, world):
    response = client_as("formateur").get(_group_url(world), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert 'id="assessment-group"' in text(response)
    assert "HX-Request" in response.headers["Vary"]


# ----- services for the group page and the dashboard ------------------------------------------


def test_assessment_status_lists_every_trainee(world, second_trainee):
    ratings = {s.id: 2 for s in _statements(world)}
    assessment.save_answers(world["group"], world["stagiaire"], "debut", ratings, None)
    assessment.save_answers(world["group"], world["stagiaire"], "fin", ratings, None)
    assert assessment.assessment_status(world["group"]) == {
        world["stagiaire"].id: {"debut", "fin"},
        second_trainee.id: set(),
    }


def test_summary_per_viewer(world, second_trainee):
    ratings = {s.id: 2 for s in _statements(world)}
    assessment.save_answers(world["group"], world["stagiaire"], "debut", ratings, None)
    for viewer in ("formateur", "admin"):
        summary = assessment.assessment_summary(world[viewer], world["group"])
        assert summary["total"] == 2
        assert summary["answered"] == {"debut": 1, "fin": 0, "suivi": 0}
    mine = assessment.assessment_summary(world["stagiaire"], world["group"])
    assert mine["open"] == ["debut", "fin"]
    assert mine["answered"] == {"debut"}
    for viewer in ("formateur_autre", "stagiaire_autre", "referent"):
        assert assessment.assessment_summary(world[viewer], world["group"]) is None


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("formateur", "1 / 1 stagiaire a répondu au début, 0 / 1 à la fin"),
        ("stagiaire", "Mon auto-positionnement"),
        ("formateur_autre", None),
    ],
)
def test_group_summary_include(app, world, viewer, expected):
    assessment.save_answers(
        world["group"], world["stagiaire"], "debut", {s.id: 2 for s in _statements(world)}, None
    )
    with app.test_request_context("/"):
        login_user(world[viewer])
        html = render_template("followup/assessment/_group_summary.html", group=world["group"])
    if expected is None:
        assert html.strip() == ""
    else:
        assert expected in " ".join(html.split())
        assert f"/groupes/{world['group'].id}/auto-positionnement" in html


def test_window_saved_meanwhile_is_a_conflict(client_as, world):
    today = assessment.today()
    _set_window(world, "suivi", today, None)
    client = client_as("formateur")
    data = {"opens_on": (today + timedelta(days=7)).isoformat(), "version": "0"}
    response = post_form(client, _group_url(world, "/calendrier/suivi"), data, token_from="/")
    assert response.status_code == 409
    assert "Quelqu'un a modifié ces dates" in text(response)
    assert assessment.window_of(world["group"], "suivi").opens_on == today


def test_window_saved_as_fragment_returns_the_forms(client_as, world):
    client = client_as("admin")
    today = assessment.today()
    response = post_form(
        client,
        _group_url(world, "/calendrier/suivi"),
        {"opens_on": today.isoformat()},
        htmx=True,
        token_from="/",
    )
    assert response.status_code == 200
    assert "<html" not in text(response)
    assert "Les dates « Suivi à distance » sont enregistrées." in text(response)
    assert 'id="suivi-opens_on"' in text(response)  # three forms, distinct ids
    assert assessment.is_open(world["group"], "suivi")
