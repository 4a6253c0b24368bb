"""Forgotten passwords: one-time reset links issued by an admin or the person's formateur.

There is no self-service by e-mail: the app does not verify addresses, so a link is issued
by someone who knows the person. The link is shown once to its issuer (and e-mailed to the
account when SMTP is configured); only the SHA-256 digest of its 256-bit token is stored.
"""

import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import select, update

from allervers.auth import ratelimit, security_log
from allervers.auth.models import PasswordReset, User
from allervers.auth.passwords import hash_password
from allervers.auth.services import close_other_sessions
from allervers.core import mail
from allervers.core.timeutil import utcnow
from allervers.extensions import db
from allervers.training.access import trainees_of

TOO_MANY_TRIES = (
    "Trop de liens non valables ont été ouverts depuis votre adresse. "
    "Patientez un quart d'heure, puis ouvrez de nouveau le lien reçu."
)


ACTIVATION_SUBJECT = "Aller-vers : votre compte est créé, choisissez votre mot de passe"


@dataclass
class IssuedLink:
    url: str
    expires_at: object
    emailed: bool


def can_issue(issuer: User, user: User) -> bool:
    """Admins, for any account; a formateur, for the trainees of the groups he trains (never
    for another formateur or an admin)."""
    if issuer.is_admin:
        return True
    if not issuer.is_trainer or user.role in ("formateur", "admin"):
        return False
    return user.id in db.session.scalars(trainees_of(issuer)).all()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def unknown_password() -> str:
    """The password of an account made with an activation link: random, never shown, so
    nobody can sign in before the person chooses theirs with the link."""
    return secrets.token_urlsafe(32)


def issue_link(user: User, issuer: User, *, activation: bool = False) -> IssuedLink:
    """A new link for `user` (to activate a new account, or reset a password); any link
    issued before stops working."""
    token, now = secrets.token_urlsafe(32), utcnow()
    expire_links(user, commit=False)
    record = PasswordReset(
        user_id=user.id,
        token_digest=digest(token),
        created_at=now,
        expires_at=now + current_app.config["PASSWORD_RESET_VALIDITY"],
        issued_by_id=issuer.id,
    )
    db.session.add(record)
    kind = "lien d'activation" if activation else "lien de nouveau mot de passe"
    security_log.record("reset_link_issued", user=user, actor=issuer, detail=kind.capitalize())
    db.session.commit()
    url = url_for("auth.reset_password", token=token, _external=True)
    emailed = mail.send(
        user.email,
        ACTIVATION_SUBJECT if activation else "Aller-vers : choisir un nouveau mot de passe",
        "account_activation" if activation else "password_reset",
        user=user,
        issuer=issuer,
        url=url,
        expires_at=record.expires_at,
    )
    return IssuedLink(url=url, expires_at=record.expires_at, emailed=emailed)


def expire_links(user: User, *, commit: bool = True) -> None:
    """Every open link of `user` stops working now (a new link, a password changed)."""
    now = utcnow()
    db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(expires_at=now)
    )
    if commit:
        db.session.commit()


def _failure_key(address: str) -> str:
    return f"reset:address:{address}"


def is_address_blocked(address: str) -> bool:
    limit = current_app.config["RESET_MAX_FAILURES_PER_ADDRESS"]
    return ratelimit.count(_failure_key(address)) >= limit


def valid_link(token: str, address: str) -> PasswordReset | None:
    """The open link of `token`, or None (unknown, used, expired, or its account disabled);
    each None counts against `address`, so that tokens cannot be guessed without limit."""
    record = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_digest == digest(token))
    )
    if record and not record.used_at and record.expires_at > utcnow() and record.user.is_enabled:
        return record
    ratelimit.hit(_failure_key(address), current_app.config["RESET_FAILURE_WINDOW"])
    # Which account a known token was for is kept; the token itself never is.
    security_log.record_now("reset_link_refused", user=record.user if record else None)
    return None


def reset_password(record: PasswordReset, password: str) -> User:
    """Set the new password, spend the link, and sign the account out everywhere."""
    user = record.user
    user.password_hash = hash_password(password)
    record.used_at = utcnow()
    security_log.record("reset_link_used", user=user, detail="Nouveau mot de passe choisi")
    db.session.commit()
    close_other_sessions(user, keep_token=None)
    notify_password_changed(user)
    return user


def password_changed(user: User) -> None:
    """After the person changed their own password: open links go, and they are told."""
    expire_links(user)
    notify_password_changed(user)


def notify_password_changed(user: User) -> bool:
    return mail.send(
        user.email,
        "Aller-vers : votre mot de passe a été changé",
        "password_changed",
        user=user,
        changed_at=utcnow(),
        login_url=url_for("auth.login", _external=True),
    )
