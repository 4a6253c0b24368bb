"""The second factor: a TOTP authenticator (RFC 6238, 30 s, 6 digits) and recovery codes.

The TOTP secret is stored encrypted (Fernet, with a key derived from SECRET_KEY by HKDF): a
copy of the database alone does not give the codes. Changing SECRET_KEY makes the stored
secrets unreadable: their owners then sign in with a recovery code, or an administrator
removes their second factor. A code is accepted once: its time step is recorded and a code
of that step or an earlier one is refused. Recovery codes are kept as salted SHA-256 hashes,
like any lookup secret of less than 112 bits (ASVS 2.6.2), and each serves once.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, url_for
from markupsafe import Markup, escape
from sqlalchemy import delete, func, or_, select, update

from allervers.admin import settings
from allervers.auth import ratelimit, security_log, throttle
from allervers.auth.models import RecoveryCode, SecondFactor, User
from allervers.auth.passwords import verify_password
from allervers.core import mail
from allervers.core.timeutil import utcnow
from allervers.extensions import db

ISSUER = "Aller-vers"
# What the notice e-mail says happened (ASVS 2.5.5: tell the person an authenticator changed).
CHANGES = {
    "enabled": "La double authentification a été activée sur votre compte.",
    "disabled": "La double authentification a été désactivée sur votre compte.",
    "removed": "Un administrateur a retiré la double authentification de votre compte.",
    "codes": "De nouveaux codes de secours ont été générés ; les anciens ne servent plus.",
    "recovery_code_used": "Un code de secours a servi à vous connecter ; il ne servira plus.",
}
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: read aloud or copied from paper without doubt. 31 symbols × 12 ≈ 59 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS, RECOVERY_GROUP_LENGTH = 3, 4
# The previous and the next time step are accepted too: a phone's clock is often off by a few
# seconds, and a code typed at the end of its 30 s arrives in the next step.
CLOCK_DRIFT_STEPS = 1

WRONG_CODE = (
    "Ce code n'est pas le bon. Saisissez le code à 6 chiffres affiché maintenant par votre "
    "application (vérifiez que l'heure du téléphone est juste), ou un code de secours."
)
USED_CODE = (
    "Ce code vient déjà de servir. Attendez que l'application en affiche un nouveau "
    "(toutes les 30 secondes), puis saisissez-le."
)
TOO_MANY_CODES = (
    "Trop de codes erronés pour ce compte. Patientez un quart d'heure avant de réessayer."
)
WRONG_PASSWORD = "Le mot de passe est incorrect."
ALREADY_ENABLED = "La double authentification est déjà activée sur votre compte."
NOT_STARTED = (
    "Commencez par afficher le QR code : cliquez sur « Activer la double authentification »."
)
REQUIRED = (
    "La double authentification est obligatoire pour les administrateurs et les formateurs : "
    "elle ne peut pas être désactivée. Si vous avez perdu votre téléphone, un administrateur "
    "peut la retirer, puis vous l'activerez de nouveau."
)


class SecondFactorError(ValueError):
    """A refused second-factor operation; the message is shown to the user as it is."""


@dataclass
class Check:
    """The outcome of a code: `problem` (French) when refused; whether a recovery code served."""

    problem: str | None = None
    used_recovery_code: bool = False


# ----- state -----------------------------------------------------------------------------------


def factor_of(user: User) -> SecondFactor | None:
    return db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id))


def is_enabled(user: User) -> bool:
    enabled = select(SecondFactor.id).where(
        SecondFactor.user_id == user.id, SecondFactor.enabled_at.is_not(None)
    )
    return db.session.scalar(enabled) is not None


def is_required_for(user: User) -> bool:
    """The administrators' setting applies to formateurs and administrators."""
    return user.is_staff and settings.second_factor_required()


def must_enrol(user: User) -> bool:
    return is_required_for(user) and not is_enabled(user)


def recovery_codes_left(user: User) -> int:
    unused = select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(unused) or 0


# ----- the secret ------------------------------------------------------------------------------


def _fernet() -> Fernet:
    key = current_app.config["SECRET_KEY"]
    material = key if isinstance(key, bytes) else key.encode()
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"allervers second factor secret"
    ).derive(material)
    return Fernet(base64.urlsafe_b64encode(derived))


def secret_of(factor: SecondFactor) -> str | None:
    """The base32 secret, None when it cannot be read (SECRET_KEY changed since)."""
    try:
        return _fernet().decrypt(factor.secret_encrypted.encode()).decode()
    except InvalidToken:
        return None


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str, label: str) -> Markup:
    """The QR code as inline SVG (no image request, nothing leaves the server)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def grouped(secret: str) -> str:
    """The secret in groups of four, as authenticator apps accept it typed."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# ----- enrolment -------------------------------------------------------------------------------


