"""Attendance, the trainer's dashboard, the objectives tracker and the session report."""

import re
from datetime import date

import pytest

from allervers.analysis.services import take_snapshot
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.followup import tracking
from allervers.followup.models import Answer, AnswerSet, AssessmentStatement
from allervers.initiatives import presentations
from allervers.initiatives import services as initiatives
from allervers.maps import services as maps
from tests.helpers import post_form, sign_in, text, visible_text


def attendance_path(world) -> str:
    return f"/groupes/{world['group'].id}/emargement"


def test_attendance_is_recorded_and_summed(client_as, world, make_user):
    from allervers.training.models import Membership

    other = make_user("stagiaire", name="Bob Stagiaire")
    world["group"].memberships.append(Membership(user=other, role="stagiaire", joined_at=utcnow()))
    db.session.commit()
    client = client_as("formateur")
    me, bob = world["stagiaire"].id, other.id
    data = {
        f"present-{me}-{day}-{half}": "1" for day in (1, 2, 3) for half in ("matin", "apres_midi")
    }
    data.update({f"present-{bob}-1-matin": "1", f"present-{bob}-2-apres_midi": "1"})
    response = post_form(client, attendance_path(world), data, token_from=attendance_path(world))
    assert response.status_code == 303
    assert tracking.hours_attended(world["group"]) == {me: 21.0, bob: 7.0}
    page = visible_text(client.get(attendance_path(world)))
    assert "21 h" in page
    assert "7 h" in page
    # unticking a half-day makes it an absence
    del data[f"present-{bob}-1-matin"]
    post_form(client, attendance_path(world), data, token_from=attendance_path(world))
    assert tracking.hours_attended(world["group"])[bob] == 3.5


def test_only_the_groups_trainers_record_attendance(client_as, world):
    for role in ("stagiaire", "formateur_autre", "referent"):
        client = client_as(role)
        assert client.get(attendance_path(world)).status_code == 404
        data = {f"present-{world['stagiaire'].id}-1-matin": "1"}
        assert post_form(client, attendance_path(world), data, token_from="/").status_code == 404
    assert tracking.hours_attended(world["group"])[world["stagiaire"].id] == 0


@pytest.fixture
def progress(world, make_structure):
    """The trainee's work: a wished link, a snapshot, a shared initiative with two effects."""
    own = world["map"]
    mission = make_structure(name="Mission locale de l'Orléanais")
    maps.add_entry(own, mission, {})
    maps.save_link(own, world["structure"].id, mission.id, {"status": "souhaite", "level": None})
    take_snapshot(own, "Début de formation", world["stagiaire"])
    fields = {"title": "Maraude du mardi", "visibility": "groupe", "group_id": world["group"].id}
    shared = initiatives.create_initiative(
        world["stagiaire"],
        {**fields, "structure_id": world["structure"].id, "techniques": ["maraude", "binome"]},
    )
    initiatives.create_initiative(
        world["stagiaire"], {"title": "Brouillon", "techniques": ["porte-a-porte"]}
    )
    effect = {"dimension": "personnes", "indicator_code": "rencontrees", "value": 5.0}
    for day in (1, 2):
        initiatives.add_effect(
            shared, {**effect, "observed_on": date(2026, 10, day)}, world["stagiaire"]
        )
    presentation = presentations.create_presentation(world["formateur"], "Cas", world["group"])
    presentations.add_item(presentation, shared)
    return {"initiative": shared}


def dashboard_row(page: str, name: str) -> list[str]:
    row = re.search(rf"<th scope=\"row\">{re.escape(name)}</th>(.*?)</tr>", page, re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in row.split("</td>")[:-1]]


def test_dashboard_figures_per_trainee(client_as, world, progress):
    page = text(client_as("formateur").get(f"/groupes/{world['group'].id}/tableau-de-bord"))
    cells = dashboard_row(page, world["stagiaire"].name)
    # joined, map, structures, links, wished, snapshots, shared initiatives, effects
    assert cells[1] == "commencée"
    assert cells[2:8] == ["3", "1", "1", "1", "1", "2"]
    assert "C'est votre première visite" in page


