"""Accounts and sign-in sessions: the only code of this domain that commits."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_request_context, request
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload, selectinload

from allervers.auth import ratelimit, second_factor, security_log, throttle
from allervers.auth.devices import USER_AGENT_LENGTH, describe_device
from allervers.auth.models import ROLES, User, UserSession
from allervers.auth.passwords import hash_password, verify_password
from allervers.core.database import write_transaction
from allervers.core.timeutil import utcnow
from allervers.directory import referents
from allervers.directory.models import ReferentAttachment
from allervers.extensions import db

log = logging.getLogger(__name__)

# Refresh last_seen_at at most once a minute: an idle timeout does not need more precision,
# and it spares the database a write on every request.
TOUCH_INTERVAL_SECONDS = 60

WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
TOO_MANY_CONFIRMATIONS = (
    "Trop de mots de passe erronés pour ce compte. Patientez un quart d'heure avant de réessayer."
)
TOO_MANY_ATTEMPTS = throttle.TOO_MANY_FOR_ACCOUNT
DISABLED_ACCOUNT = "Ce compte est désactivé. Adressez-vous à l'administrateur de la plateforme."


class AccountError(ValueError):
    """A refused account operation; the message is shown to the user as it is."""


@dataclass
class SignInResult:
    user: User | None = None
    error: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    password: str,
    role: str,
    name: str,
    *,
    job_title: str | None = None,
    structure_id: int | None = None,
    by: User | None = None,
) -> User:
    """A new account (administrators, the command line). A référent created with a structure is
    attached to it at once: the administrator who creates the account grants it."""
    if role not in ROLES:
        raise AccountError(f"Rôle inconnu : {role}. Rôles possibles : {', '.join(ROLES)}.")
    if find_user_by_email(email):
        raise AccountError("Un compte existe déjà avec cette adresse e-mail.")
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        job_title=job_title,
        structure_id=structure_id,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    referents.follow_employer(user, by, file_request=True, grant=True)
    security_log.record("account_created", user=user, actor=by, detail=user.role_label)
    db.session.commit()
    return user


def account_limit_key(email: str) -> str:
    return throttle.account_key(normalise_email(email))


def sign_in(email: str, password: str, address: str) -> SignInResult:
    """Check the credentials under the per-account and per-address limits (auth/throttle.py)."""
    attempt = throttle.begin(normalise_email(email), address)
    if attempt.refusal:
        security_log.sign_in_failed(email, None, security_log.REFUSED_BY_LIMITS)
        return SignInResult(error=attempt.refusal)
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        throttle.failed(attempt)
        security_log.wrong_password(email, user)
        return SignInResult(error=WRONG_CREDENTIALS)
    if not user.is_enabled:
        security_log.sign_in_failed(email, user, security_log.DISABLED)
        return SignInResult(error=DISABLED_ACCOUNT)
    if not second_factor.is_enabled(user):  # else forgiven once the code is right too
        throttle.succeeded(attempt)
    return SignInResult(user=user)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user: User, address: str | None, user_agent: str | None = None) -> str:
    """Record a new signed-in browser and return its secret token (kept in the cookie).

    The User-Agent defaults to the current request's, so that every sign-in path (password,
    second factor…) names its device on « Mes sessions » without passing it along."""
    if user_agent is None and has_request_context():
        user_agent = request.headers.get("User-Agent")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            address=address,
            user_agent=(user_agent or "")[:USER_AGENT_LENGTH] or None,
        )
    )
    user.last_login_at = now
    security_log.record("sign_in", user=user, address=address)
    db.session.commit()
    return token


def user_for_session(user_id: str, token: str | None, active: bool = True) -> User | None:
    """The user of a live session, or None when it ended, idled out or outlived its maximum;
    an `active` request (the person did something) keeps the session from idling out."""
    if not token or not user_id.isdigit():
        return None
    query = select(UserSession).where(UserSession.token_hash == _digest(token))
    # Every request of a signed-in user comes here: the session and its user in one query.
    record = db.session.scalar(query.options(joinedload(UserSession.user)))
    if record is None or record.user_id != int(user_id) or record.ended_at is not None:
        return None
    now = utcnow()
    config = current_app.config
    if (
        now - record.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
        or now - record.created_at > config["SESSION_ABSOLUTE_TIMEOUT"]
    ):
        _set_session(record.id, ended_at=now)
        return None
    if not record.user.is_enabled:
        return None
    if active and (now - record.last_seen_at).total_seconds() > TOUCH_INTERVAL_SECONDS:
        _set_session(record.id, last_seen_at=now)
    return record.user


def _set_session(record_id: int, **values) -> None:
    """Runs on every kind of request, GET included (see core/database.py). A bookkeeping
    write: when the database refuses it (read-only, full), the page is still shown."""
    try:
        with write_transaction():
            statement = update(UserSession).where(UserSession.id == record_id)
            db.session.execute(statement.values(**values))
            db.session.commit()
    except OperationalError as error:
        db.session.rollback()
        log.warning("Session non mise à jour : %s", error)


def close_session(token: str | None) -> None:
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _digest(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
        db.session.commit()


@dataclass(frozen=True)
class OpenSession:
    """A row of « Mes sessions »."""

    id: int
    device: str
    address: str | None
    created_at: datetime
    last_seen_at: datetime
    is_current: bool


def _open_sessions_query(user: User):
    """The user's sessions that still open pages: not ended, idled out or too old (the same
    limits as `user_for_session`, which ends such a record only when its cookie comes back)."""
    now, config = utcnow(), current_app.config
    return select(UserSession).where(
        UserSession.user_id == user.id,
        UserSession.ended_at.is_(None),
        UserSession.last_seen_at >= now - config["SESSION_IDLE_TIMEOUT"],
        UserSession.created_at >= now - config["SESSION_ABSOLUTE_TIMEOUT"],
    )


def list_open_sessions(user: User, current_token: str | None) -> list[OpenSession]:
    """The current session first, then the most recently used."""
    current_hash = _digest(current_token) if current_token else None
    records = db.session.scalars(_open_sessions_query(user)).all()
    rows = [
        OpenSession(
            id=record.id,
            device=describe_device(record.user_agent),
            address=record.address,
            created_at=record.created_at,
            last_seen_at=record.last_seen_at,
            is_current=record.token_hash == current_hash,
        )
        for record in records
    ]
    return sorted(rows, key=lambda row: (not row.is_current, -row.last_seen_at.timestamp()))


def count_open_sessions(user: User) -> int:
    query = _open_sessions_query(user).with_only_columns(func.count(UserSession.id))
    return db.session.scalar(query)


def close_own_session(user: User, session_id: int, current_token: str | None) -> bool:
    """End one of the user's other open sessions; False when `session_id` is none of them
    (someone else's, already closed, or the current one: that one signs out)."""
    record = db.session.scalar(_open_sessions_query(user).where(UserSession.id == session_id))
    if record is None or (current_token and record.token_hash == _digest(current_token)):
        return False
    record.ended_at = utcnow()
    db.session.commit()
    return True


def close_other_sessions(user: User, keep_token: str | None) -> None:
    """Sign the user out everywhere else (after a password change or a deactivation)."""
    statement = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep_token:
        statement = statement.where(UserSession.token_hash != _digest(keep_token))
    db.session.execute(statement.values(ended_at=utcnow()))
    db.session.commit()


def password_problem(user: User, password: str, wrong: str) -> str | None:
    """Why `password` does not confirm that `user` is at the keyboard (`wrong`, or too many
    failures), None when it does.

    Failures count with the sign-in form's, under the same per-account limit: a session left
    open must not let anyone try passwords on the confirmation forms without limit.
    """
    config, key = current_app.config, account_limit_key(user.email)
    if ratelimit.count(key) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return TOO_MANY_CONFIRMATIONS
    if not verify_password(user.password_hash, password):
        ratelimit.hit(key, config["LOGIN_FAILURE_WINDOW"])
        security_log.wrong_password(user.email, user, security_log.WRONG_CONFIRMATION)
        return wrong
    ratelimit.reset(key)
    return None


def change_password(user: User, current: str, new: str, keep_token: str | None) -> None:
    problem = password_problem(user, current, "Le mot de passe actuel est incorrect.")
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    security_log.record("password_changed", user=user)
    db.session.commit()
    close_other_sessions(user, keep_token)


def update_profile(
    user: User, name: str, job_title: str | None, structure_id: int | None
) -> ReferentAttachment | None:
    """The person's own account. A new employer closes the référent rights tied to the old one
    and, for a référent, files a request for the new one (returned): never a right by itself."""
    changed = structure_id != user.structure_id
    _set_profile(user, name, job_title, structure_id)
    request = referents.follow_employer(user, user, file_request=True) if changed else None
    db.session.commit()
    return request


def _set_profile(user: User, name: str, job_title: str | None, structure_id: int | None) -> None:
    user.name = name.strip()
    user.job_title = (job_title or "").strip() or None
    user.structure_id = structure_id


def set_enabled(user: User, enabled: bool) -> None:
    user.is_enabled = enabled
    security_log.record("account_enabled" if enabled else "account_disabled", user=user)
    db.session.commit()
    if not enabled:
        close_other_sessions(user, keep_token=None)


def update_user(
    user: User,
    *,
    name: str,
    role: str,
    job_title: str | None,
    structure_id: int | None,
    by: User,
) -> ReferentAttachment | None:
    """An administrator's edit. An administrator grants référent attachments: making someone
    référent of a structure here approves it at once (returned); any other change of role or
    structure closes the attachments that no longer fit."""
    if role not in ROLES:
        raise AccountError("Rôle inconnu.")
    changed = (role, structure_id) != (user.role, user.structure_id)
    security_log.role_changed(user, role, by)
    user.role = role
    _set_profile(user, name, job_title, structure_id)
    granted = None
    if changed:
        granted = referents.follow_employer(user, by, file_request=True, grant=True)
    db.session.commit()
    return granted


def list_users_query(search: str = "", role: str = ""):
    # The list shows each user's structure: read with the page, not one query per row.
    query = select(User).options(selectinload(User.structure)).order_by(func.lower(User.name))
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if role in ROLES:
        query = query.where(User.role == role)
    return query
