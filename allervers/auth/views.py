"""Sign-in, sign-out, the account page and the password change."""

import json

from flask import Response, request, session, url_for
from flask_login import current_user, login_user, logout_user

from allervers.auth import erasure, personal_data, recovery, second_factor, security_log, services
from allervers.auth.access import SESSION_TOKEN_KEY, client_address, current_token, public
from allervers.auth.forms import (
    NEW_STRUCTURE,
    DeleteAccountForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
)
from allervers.auth.second_factor_views import ask_code
from allervers.core.timeutil import utcnow
from allervers.core.web import done, form_page, invalid, safe_next
from allervers.directory import access as directory_access
from allervers.directory import referents
from allervers.directory import services as directory
from allervers.extensions import db

from . import bp


@public
@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        target = safe_next(form.next.data, url_for("home.dashboard"))
        return done("Vous êtes déjà connecté.", target, "info")
    if not form.validate_on_submit():
        return form_page("auth/login.html", form=form)
    result = services.sign_in(form.email.data, form.password.data, client_address())
    if result.error:
        form.password.errors.append(result.error)
        return invalid("auth/login.html", form=form)
    session.clear()
    if second_factor.is_enabled(result.user):
        return ask_code(result.user, form.next.data)
    session[SESSION_TOKEN_KEY] = services.open_session(result.user, client_address())
    session.permanent = True
    login_user(result.user)
    return done(
        f"Bonjour {result.user.name} !", safe_next(form.next.data, url_for("home.dashboard"))
    )


@bp.post("/deconnexion")
def logout():
    security_log.record("sign_out", user=current_user)
    services.close_session(current_token())
    logout_user()
    session.clear()
    return done("Vous êtes déconnecté.", url_for("auth.login"), "info")


@bp.route("/compte", methods=["GET", "POST"])
def account():
    form = ProfileForm(obj=current_user)
    form.set_structure_choices(directory.structure_choices())
    if not form.validate_on_submit():
        return form_page("auth/account.html", form=form, **_referent_context())
    structure_id = form.structure_id.data
    if structure_id == NEW_STRUCTURE:
        structure_id = directory.find_or_create(
            form.new_structure_name.data,
            form.new_structure_commune.data,
            form.new_structure_postal_code.data,
            created_by_id=current_user.id,
        ).id
    elif not directory.get_live(structure_id):
        structure_id = None
    request_filed = services.update_profile(
        current_user, form.name.data, form.job_title.data, structure_id
    )
    message = "Vos informations ont été enregistrées."
    if request_filed:
        message += f" Référent de « {request_filed.structure.name} » : {referents.REQUEST_SENT}"
    return done(message, url_for(".account"))


def _referent_context() -> dict:
    if current_user.role != "referent":
        return {"attachment": None}
    return {
        "attachment": referents.latest_attachment(current_user),
        "can_see_requests": directory_access.can_see_referent_requests(current_user),
    }


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
def change_password():
    form = PasswordChangeForm()
    page = "auth/password.html"
    if not form.validate_on_submit():
        return form_page(page, form=form)
    try:
        services.change_password(current_user, form.current.data, form.new.data, current_token())
    except services.AccountError as error:
        db.session.rollback()
        form.current.errors.append(str(error))
        return invalid(page, form=form)
    recovery.password_changed(current_user)
    return done(
        "Votre mot de passe a été changé. Vos autres sessions ouvertes ont été fermées.",
        url_for(".account"),
    )


@bp.get("/compte/donnees.json")
def download_data():
    body = json.dumps(personal_data.export(current_user), ensure_ascii=False, indent=2)
    security_log.record_now("personal_data_export", user=current_user)
    response = Response(body, mimetype="application/json")
    name = f"allervers-mes-donnees-{utcnow():%Y-%m-%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/compte/supprimer", methods=["GET", "POST"])
def delete_account():
    form = DeleteAccountForm()
    page = "auth/delete_account.html"
    context = {"last_admin": erasure.is_last_admin(current_user), "own": True}
    context["last_admin_message"] = erasure.LAST_ADMIN
    if not form.validate_on_submit():
        return form_page(page, form=form, **context)
    if context["last_admin"]:
        return invalid(page, form=form, **context)
    problem = services.password_problem(
        current_user, form.password.data, "Le mot de passe est incorrect."
    )
    if problem:
        form.password.errors.append(problem)
        return invalid(page, form=form, **context)
    erasure.delete_account(current_user._get_current_object())
    logout_user()
    session.clear()
    return done("Votre compte et vos données personnelles ont été supprimés.", url_for(".login"))