def test_dashboard_says_what_changed_since_the_last_visit(client_as, world):
    client = client_as("formateur")
    path = f"/groupes/{world['group'].id}/tableau-de-bord"
    client.get(path)
    initiatives.create_initiative(
        world["stagiaire"],
        {"title": "Nouvelle permanence", "visibility": "base", "consent": True},
    )
    page = visible_text(client.get(path))
    assert "Depuis votre dernière visite" in page
    assert "1 initiative partagée ou mise à jour : Nouvelle permanence" in page
    assert client_as("formateur_autre").get(path).status_code == 404


@pytest.fixture
def unseen_work(world, progress):
    """What the group's formateur may not open: the trainee's private draft, and an initiative
    she shares with her other group (Tours), each with an effect."""
    from allervers.initiatives.models import Initiative
    from allervers.training.models import Membership

    trainee = world["stagiaire"]
    world["other_group"].memberships.append(
        Membership(user=trainee, role="stagiaire", joined_at=utcnow())
    )
    db.session.commit()
    draft = db.session.scalars(db.select(Initiative).filter_by(title="Brouillon")).one()
    tours = initiatives.create_initiative(
        trainee,
        {"title": "Atelier de Tours", "visibility": "groupe", "group_id": world["other_group"].id},
    )
    effect = {"dimension": "personnes", "indicator_code": "rencontrees", "value": 3.0}
    for initiative in (draft, tours):
        initiatives.add_effect(
            initiative, {**effect, "observed_on": date(2026, 10, 5)}, world["stagiaire"]
        )
    return {"draft": draft, "tours": tours}


@pytest.mark.parametrize(
    ("role", "shared", "effects"), [("formateur", "1", "2"), ("admin", "2", "3")]
)
def test_dashboard_counts_only_what_the_viewer_may_open(
    client_as, world, unseen_work, role, shared, effects
):
    """Before: « 3 (2) » initiatives and 4 effects, the private draft and the initiative shared
    with another group counted for a formateur who may open neither (admins see group-shared
    initiatives, never a private draft)."""
    page = text(client_as(role).get(f"/groupes/{world['group'].id}/tableau-de-bord"))
    cells = dashboard_row(page, world["stagiaire"].name)
    assert cells[6:8] == [shared, effects]
    assert "Initiatives partagées" in page


def test_dashboard_changes_leave_out_what_the_viewer_may_not_open(client_as, world, unseen_work):
    client = client_as("formateur")
    path = f"/groupes/{world['group'].id}/tableau-de-bord"
    client.get(path)
    effect = {"dimension": "personnes", "indicator_code": "rencontrees", "value": 1.0}
    for initiative in unseen_work.values():
        initiative.summary = "Mise à jour"
        db.session.commit()
        initiatives.add_effect(
            initiative, {**effect, "observed_on": date(2026, 10, 9)}, world["stagiaire"]
        )
    page = visible_text(client.get(path))
    assert "0 initiative partagée ou mise à jour" in page
    assert "Atelier de Tours" not in page
    assert "0 effet noté" in page


def test_the_report_lists_only_what_the_viewer_may_open(client_as, world, unseen_work):
    page = visible_text(client_as("formateur").get(f"/groupes/{world['group'].id}/rapport"))
    assert "Maraude du mardi" in page
    assert "Atelier de Tours" not in page
    assert "Brouillon" not in page
    assert "1 initiative partagée" in page
    assert "2 effets notés" in page
    admin_page = visible_text(client_as("admin").get(f"/groupes/{world['group'].id}/rapport"))
    assert "Atelier de Tours" in admin_page
    assert "Brouillon" not in admin_page


