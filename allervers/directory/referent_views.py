"""Référents of structures: the person asks (from their account) or withdraws; an
administrator or the structure's référent approves or refuses, from the list of requests."""

from flask import abort, flash, url_for
from flask_login import current_user

from allervers.core.web import done, paginate, render, wants_fragment
from allervers.directory import access, referents

from . import bp

PAGE, FRAGMENT = "directory/referent_requests.html", "directory/_referent_requests.html"


@bp.post("/compte/referent")
def request_referent():
    """A référent asks to be attached to the structure named on their account."""
    _referents_only()
    try:
        attachment = referents.request_attachment(current_user)
    except referents.ReferentError as error:
        return done(str(error), url_for("auth.account"), "error")
    return done(
        f"Référent de « {attachment.structure.name} » : {referents.REQUEST_SENT}",
        url_for("auth.account"),
    )


@bp.post("/compte/referent/retirer")
def withdraw_referent():
    _referents_only()
    try:
        attachment = referents.withdraw(current_user)
    except referents.ReferentError as error:
        return done(str(error), url_for("auth.account"), "error")
    name = attachment.structure.name
    if attachment.status == "withdrawn":
        return done(f"Votre demande pour « {name} » est retirée.", url_for("auth.account"))
    return done(f"Vous n'êtes plus référent de « {name} ».", url_for("auth.account"))


def _referents_only() -> None:
    if current_user.role != "referent":
        abort(404)


@bp.get("/annuaire/demandes-referents")
def referent_requests():
    access.require_referent_requests(current_user)
    return _page()


@bp.post("/annuaire/demandes-referents/<int:attachment_id>/valider")
def approve_referent(attachment_id: int):
    attachment = access.decidable_attachment_or_404(current_user, attachment_id)
    return _decide(attachment, True, f"{attachment.user.name} est désormais référent de « {{}} ».")


@bp.post("/annuaire/demandes-referents/<int:attachment_id>/refuser")
def refuse_referent(attachment_id: int):
    attachment = access.decidable_attachment_or_404(current_user, attachment_id)
    return _decide(attachment, False, f"La demande de {attachment.user.name} est refusée ({{}}).")


def _decide(attachment, approve: bool, message: str):
    structure = attachment.structure.name
    try:
        referents.decide(attachment, approve, current_user)
    except referents.ReferentError as error:
        message, category = str(error), "error"
    else:
        message, category = message.format(structure), "success"
    if wants_fragment():
        flash(message, category)
        return _page()
    return done(message, url_for(".referent_requests"), category)


def _page():
    return render(PAGE, FRAGMENT, pagination=paginate(referents.pending_for(current_user)))
