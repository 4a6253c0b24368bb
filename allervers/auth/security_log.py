"""The security event log: who signed in, failed, was locked out, changed what on an account.

Append-only for everyone, administrators included: no page edits or deletes an entry, the ORM
refuses it (`AppendOnlyError`, below) and so does the database (triggers of migration 0018).
Two writes are let through, both narrow:
- clearing `user_id`/`actor_id` when an account is deleted (`unlink_account`): the entry keeps
  the e-mail, so it still says whom it concerned; the triggers accept an UPDATE that only sets
  those two columns to NULL;
- the purge of entries older than SECURITY_LOG_RETENTION_DAYS (`purge`, run daily by the
  worker and by `flask purge-security-log`), inside `deletions_allowed()`: on PostgreSQL a
  transaction-local setting (`SET LOCAL allervers.purge = 'on'`); SQLite has no such setting,
  so the app registers on each connection a function `allervers_purging()` that answers for
  that connection only — any other client (the sqlite3 shell) lacks it and its DELETE fails.

`record` adds an entry to the current transaction: the caller's commit writes it with the
change it describes. `record_now` commits it by itself, for paths that change nothing else
(a refused sign-in, a download).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask, current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import Connection, Select, delete, event, select, text, update
from sqlalchemy.orm import ORMExecuteState, Session, joinedload

from allervers.auth import ratelimit, throttle
from allervers.auth.models import ROLES, SecurityEvent, User
from allervers.core.database import write_transaction
from allervers.core.timeutil import PARIS, utcnow
from allervers.extensions import db

KINDS = {
    "sign_in": "Connexion",
    "sign_in_failed": "Échec de connexion",
    "lockout": "Compte bloqué (trop d'échecs)",
    "sign_out": "Déconnexion",
    "password_changed": "Mot de passe changé",
    "role_changed": "Rôle changé",
    "account_created": "Compte créé",
    "account_disabled": "Compte désactivé",
    "account_enabled": "Compte réactivé",
    "personal_data_export": "Export des données personnelles",
    "account_deleted": "Compte supprimé",
    "referent_approved": "Référent validé",
    "referent_refused": "Référent refusé",
    "second_factor_enabled": "Second facteur activé",
    "second_factor_disabled": "Second facteur désactivé",
    "second_factor_failed": "Code de second facteur erroné",
    "second_factor_reset": "Second facteur réinitialisé par un administrateur",
    "recovery_code_used": "Code de secours utilisé",
    "recovery_codes_renewed": "Codes de secours renouvelés",
    "reset_link_issued": "Lien de réinitialisation émis",
    "reset_link_used": "Lien de réinitialisation utilisé",
    "reset_link_refused": "Lien de réinitialisation non valable",
    "session_closed": "Session fermée à distance",
    "settings_changed": "Réglages de sécurité modifiés",
}

EMAIL_LENGTH = 254
DETAIL_LENGTH = 300
PURGE_OPTION = "security_log_purge"
UNLINK_OPTION = "security_log_unlink"
_PURGING_KEY = "allervers_security_log_purging"
WRONG_PASSWORD = "Mot de passe incorrect ou compte inconnu."
REFUSED_BY_LIMITS = "Tentative refusée : limite de tentatives atteinte."
DISABLED = "Compte désactivé."
WRONG_CONFIRMATION = "Mot de passe de confirmation incorrect (session ouverte)."


class AppendOnlyError(RuntimeError):
    """Something tried to change or delete an entry of the security log."""


def record(
    kind: str,
    *,
    user: User | None = None,
    email: str | None = None,
    actor: User | None = None,
    address: str | None = None,
    detail: str = "",
) -> SecurityEvent:
    """Add an entry to the current transaction (the caller commits).

    `user`: the account concerned; `email` defaults to its address (give it for an e-mail
    typed with no account). `actor`: who did it, by default the signed-in person of the
    request. `address`: by default the request's client address. `detail`: a short note,
    never a password, a token or a code.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown security event kind: {kind}")
    user, actor = _unwrap(user), _unwrap(actor) or _signed_in()
    if email is None and user is not None:
        email = user.email
    entry = SecurityEvent(
        created_at=utcnow(),
        kind=kind,
        user=user,  # a relationship: an account created in this transaction gets its id
        email=email.strip().lower()[:EMAIL_LENGTH] if email else None,
        actor=actor,
        address=address or _request_address(),
        detail=(detail or "")[:DETAIL_LENGTH],
    )
    db.session.add(entry)
    return entry


def record_now(kind: str, **fields) -> None:
    """`record`, committed at once in its own write transaction (GET requests included)."""
    with write_transaction(keep_loaded=True):
        record(kind, **fields)
        db.session.commit()


def role_changed(user: User, new_role: str, by: User) -> None:
    """Before the change: recorded only when the role really changes."""
    if new_role != user.role:
        detail = f"{ROLES.get(user.role, user.role)} → {ROLES.get(new_role, new_role)}"
        record("role_changed", user=user, actor=by, detail=detail)


def _unwrap(user: User | None) -> User | None:
    """`current_user` is a proxy: the relationship wants the object itself."""
    return user._get_current_object() if hasattr(user, "_get_current_object") else user


def _signed_in() -> User | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _request_address() -> str | None:
    # ProxyFix (BEHIND_PROXY) has already put the client's address here.
    return request.remote_addr if has_request_context() else None


def sign_in_failed(email: str, user: User | None, detail: str) -> None:
    """A refused sign-in. Known and unknown e-mails take the same path (one insert, one
    commit): the time taken must not tell whether an account exists."""
    record_now("sign_in_failed", user=user, email=email, detail=detail)


