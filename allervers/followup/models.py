"""Following the training: self-assessment, action plans, practice journal, attendance."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from allervers.core.models import SoftDeleteMixin, TimestampMixin, VersionedMixin
from allervers.extensions import db

# The three moments of the self-assessment, in order.
MOMENTS = {"debut": "Début de formation", "fin": "Fin de formation", "suivi": "Suivi à distance"}
# The 4-level scale, 1 to 4.
SCALE = {
    1: "Je ne sais pas faire",
    2: "Je sais un peu faire",
    3: "Je sais faire",
    4: "Je sais faire et je peux l'expliquer",
}
ACTION_STATUSES = {
    "prevue": "Prévue",
    "en_cours": "En cours",
    "faite": "Faite",
    "abandonnee": "Abandonnée",
}
HALF_DAYS = {"matin": "Matin", "apres_midi": "Après-midi"}


class AssessmentStatement(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """One statement to rate, under one of the module's four objectives, for a session."""

    __tablename__ = "assessment_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    objective: Mapped[int]  # 1 to 4, the module's objectives in order
    text: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)


class AssessmentWindow(TimestampMixin, VersionedMixin, db.Model):
    """When a group's trainees may fill in (or change) their answers for one moment."""

    __tablename__ = "assessment_windows"
    __table_args__ = (UniqueConstraint("group_id", "moment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    moment: Mapped[str] = mapped_column(String(10))
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]


class AnswerSet(TimestampMixin, VersionedMixin, db.Model):
    """A trainee's answers for one moment in one group (one set per trainee and moment)."""

    __tablename__ = "assessment_answer_sets"
    __table_args__ = (UniqueConstraint("group_id", "user_id", "moment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    moment: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime]

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="answer_set", cascade="all, delete-orphan"
    )


class Answer(db.Model):
    __tablename__ = "assessment_answers"
    __table_args__ = (UniqueConstraint("answer_set_id", "statement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_set_id: Mapped[int] = mapped_column(ForeignKey("assessment_answer_sets.id"), index=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("assessment_statements.id"), index=True)
    rating: Mapped[int]  # 1 to 4 (SCALE)

    answer_set: Mapped[AnswerSet] = relationship(back_populates="answers")


class Action(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """A commitment taken from the gap list: cooperate with a partner up to a level, by a date.

    A trainee's own action, or the group's (owner_id None, group_id set).
    """

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    map_id: Mapped[int | None] = mapped_column(ForeignKey("cooperation_maps.id"))
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))
    target_level: Mapped[int | None]
    description: Mapped[str] = mapped_column(String(300))
    who: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="prevue")
    review_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    structure: Mapped["Structure | None"] = relationship()  # noqa: F821


class JournalNote(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """A short reflexive note, private unless its author shares it with the formateurs."""

    __tablename__ = "journal_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id"))
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))
    text: Mapped[str] = mapped_column(Text)
    shared_with_trainers: Mapped[bool] = mapped_column(default=False, server_default=false())

    initiative: Mapped["Initiative | None"] = relationship()  # noqa: F821
    structure: Mapped["Structure | None"] = relationship()  # noqa: F821


class Attendance(TimestampMixin, db.Model):
    """A trainee's presence for one half-day of the group's session (days numbered 1 to 3)."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("group_id", "user_id", "day", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[int]
    half: Mapped[str] = mapped_column(String(12))
    present: Mapped[bool] = mapped_column(default=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DashboardVisit(db.Model):
    """When a formateur last opened a group's dashboard: « what changed since the last visit »."""

    __tablename__ = "dashboard_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), primary_key=True)
    visited_at: Mapped[datetime]
    previous_at: Mapped[datetime | None]
