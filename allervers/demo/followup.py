"""Demo follow-up: start and end self-assessments for every demo trainee, attendance of
Groupe 1 (two half-days missed), so that the dashboard and the report have something to show."""

from sqlalchemy import select

from allervers.extensions import db
from allervers.followup import assessment, tracking
from allervers.followup.models import AnswerSet
from allervers.training.models import Group

COMMENTS = {
    "debut": "Je découvre la cartographie des partenaires.",
    "fin": "Je sais maintenant repérer qui manque autour de moi.",
}


def load_demo_followup() -> None:
    if db.session.scalar(select(AnswerSet).limit(1)) is not None:
        return
    for group in db.session.scalars(select(Group).order_by(Group.id)).all():
        statements = assessment.statements_of(group.session)
        for number, trainee in enumerate(group.trainees):
            for moment, base in (("debut", 1), ("fin", 3)):
                ratings = {
                    statement.id: min(4, base + (number + index) % 2)
                    for index, statement in enumerate(statements)
                }
                assessment.save_answers(group, trainee, moment, ratings, COMMENTS[moment])
    first = db.session.scalar(select(Group).where(Group.name == "Groupe 1 Orléans"))
    trainer = next(iter(first.trainers), None)
    if first is not None and trainer is not None:
        present = {
            (trainee.id, day, half)
            for number, trainee in enumerate(first.trainees)
            for day, half in tracking.half_days(first)
            if not (number == 1 and day == 3)  # one trainee missed the last day
        }
        tracking.record_attendance(first, present, trainer)
