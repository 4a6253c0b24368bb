"""The command-line tools: create-user and the demo data."""

import os

from sqlalchemy import func, select

from allervers.auth.models import User
from allervers.core import vocab
from allervers.demo.training import ACCOUNTS, DEMO_PASSWORD
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.maps.models import CooperationLink, CooperationMap
from allervers.training.models import Group, Membership, TrainingSession
from tests.helpers import sign_in, text, visible_text


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_create_user(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-user", "--email", "Ana@Exemple.fr", "--password", "mot-de-passe-ok",
              "--role", "formateur", "--name", "Ana Formatrice"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ana@exemple.fr"))
    assert (user.role, user.name) == ("formateur", "Ana Formatrice")
    assert sign_in(app.test_client(), "ana@exemple.fr", "mot-de-passe-ok").status_code == 303


def test_create_user_refuses_bad_values(app):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["create-user", "--email", "a@b.fr", "--password", "court",
                                "--role", "admin"])  # fmt: skip
    assert short.exit_code != 0
    assert "au moins 12 caractères" in short.output
    own = runner.invoke(args=["create-user", "--email", "marie.dupont@b.fr", "--password",
                              "marie.dupont-2026", "--role", "admin"])  # fmt: skip
    assert own.exit_code != 0
    assert "Évitez votre nom, votre adresse e-mail" in own.output
    role = runner.invoke(args=["create-user", "--email", "a@b.fr", "--password", "assez-long-ok",
                               "--role", "roi"])  # fmt: skip
    assert role.exit_code != 0
    runner.invoke(args=["create-user", "--email", "a@b.fr", "--password", "assez-long-ok",
                        "--role", "admin"])  # fmt: skip
    again = runner.invoke(args=["create-user", "--email", "A@b.fr", "--password", "assez-long-ok",
                                "--role", "admin"])  # fmt: skip
    assert again.exit_code != 0
    assert "existe déjà" in again.output
    assert count(User) == 1


def test_demo_loads_the_brief_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    models = (User, Structure, TrainingSession, Group, Membership, CooperationMap, CooperationLink)
    totals = [count(model) for model in models]
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert [count(model) for model in models] == totals
    assert "admin@demo.allervers.fr" in first.output
    assert DEMO_PASSWORD in first.output


