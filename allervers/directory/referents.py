"""Référents of structures: requests, decisions, and what a change of employer does to them.

A référent edits the records of their structure (its directory record, its shared initiatives).
That right is granted — asked for by the person, approved by an administrator or by the
structure's référent — and never follows from the employer a person types on their account.
`follow_employer` keeps the attachments in step with the account; it does not commit, the
account's service does, so that the change and its consequences land together.
"""

from sqlalchemy import Select, select

from allervers.auth import security_log
from allervers.auth.models import User
from allervers.core.timeutil import utcnow
from allervers.directory import access
from allervers.directory.models import ACTIVE_STATUSES, ReferentAttachment, Structure
from allervers.extensions import db

REQUEST_SENT = "Demande envoyée, en attente de validation par un administrateur ou un référent."


class ReferentError(ValueError):
    """A refused request or decision; the message is shown as it is."""


def active_attachments(user: User) -> list[ReferentAttachment]:
    query = select(ReferentAttachment).where(
        ReferentAttachment.user_id == user.id, ReferentAttachment.status.in_(ACTIVE_STATUSES)
    )
    return list(db.session.scalars(query.order_by(ReferentAttachment.id)))


def latest_attachment(user: User) -> ReferentAttachment | None:
    """What the account page shows: the person's most recent request and its outcome."""
    query = select(ReferentAttachment).where(ReferentAttachment.user_id == user.id)
    return db.session.scalar(query.order_by(ReferentAttachment.id.desc()).limit(1))


def _close(attachment: ReferentAttachment, actor: User | None) -> None:
    attachment.status = "revoked" if attachment.status == "approved" else "withdrawn"
    attachment.decided_by_id = actor.id if actor else None
    attachment.decided_at = utcnow()


def _open(user: User, actor: User | None, grant: bool) -> ReferentAttachment:
    attachment = ReferentAttachment(
        user_id=user.id, structure_id=user.structure_id, requested_at=utcnow()
    )
    if grant:
        attachment.status = "approved"
        attachment.decided_by_id = actor.id if actor else None
        attachment.decided_at = attachment.requested_at
        structure = db.session.get(Structure, user.structure_id)
        security_log.record("referent_approved", user=user, actor=actor, detail=structure.name)
    db.session.add(attachment)
    return attachment


def follow_employer(
    user: User, actor: User | None, *, file_request: bool, grant: bool = False
) -> ReferentAttachment | None:
    """After a change of employer or role: attachments to another structure, or of someone who
    is no longer a référent, are closed (the rights go with them). With `file_request`, a
    référent with a structure and no attachment to it asks for one — approved at once when an
    administrator made the change (`grant`). Returns the new attachment, if any. No commit."""
    db.session.flush()
    kept = None
    for attachment in active_attachments(user):
        if user.role == "referent" and attachment.structure_id == user.structure_id:
            kept = attachment
        else:
            _close(attachment, actor)
    if kept is not None or not file_request:
        return None
    if user.role != "referent" or user.structure_id is None:
        return None
    return _open(user, actor, grant)


def request_attachment(user: User) -> ReferentAttachment:
    """The person asks to become référent of their employer structure."""
    if user.role != "referent":
        raise ReferentError("Seuls les comptes « Référent de structure » peuvent le demander.")
    if user.structure_id is None or user.structure is None or user.structure.is_deleted:
        raise ReferentError("Choisissez d'abord votre structure dans « Mes informations ».")
    if any(a.structure_id == user.structure_id for a in active_attachments(user)):
        raise ReferentError("Une demande pour cette structure est déjà en cours ou validée.")
    attachment = _open(user, None, grant=False)
    db.session.commit()
    return attachment


def withdraw(user: User) -> ReferentAttachment:
    """The person withdraws a pending request, or gives up an approved attachment."""
    attachments = active_attachments(user)
    if not attachments:
        raise ReferentError("Vous n'avez aucune demande en cours ni aucun rattachement validé.")
    for attachment in attachments:
        _close(attachment, user)
    db.session.commit()
    return attachments[-1]


def decide(attachment: ReferentAttachment, approve: bool, by: User) -> None:
    """Approve or refuse a pending request (the caller checked `access.can_decide`)."""
    requester = attachment.user
    if approve and (
        requester.role != "referent" or requester.structure_id != attachment.structure_id
    ):
        raise ReferentError(
            f"{requester.name} n'est plus référent de cette structure : la demande est caduque."
        )
    attachment.status = "approved" if approve else "refused"
    attachment.decided_by_id = by.id
    attachment.decided_at = utcnow()
    kind = "referent_approved" if approve else "referent_refused"
    security_log.record(kind, user=requester, actor=by, detail=attachment.structure.name)
    db.session.commit()


def pending_for(user: User) -> Select:
    """The pending requests `user` may decide: all for an administrator; for a référent, those
    on the structures they were granted (never their own)."""
    query = select(ReferentAttachment).where(ReferentAttachment.status == "requested")
    if not user.is_admin:
        query = query.where(
            ReferentAttachment.structure_id.in_(access.referent_structure_ids(user)),
            ReferentAttachment.user_id != user.id,
        )
    return query.order_by(ReferentAttachment.requested_at, ReferentAttachment.id)


def approved_referents(structure_id: int) -> list[User]:
    query = (
        select(User)
        .join(ReferentAttachment, ReferentAttachment.user_id == User.id)
        .where(
            ReferentAttachment.structure_id == structure_id,
            ReferentAttachment.status == "approved",
            User.role == "referent",
            User.is_enabled,
        )
    )
    return list(db.session.scalars(query.order_by(User.name)))
