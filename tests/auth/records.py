"""A record in every table, most of them pointing at the world's trainee (`stagiaire`).

Used by the personal-data export, account deletion and backup tests. The trainee is given a
reference in every column that points at users.id, even where only formateurs act in the
app (attendance, dashboard), so that deleting her exercises every rule.
"""

from datetime import date, timedelta

from allervers.admin import settings
from allervers.analysis import dismissals
from allervers.analysis import services as analysis
from allervers.auth import second_factor
from allervers.auth import services as accounts
from allervers.auth.models import PasswordReset
from allervers.core.timeutil import utcnow
from allervers.directory import services as directory
from allervers.directory.services import build_structure
from allervers.extensions import db
from allervers.followup import assessment, plans, tracking
from allervers.initiatives import presentations, techniques
from allervers.initiatives import services as initiatives
from allervers.maps import services as maps

SHARED_TITLE = "Permanence au marché de La Source"
PRIVATE_TITLE = "Brouillon confidentiel de maraude"
OTHER_TITLE = "Maraude du vendredi à Tours"


def _initiative(author, **fields):
    values = {
        "summary": "Une présence hebdomadaire au marché.",
        "status": "en_cours",
        "visibility": "privee",
        "techniques": ["lieux-de-vie"],
        "publics": ["personnes-agees"],
        "consent": True,
        **fields,
    }
    return initiatives.create_initiative(author, values)


def _effect(initiative, by, comment: str):
    values = {
        "observed_on": date(2026, 10, 1),
        "dimension": "personnes",
        "indicator_code": "rencontrees",
        "value": 12.0,
        "comment": comment,
    }
    return initiatives.add_effect(initiative, values, by)


def _directory(world) -> dict:
    trainee = world["stagiaire"]
    created = maps.new_structure("Épicerie solidaire Saint-Marceau", "Orléans", None, trainee)
    duplicate = build_structure(
        name="C.A.F. du Loiret", commune="Orléans", typology="CAF", publics=["jeunes"]
    )
    db.session.add(duplicate)
    db.session.commit()
    merge = directory.merge_structures(directory.plan_merge(world["partner"], duplicate), trainee)
    return {"created_structure": created, "merge": merge}


def _maps(world) -> dict:
    trainee, other = world["stagiaire"], world["stagiaire_autre"]
    analysis.analyse_map(world["map"])  # cached in analysis_results
    set_aside = build_structure(name="Point conseil budget", commune="Orléans", typology="ASSO")
    db.session.add(set_aside)
    db.session.commit()
    dismissals.dismiss(world["map"], set_aside, trainee)
    dismissals.dismiss(world["group_map"], set_aside, trainee)  # kept, without her name
    return {
        "snapshot": analysis.take_snapshot(world["map"], "Début de formation", trainee),
        "group_snapshot": analysis.take_snapshot(world["group_map"], "Carte du groupe", trainee),
        "other_map": maps.create_map(other, "Carte des partenaires de Tours", "Tours", None),
    }


def _initiatives(world) -> dict:
    trainee, other, trainer = world["stagiaire"], world["stagiaire_autre"], world["formateur"]
    shared = _initiative(trainee, title=SHARED_TITLE, visibility="base", structure_id=None)
    group_shared = _initiative(
        trainee,
        title="Café des aidants",
        visibility="groupe",
        group_id=world["group"].id,
        structure_id=world["structure"].id,
    )
    private = _initiative(trainee, title=PRIVATE_TITLE)
    others = _initiative(other, title=OTHER_TITLE, visibility="base")
    initiatives.add_partner(shared, world["partner"], "Co-animation du stand")
    initiatives.add_partner(private, world["partner"], "Prêt du véhicule")
    _effect(shared, trainee, "Beaucoup de passage au stand.")
    _effect(private, trainee, "Premier essai.")
    _effect(others, trainee, "Observé lors d'une visite croisée.")
    initiatives.save_draft(shared, {"summary": "Texte en cours, jamais publié."})
    techniques.save_note(
        "maraude", {"description": "D", "conditions": "C", "vigilance": "V"}, trainee, None
    )
    mine = presentations.create_presentation(trainee, "Mes cas pour le groupe", world["group"])
    presentations.add_item(mine, shared)
    trainers = presentations.create_presentation(trainer, "Cas du groupe 1", world["group"])
    presentations.add_item(trainers, shared)
    presentations.add_item(trainers, group_shared)
    return {
        "shared": shared,
        "group_shared": group_shared,
        "private": private,
        "others": others,
        "presentation": mine,
        "trainer_presentation": trainers,
    }


def _followup(world, records: dict) -> dict:
    trainee, other, trainer = world["stagiaire"], world["stagiaire_autre"], world["formateur"]
    group = world["group"]
    statements = assessment.statements_of(world["session"])
    today = assessment.today()
    assessment.save_window(group, "debut", today - timedelta(days=1), today + timedelta(days=1))
    assessment.save_answers(
        group, trainee, "debut", {statements[0].id: 3}, "Je découvre le réseau."
    )
    action = plans.create_action(
        trainee,
        {"description": "Rencontrer la CAF", "status": "prevue", "map_id": world["map"].id},
    )
    group_action = plans.create_action(
        trainee,
        {"description": "Réunir les partenaires", "group_id": group.id, "map_id": world["map"].id},
    )
    note = plans.create_note(
        trainee, {"text": "Ma première maraude.", "initiative_id": records["private"].id}
    )
    trainer_note = plans.create_note(
        trainer, {"text": "Relire avec le groupe.", "initiative_id": records["private"].id}
    )
    others_note = plans.create_note(other, {"text": "Note de Tours, rien à voir."})
    tracking.record_attendance(group, {(trainee.id, 1, "matin")}, trainer)
    tracking.record_attendance(world["other_group"], {(other.id, 1, "matin")}, trainee)
    tracking.mark_visit(trainee, group)
    tracking.mark_visit(trainer, group)
    return {
        "action": action,
        "group_action": group_action,
        "note": note,
        "trainer_note": trainer_note,
        "others_note": others_note,
    }


def _accounts(world) -> None:
    trainee = world["stagiaire"]
    world["session"].created_by_id = trainee.id
    db.session.commit()
    accounts.open_session(trainee, "192.0.2.10")
    accounts.sign_in(trainee.email, "pas le bon mot de passe", "192.0.2.10")
    db.session.commit()
    second_factor.begin(trainee)
    second_factor.new_recovery_codes(trainee)
    settings.set_second_factor_required(False)
    now = utcnow()
    db.session.add(
        PasswordReset(
            user_id=trainee.id,
            token_digest="0" * 64,
            created_at=now,
            expires_at=now + timedelta(hours=24),
            issued_by_id=world["admin"].id,
        )
    )
    db.session.commit()


def fill_every_table(world) -> dict:
    records = {**_directory(world), **_maps(world)}
    records.update(_initiatives(world))
    records.update(_followup(world, records))
    _accounts(world)
    return records
