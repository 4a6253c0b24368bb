"""Users, their server-side sign-in sessions and the shared sign-in counters."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from allervers.core.models import TimestampMixin
from allervers.extensions import db

ROLES = {
    "stagiaire": "Stagiaire",
    "formateur": "Formateur",
    "referent": "Référent de structure",
    "admin": "Administrateur",
}


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="stagiaire")
    job_title: Mapped[str | None] = mapped_column(String(120))
    # The structure the person works for; `user.structure` is declared with Structure, in
    # directory/models.py: the directory is built on accounts, not the other way round.
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"), index=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_enabled

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_trainer(self) -> bool:
        return self.role == "formateur"

    @property
    def is_staff(self) -> bool:
        """Formateurs and admins run the training: they manage sessions and groups."""
        return self.role in ("formateur", "admin")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserSession(db.Model):
    """One signed-in browser. Signing out ends it, so a copied cookie opens nothing afterwards."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    address: Mapped[str | None] = mapped_column(String(45))
    # The browser's User-Agent, cut to USER_AGENT_LENGTH: « Mes sessions » names the device.
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id} ended={self.ended_at}>"


class RateCounter(db.Model):
    """A fixed-window counter shared by every worker (used when Redis is not configured)."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    window_ends_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<RateCounter {self.key} {self.count}>"


class PasswordReset(db.Model):
    """A one-time link to choose a new password, issued by an admin or the person's formateur.

    Only the SHA-256 digest of the link's token is kept: whoever reads the database cannot
    use a link. A link is spent when used, and made stale by a newer one (`expires_at` moves).
    """

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id} user={self.user_id} used={self.used_at}>"


class SecondFactor(db.Model):
    """A person's TOTP authenticator (RFC 6238). `enabled_at` is empty while the enrolment
    waits for its first code; the secret is stored encrypted (auth/second_factor.py)."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    enabled_at: Mapped[datetime | None]
    # The time step of the last code accepted: a code is good for one sign-in only.
    last_time_step: Mapped[int | None] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<SecondFactor user={self.user_id} enabled={self.enabled_at}>"


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator; only its salted hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id} used={self.used_at}>"


class SecurityEvent(db.Model):
    """One entry of the security log (auth/security_log.py): append-only, kept a year.

    `email` is the account's address at the time (or as typed, for a failed sign-in): the
    entry still says whom it concerned after the account is deleted and `user_id` is cleared.
    """

    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str | None] = mapped_column(String(254))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    address: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"<SecurityEvent {self.id} {self.kind} {self.email}>"
