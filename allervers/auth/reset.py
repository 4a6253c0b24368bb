"""Reset links: issued by an admin or a formateur, opened by the person to choose a password."""

from flask import Response, abort, session, url_for
from flask_login import current_user, logout_user

from allervers.auth import recovery
from allervers.auth.access import client_address, public
from allervers.auth.forms import IssueResetLinkForm, ResetPasswordForm
from allervers.auth.models import User
from allervers.core.web import done, form_page, render, safe_next
from allervers.extensions import db

from . import bp


@bp.post("/mot-de-passe/lien/<int:user_id>")
def issue_reset_link(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or not recovery.can_issue(current_user, user):
        abort(404)
    form = IssueResetLinkForm()
    back = safe_next(form.next.data, _default_back(user))
    link = recovery.issue_link(user, current_user)
    return render("auth/reset_issued.html", user=user, link=link, back=back)


def _default_back(user: User) -> str:
    if current_user.is_admin:
        return url_for("admin.edit_user", user_id=user.id)
    return url_for("home.dashboard")


@public
@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    address = client_address()
    if recovery.is_address_blocked(address):
        return _private(
            render("auth/reset_invalid.html", None, 429, too_many=recovery.TOO_MANY_TRIES)
        )
    record = recovery.valid_link(token, address)
    if record is None:
        # Unknown, used and expired links get the same answer: it tells nothing about them.
        return _private(render("auth/reset_invalid.html", None, 410, too_many=None))
    form = ResetPasswordForm()
    form.owner_words = [record.user.email, record.user.name]
    if not form.validate_on_submit():
        return _private(form_page("auth/reset.html", form=form, user=record.user, token=token))
    user = recovery.reset_password(record, form.new.data)
    if current_user.is_authenticated and current_user.id == user.id:
        logout_user()
        session.clear()
    return done(
        "Votre mot de passe a été changé et toutes vos sessions ont été fermées. "
        "Connectez-vous avec votre nouveau mot de passe.",
        url_for("auth.login"),
    )


def _private(response: Response) -> Response:
    """The URL holds the token: no Referer may carry it to another page or site."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