def test_demo_if_empty_leaves_a_used_database_alone(app, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert "non rechargée" in result.output
    assert count(TrainingSession) == 0


def test_demo_content_matches_design(app):
    app.test_cli_runner().invoke(args=["demo"])
    training = db.session.scalar(select(TrainingSession))
    assert "module 2" in training.title
    assert training.duration_days == 3
    assert training.duration_hours == 21
    assert training.registration_deadline.isoformat() == "2021-11-19"
    assert "DGCS" in training.partnership
    assert len(training.objectives) == 4
    assert "module 1" in training.prerequisites
    assert training.content.startswith("À venir")
    assert [g.name for g in training.groups] == ["Groupe 1 Orléans", "Groupe 2 Tours"]
    assert all(g.place is None and g.start_date is None for g in training.groups)
    roles = {row[2] for row in ACCOUNTS}
    assert roles == {"admin", "formateur", "stagiaire", "referent"}
    structures = db.session.scalars(select(Structure)).all()
    assert len(structures) >= 40
    assert {s.departement for s in structures} == {"45", "37"}
    sectors = {s.sector for s in structures}
    assert sectors == {entry.code for entry in vocab.load("secteurs")}
    assert all(s.phone is None and s.email is None for s in structures)
    trainees_with_structure = db.session.scalars(
        select(User).where(User.role == "stagiaire", User.structure_id.is_not(None))
    ).all()
    assert len(trainees_with_structure) == sum(1 for row in ACCOUNTS if row[2] == "stagiaire")


def test_demo_maps_cover_every_level_and_status(app):
    app.test_cli_runner().invoke(args=["demo"])
    trainees = db.session.scalars(select(User).where(User.role == "stagiaire")).all()
    for trainee in trainees:
        (own,) = db.session.scalars(
            select(CooperationMap).where(CooperationMap.owner_id == trainee.id)
        ).all()
        assert 8 <= len(own.live_entries) <= 20
        assert {link.level for link in own.live_links} >= set(range(6))
        assert {link.status for link in own.live_links} == {"existant", "souhaite", "difficile"}
    for group in db.session.scalars(select(Group)).all():
        group_map = db.session.scalar(
            select(CooperationMap).where(CooperationMap.group_id == group.id)
        )
        assert len(group_map.live_links) > 10


def test_demo_trainee_sees_the_brief(app):
    """Done-when: signed in as a demo trainee, the group and session pages show the brief."""
    app.test_cli_runner().invoke(args=["demo"])
    client = app.test_client()
    assert sign_in(client, "stagiaire.ccas@demo.allervers.fr", DEMO_PASSWORD).status_code == 303
    group = db.session.scalar(select(Group).where(Group.name == "Groupe 1 Orléans"))
    group_page = text(client.get(f"/groupes/{group.id}"))
    assert "Groupe 1 Orléans" in group_page
    assert "Orléans · lieu et dates à définir" in visible_text(client.get(f"/groupes/{group.id}"))
    assert "Stagiaire CCAS Orléans" in group_page
    session_page = text(client.get(f"/sessions/{group.session_id}"))
    for expected in (
        "La pratique de l'Aller Vers les publics – module 2",
        "Partenariat et cofinancement DGCS",
        "19 novembre 2021",
        "3 jours / 21 heures",
        "Mesurer le besoin et la possibilité de coopérer avec d'autres acteurs",
        "À venir – appel d'offres en cours",
        "Groupe 2 Tours",
    ):
        assert expected in session_page, expected


def test_demo_initiatives_cover_the_brief(app):
    from allervers.initiatives.models import Effect, Initiative, Presentation

    app.test_cli_runner().invoke(args=["demo"])
    app.test_cli_runner().invoke(args=["demo"])  # idempotent
    initiatives = db.session.scalars(select(Initiative)).all()
    assert len(initiatives) >= 8
    assert len({code for i in initiatives for code in i.technique_codes}) >= 10
    assert len({code for i in initiatives for code in i.public_codes}) >= 8
    assert {i.status for i in initiatives} == {"projet", "en_cours", "terminee"}
    assert {i.visibility for i in initiatives} == {"privee", "groupe", "base"}
    assert any("marché" in i.title for i in initiatives)
    departements = {i.structure.departement for i in initiatives}
    assert departements == {"45", "37"}
    dimensions = {e.dimension for e in db.session.scalars(select(Effect))}
    assert dimensions == {"personnes", "pratiques", "organisations"}
    groups = {p.group_id for p in db.session.scalars(select(Presentation))}
    assert len(groups) == 2


def test_demo_follow_up_has_assessments_and_attendance(app):
    from allervers.followup import assessment, tracking

    app.test_cli_runner().invoke(args=["demo"])
    app.test_cli_runner().invoke(args=["demo"])  # idempotent
    for group in db.session.scalars(select(Group)).all():
        status = assessment.assessment_status(group)
        assert all(status[trainee.id] == {"debut", "fin"} for trainee in group.trainees)
    first = db.session.scalar(select(Group).where(Group.name == "Groupe 1 Orléans"))
    hours = sorted(tracking.hours_attended(first).values())
    assert hours == [14.0, 21.0, 21.0]


def test_the_served_app_spares_requests_long_garbage_collections(tmp_path):
    # Frozen objects are skipped by the collector's full passes: without it, a worker holding
    # a few hundred thousand objects paused requests for 50–100 ms (make bench).
    import subprocess
    import sys

    script = "import gc, wsgi; print(gc.get_freeze_count(), gc.get_threshold()[0])"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}",
        "SECRET_KEY": "clé-de-test",
        "HUEY_DB": str(tmp_path / "jobs.sqlite"),
        "REDIS_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    frozen, young_threshold = map(int, done.stdout.split())
    assert frozen > 10_000  # the app, its libraries and templates' globals
    assert young_threshold >= 10_000