def begin(user: User) -> SecondFactor:
    """A new secret waiting for its first code (replaces an enrolment left unfinished)."""
    if is_enabled(user):
        raise SecondFactorError(ALREADY_ENABLED)
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    encrypted = _fernet().encrypt(pyotp.random_base32().encode()).decode()
    factor = SecondFactor(user_id=user.id, secret_encrypted=encrypted, created_at=utcnow())
    db.session.add(factor)
    db.session.commit()
    return factor


def confirm(user: User, code: str) -> list[str]:
    """The first code proves the app holds the secret: the factor is on; its recovery codes
    are returned, to be shown once."""
    factor = factor_of(user)
    if factor is None:
        raise SecondFactorError(NOT_STARTED)
    if factor.enabled_at is not None:
        raise SecondFactorError(ALREADY_ENABLED)
    problem = _accept_totp(factor, code)
    if problem:
        raise SecondFactorError(problem)
    factor.enabled_at = utcnow()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes; the previous ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_random_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    created = utcnow()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(code), created_at=created)
        for code in codes
    )
    db.session.commit()
    return codes


def remove(user: User) -> bool:
    """Remove the factor and its recovery codes (the person's choice, or a lost phone);
    False when there was none."""
    removed = db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.commit()
    return removed.rowcount > 0


# ----- checking a code -------------------------------------------------------------------------


def check(user: User, code: str) -> Check:
    """A 6-digit code of the app, or a recovery code; either is used up by succeeding."""
    factor = factor_of(user)
    if factor is None or factor.enabled_at is None:
        return Check(WRONG_CODE)
    typed = _compact(code)
    if typed.isdigit() and len(typed) == 6:
        return Check(_accept_totp(factor, typed))
    if _use_recovery_code(user, typed):
        return Check(used_recovery_code=True)
    return Check(WRONG_CODE)


def check_at_sign_in(user: User, code: str, address: str) -> Check:
    """The second step of signing in, under the same limits as the password (auth/throttle.py):
    five wrong codes lock the account as five wrong passwords do."""
    attempt = throttle.begin(user.email, address)
    if attempt.refusal:
        security_log.sign_in_failed(user.email, user, security_log.REFUSED_BY_LIMITS)
        return Check(attempt.refusal)
    result = check(user, code)
    if result.problem:
        throttle.failed(attempt)
        security_log.wrong_second_factor(user, result.problem)
    else:
        throttle.succeeded(attempt)
    return result


def deactivation_problem(user: User, password: str, code: str) -> tuple[str, str] | None:
    """(field, French message) when the password and the code do not both prove the person,
    None when they do. Failures of either count with the sign-in's, and only both right
    forgive them: a right password alone must not buy new tries at the code."""
    config, key = current_app.config, throttle.account_key(user.email)
    if ratelimit.count(key) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return "code", TOO_MANY_CODES
    if not verify_password(user.password_hash, password):
        ratelimit.hit(key, config["LOGIN_FAILURE_WINDOW"])
        return "password", WRONG_PASSWORD
    result = check(user, code)
    if result.problem:
        ratelimit.hit(key, config["LOGIN_FAILURE_WINDOW"])
        return "code", result.problem
    ratelimit.reset(key)
    return None


def matching_step(secret: str, code: str, moment: datetime) -> int | None:
    """The time step whose code is `code`, within the allowed drift, or None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(moment)
    for step in range(current - CLOCK_DRIFT_STEPS, current + CLOCK_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(factor: SecondFactor, code: str) -> str | None:
    secret = secret_of(factor)
    typed = _compact(code)
    step = matching_step(secret, typed, now()) if secret and len(typed) == 6 else None
    if step is None:
        return WRONG_CODE
    # One conditional UPDATE: of two requests racing with the same code, only one wins.
    accepted = db.session.execute(
        update(SecondFactor)
        .where(
            SecondFactor.id == factor.id,
            or_(SecondFactor.last_time_step.is_(None), SecondFactor.last_time_step < step),
        )
        .values(last_time_step=step)
    )
    db.session.commit()
    return None if accepted.rowcount == 1 else USED_CODE


def now() -> datetime:
    """The codes' clock (tests set it). Aware: pyotp reads a naive datetime as local time."""
    return datetime.now(UTC)


def _compact(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _random_recovery_code() -> str:
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
        for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


def _hash_recovery_code(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{_compact(code)}".encode()).hexdigest()
    return f"{salt}${digest}"


def _use_recovery_code(user: User, typed: str) -> bool:
    unused = select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    for record in db.session.scalars(unused).all():
        salt = record.code_hash.split("$", 1)[0]
        if hmac.compare_digest(record.code_hash, _hash_recovery_code(typed, salt)):
            used = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == record.id, RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())
            )
            db.session.commit()
            return used.rowcount == 1
    return False


def notify(user: User, change: str) -> bool:
    """Tell the account's address what changed, when e-mail is configured (core/mail.py)."""
    return mail.send(
        user.email,
        "Aller-vers : votre double authentification",
        "second_factor_changed",
        user=user,
        what=CHANGES[change],
        changed_at=utcnow(),
        login_url=url_for("auth.login", _external=True),
    )
