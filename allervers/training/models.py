"""A training session (the module as run), its groups, memberships and invitation codes."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from allervers.core.models import SoftDeleteMixin, TimestampMixin, VersionedMixin
from allervers.extensions import db

if TYPE_CHECKING:
    from allervers.auth.models import User

MAX_DAYS = 3
MAX_HOURS = 21


class TrainingSession(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """Every field of the brief's technical sheet."""

    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    module: Mapped[str] = mapped_column(String(300))
    sectors: Mapped[str] = mapped_column(String(200), default="Tous")
    audience: Mapped[str] = mapped_column(Text)
    duration_days: Mapped[int] = mapped_column(default=MAX_DAYS)
    duration_hours: Mapped[int] = mapped_column(default=MAX_HOURS)
    registration_deadline: Mapped[date | None]
    partnership: Mapped[str | None] = mapped_column(String(300))
    context: Mapped[str | None] = mapped_column(Text)
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    prerequisites: Mapped[str | None] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    groups: Mapped[list["Group"]] = relationship(
        back_populates="session", order_by="Group.name", lazy="selectin"
    )

    @property
    def live_groups(self) -> list["Group"]:
        return [group for group in self.groups if not group.is_deleted]

    def __repr__(self) -> str:
        return f"<TrainingSession {self.id} {self.title[:40]!r}>"


class Group(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str | None] = mapped_column(String(120))
    place: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    capacity: Mapped[int | None]

    session: Mapped[TrainingSession] = relationship(back_populates="groups")
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )
    invitation_codes: Mapped[list["InvitationCode"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="InvitationCode.id"
    )

    @property
    def current_code(self) -> "InvitationCode | None":
        return next((code for code in self.invitation_codes if code.revoked_at is None), None)

    def members_with(self, role: str) -> list["User"]:
        people = [m.user for m in self.memberships if m.role == role]
        return sorted(people, key=lambda user: user.name.lower())

    @property
    def trainees(self) -> list["User"]:
        return self.members_with("stagiaire")

    @property
    def trainers(self) -> list["User"]:
        return self.members_with("formateur")

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and len(self.trainees) >= self.capacity

    def __repr__(self) -> str:
        return f"<Group {self.id} {self.name!r}>"


class Membership(db.Model):
    """A person in a group, as trainee (`stagiaire`) or trainer (`formateur`)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="stagiaire")
    joined_at: Mapped[datetime]

    group: Mapped[Group] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship(lazy="joined")  # a member is always shown by name

    def __repr__(self) -> str:
        return f"<Membership group={self.group_id} user={self.user_id} {self.role}>"


class InvitationCode(db.Model):
    """The code a trainee types to join; regenerating or closing revokes the current one."""

    __tablename__ = "invitation_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    group: Mapped[Group] = relationship(back_populates="invitation_codes")

    def __repr__(self) -> str:
        return f"<InvitationCode {self.code} group={self.group_id}>"