def wrong_password(email: str, user: User | None, detail: str = WRONG_PASSWORD) -> None:
    """A wrong password (or no such account), after the throttle counted it; the failure that
    reaches the account's limit is also a `lockout` (the next tries are refused at once, so
    it is recorded once a window)."""
    sign_in_failed(email, user, detail)
    _lockout_reached(email, user)


def wrong_second_factor(user: User, problem: str) -> None:
    """A wrong (or replayed) code at the sign-in's second step: counted like a wrong password."""
    record_now("second_factor_failed", user=user, detail=problem)
    _lockout_reached(user.email, user)


def _lockout_reached(email: str, user: User | None) -> None:
    key = throttle.account_key(email.strip().lower())
    if ratelimit.count(key) >= current_app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        record_now("lockout", user=user, email=email)


# ----- reading -------------------------------------------------------------------------------


@dataclass
class Filters:
    kind: str = ""
    email: str = ""
    address: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args) -> "Filters":
        return cls(
            kind=args.get("type", "") if args.get("type", "") in KINDS else "",
            email=args.get("compte", "").strip()[:EMAIL_LENGTH],
            address=args.get("adresse", "").strip()[:45],
            since=_parse_date(args.get("du", "")),
            until=_parse_date(args.get("au", "")),
        )


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def events_query(filters: Filters) -> Select:
    """Newest first; the account's e-mail matches in part, the address from its start."""
    query = select(SecurityEvent).options(joinedload(SecurityEvent.actor))
    if filters.kind:
        query = query.where(SecurityEvent.kind == filters.kind)
    if filters.email:
        pattern = "%" + _escape_like(filters.email.lower()) + "%"
        query = query.where(SecurityEvent.email.like(pattern, escape="\\"))
    if filters.address:
        pattern = _escape_like(filters.address) + "%"
        query = query.where(SecurityEvent.address.like(pattern, escape="\\"))
    if filters.since:
        query = query.where(SecurityEvent.created_at >= _paris_midnight(filters.since))
    if filters.until:
        query = query.where(SecurityEvent.created_at < _paris_midnight(filters.until, 1))
    return query.order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())


def _paris_midnight(day: date, days_after: int = 0) -> datetime:
    """The days typed are Paris days (the page shows Paris time); entries are stored in UTC."""
    moment = datetime.combine(day + timedelta(days=days_after), time(), tzinfo=PARIS)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def latest_for(user: User, limit: int = 10) -> list[SecurityEvent]:
    query = select(SecurityEvent).where(SecurityEvent.user_id == user.id)
    query = query.order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
    return list(db.session.scalars(query.limit(limit)))


# ----- the two writes allowed: unlink a deleted account, purge -------------------------------


def unlink_account(user: User) -> None:
    """Account deletion (auth/erasure.py): the entries stay, with the e-mail, without the link."""
    _unlink(SecurityEvent.user_id, user)


def unlink_actor(user: User) -> None:
    _unlink(SecurityEvent.actor_id, user)


def _unlink(column, user: User) -> None:
    db.session.flush()  # an entry recorded in this transaction is unlinked too
    db.session.execute(
        update(SecurityEvent).where(column == user.id).values({column.key: None}),
        execution_options={UNLINK_OPTION: True, "synchronize_session": False},
    )


def retention() -> timedelta:
    return timedelta(days=current_app.config["SECURITY_LOG_RETENTION_DAYS"])


def purge(now: datetime | None = None) -> int:
    """Delete the entries older than the retention; returns how many went."""
    cutoff = (now or utcnow()) - retention()
    with write_transaction():
        with deletions_allowed(db.session.connection()):
            result = db.session.execute(
                delete(SecurityEvent).where(SecurityEvent.created_at < cutoff),
                execution_options={PURGE_OPTION: True, "synchronize_session": False},
            )
        db.session.commit()
    return result.rowcount


@contextmanager
def deletions_allowed(connection: Connection) -> Iterator[None]:
    """Let the database delete entries on this connection, for this block only (the purge,
    and the test suite emptying its tables)."""
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(text("SET LOCAL allervers.purge = 'on'"))
    else:
        connection.connection.info[_PURGING_KEY] = True
    try:
        yield
    except BaseException:
        connection.connection.info.pop(_PURGING_KEY, None)
        raise  # on PostgreSQL the rollback ends the setting
    if postgres:
        connection.execute(text("SET LOCAL allervers.purge = 'off'"))
    connection.connection.info.pop(_PURGING_KEY, None)


def _sqlite_connect(dbapi_connection, connection_record) -> None:
    info = connection_record.info
    dbapi_connection.create_function(
        "allervers_purging", 0, lambda: 1 if info.get(_PURGING_KEY) else 0
    )


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)  # an ORM statement's is annotated
    if getattr(table, "name", None) != SecurityEvent.__tablename__:
        return
    allowed = PURGE_OPTION if state.is_delete else UNLINK_OPTION
    if not state.execution_options.get(allowed):
        raise AppendOnlyError("Le journal de sécurité ne se modifie pas et ne se supprime pas.")


@event.listens_for(Session, "before_flush")
def _refuse_object_writes(session: Session, _context, _instances) -> None:
    changed = [obj for obj in session.dirty if session.is_modified(obj)]
    for obj in [*changed, *session.deleted]:
        if isinstance(obj, SecurityEvent):
            raise AppendOnlyError("Le journal de sécurité ne se modifie pas et ne se supprime pas.")


def init_app(app: Flask) -> None:
    """On SQLite, the function the triggers ask before a DELETE (see the docstring above)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_connect)