def test_group_page_counts_only_the_viewers_share_of_private_work(
    client_as, world, progress, make_user
):
    """Another trainee of the group sees the group's shared work counted, never the trainee's
    own map, wished links and personal actions (before: « 1 carte · 1 lien souhaité · 1
    action »)."""
    from allervers.training.models import Membership
    from tests.followup.journal_pages import personal_action

    personal_action(world)
    bob = make_user("stagiaire", name="Bob Stagiaire")
    world["group"].memberships.append(Membership(user=bob, role="stagiaire", joined_at=utcnow()))
    db.session.commit()
    path = f"/groupes/{world['group'].id}"
    bobs = client_as("anonyme")
    assert sign_in(bobs, bob.email).status_code == 303
    seen_by_bob = visible_text(bobs.get(path))
    assert "0 carte · 0 lien souhaité · 0 action au plan" in seen_by_bob
    assert "1 initiative partagée" in seen_by_bob  # shared with the group: his to see
    seen_by_trainer = visible_text(client_as("formateur").get(path))
    assert "1 carte · 1 lien souhaité · 1 action au plan" in seen_by_trainer


def test_objectives_evidence_counts(app, world, progress):
    found = tracking.evidence([world["group"]], world["formateur"])
    assert found.shared_initiatives == 1  # the draft stays private
    assert found.presented_initiatives == 1
    assert found.techniques == ["binome", "maraude"]
    assert found.maps == 1
    assert found.wished_links == 1
    assert found.effects == 2
    assert found.maps_with_snapshot == 1


def test_group_and_session_pages_show_the_objectives(client_as, world, progress):
    group_page = visible_text(client_as("stagiaire").get(f"/groupes/{world['group'].id}"))
    assert "1 initiative partagée · 1 présentée en 1 présentation" in group_page
    assert "2 techniques identifiées" in group_page
    assert "2 effets notés · 1 carte avec un instantané" in group_page
    session_page = visible_text(client_as("admin").get(f"/sessions/{world['session'].id}"))
    assert "Les objectifs du module" in session_page
    assert "1 carte · 1 lien souhaité" in session_page


def test_the_report_holds_the_session_people_assessment_network_and_effects(
    client_as, world, progress
):
    statement = AssessmentStatement(
        session_id=world["session"].id, objective=3, text="Je repère mes partenaires"
    )
    db.session.add(statement)
    db.session.flush()
    for moment, rating in (("debut", 1), ("fin", 4)):
        answer_set = AnswerSet(
            group_id=world["group"].id,
            user_id=world["stagiaire"].id,
            moment=moment,
            submitted_at=utcnow(),
            answers=[Answer(statement_id=statement.id, rating=rating)],
        )
        db.session.add(answer_set)
    db.session.commit()
    client = client_as("formateur")
    page = visible_text(client.get(f"/groupes/{world['group'].id}/rapport"))
    assert "La pratique de l'Aller Vers les publics – module 2" in page
    assert world["stagiaire"].name in page
    assert "CCAS d'Orléans" in page
    assert "Je repère mes partenaires 1,00 (1) 4,00 (1)" in page
    assert "Maraude du mardi" in page
    assert "Personnes rencontrées" in page
    html = text(client.get(f"/groupes/{world['group'].id}/rapport"))
    assert "<svg" in html  # the aggregate graph, drawn for print
    assert "Diagnostic" in html
    assert client_as("stagiaire").get(f"/groupes/{world['group'].id}/rapport").status_code == 404


def test_the_gap_list_leads_to_the_action_plan(client_as, world):
    link = world["link"]
    link.desired_level = 4
    db.session.commit()
    owner_page = text(client_as("stagiaire").get(f"/cartes/{world['map'].id}/analyse"))
    assert f"/plan-d-action/nouvelle?carte={world['map'].id}" in owner_page
    trainer_page = text(client_as("formateur").get(f"/cartes/{world['map'].id}/analyse"))
    assert "/plan-d-action/nouvelle" not in trainer_page  # the trainer reads, the owner plans
