"""The second factor's pages: « Double authentification » and the sign-in's second step."""

import time

from flask import Response, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user

from allervers.auth import second_factor, security_log, services
from allervers.auth.access import SESSION_TOKEN_KEY, client_address, current_token, public
from allervers.auth.models import User
from allervers.auth.second_factor_forms import (
    ConfirmEnrolmentForm,
    DeactivateForm,
    NewRecoveryCodesForm,
    SignInCodeForm,
)
from allervers.core.web import done, form_page, invalid, render, safe_next
from allervers.extensions import db, htmx

from . import bp

PAGE = "auth/second_factor.html"
CODES_PAGE = "auth/second_factor_codes.html"
# The password step is remembered this long (in the signed session cookie) for the code step.
PASSWORD_STEP_SECONDS = 5 * 60
PASSWORD_STEP_KEY = "second_factor_sign_in"
# What a formateur or administrator who must enrol may still reach.
OPEN_WHILE_ENROLLING = frozenset(
    {
        "auth.second_factor_page",
        "auth.begin_second_factor",
        "auth.confirm_second_factor",
        "auth.logout",
    }
)
MUST_ENROL = (
    "La double authentification est obligatoire pour les administrateurs et les formateurs : "
    "activez-la pour continuer."
)
PASSWORD_FIRST = "Saisissez d'abord votre adresse e-mail et votre mot de passe."


# ----- « Mon compte » › Double authentification -----------------------------------------------


@bp.get("/compte/double-authentification")
def second_factor_page():
    return _page(form_page)


def _page(respond, **forms) -> Response:
    user = current_user._get_current_object()
    factor = second_factor.factor_of(user)
    context = {
        "factor": factor,
        "required": second_factor.is_required_for(user),
        "confirm_form": forms.get("confirm_form") or ConfirmEnrolmentForm(formdata=None),
        "codes_form": forms.get("codes_form") or NewRecoveryCodesForm(formdata=None),
        "deactivate_form": forms.get("deactivate_form") or DeactivateForm(formdata=None),
    }
    if factor and factor.enabled_at:
        context["codes_left"] = second_factor.recovery_codes_left(user)
    elif factor:
        context.update(_enrolment(user, factor))
    return respond(PAGE, **context)


def _enrolment(user: User, factor) -> dict:
    secret = second_factor.secret_of(factor)
    if secret is None:  # SECRET_KEY changed since: start again
        return {"unreadable": True}
    label = (
        "QR code à scanner avec votre application d'authentification ; "
        "la clé à saisir à la main est écrite juste en dessous."
    )
    uri = second_factor.provisioning_uri(user, secret)
    return {"qr_code": second_factor.qr_code_svg(uri, label), "secret": secret,
            "grouped_secret": second_factor.grouped(secret)}  # fmt: skip


@bp.post("/compte/double-authentification/activer")
def begin_second_factor():
    try:
        second_factor.begin(current_user)
    except second_factor.SecondFactorError as error:
        return done(str(error), url_for(".second_factor_page"), "info")
    return done(
        "Scannez le QR code avec votre application, puis saisissez le code qu'elle affiche.",
        url_for(".second_factor_page"),
    )


@bp.post("/compte/double-authentification/confirmer")
def confirm_second_factor():
    form = ConfirmEnrolmentForm()
    if not form.validate_on_submit():
        return _page(invalid, confirm_form=form)
    try:
        codes = second_factor.confirm(current_user, form.code.data)
    except second_factor.SecondFactorError as error:
        db.session.rollback()
        form.code.errors.append(str(error))
        return _page(invalid, confirm_form=form)
    security_log.record_now("second_factor_enabled", user=current_user)
    # As after a password change: a browser signed in before the factor is signed out.
    services.close_other_sessions(current_user, keep_token=current_token())
    second_factor.notify(current_user, "enabled")
    flash("La double authentification est activée.", "success")
    return render(CODES_PAGE, codes=codes)


@bp.post("/compte/double-authentification/codes-de-secours")
def change_recovery_codes():
    form = NewRecoveryCodesForm()
    if not second_factor.is_enabled(current_user):
        return done(second_factor.NOT_STARTED, url_for(".second_factor_page"), "error")
    if not form.validate_on_submit():
        return _page(invalid, codes_form=form)
    problem = services.password_problem(
        current_user, form.password.data, "Le mot de passe est incorrect."
    )
    if problem:
        form.password.errors.append(problem)
        return _page(invalid, codes_form=form)
    codes = second_factor.new_recovery_codes(current_user)
    security_log.record_now("recovery_codes_renewed", user=current_user)
    second_factor.notify(current_user, "codes")
    flash("Vos nouveaux codes de secours remplacent les anciens.", "success")
    return render(CODES_PAGE, codes=codes)


@bp.post("/compte/double-authentification/desactiver")
def deactivate_second_factor():
    form = DeactivateForm()
    user = current_user._get_current_object()
    if second_factor.is_required_for(user):
        return done(second_factor.REQUIRED, url_for(".second_factor_page"), "error")
    if not second_factor.is_enabled(user):
        return done(second_factor.NOT_STARTED, url_for(".second_factor_page"), "info")
    if not form.validate_on_submit():
        return _page(invalid, deactivate_form=form)
    problem = second_factor.deactivation_problem(user, form.password.data, form.code.data)
    if problem:
        field, message = problem
        form[field].errors.append(message)
        security_log.record_now(
            "second_factor_failed", user=user, detail=f"Désactivation : {message}"
        )
        return _page(invalid, deactivate_form=form)
    second_factor.remove(user)
    security_log.record_now("second_factor_disabled", user=user)
    second_factor.notify(user, "disabled")
    return done("La double authentification est désactivée.", url_for(".second_factor_page"))


# ----- signing in: the code after the password -------------------------------------------------


def ask_code(user: User, next_target: str | None) -> Response:
    """The password was right: remember it for a few minutes and ask the code (login view).
    No session is opened yet: the person is not signed in until the code is checked."""
    session[PASSWORD_STEP_KEY] = {"user": user.id, "at": int(time.time()), "next": next_target}
    return redirect(url_for("auth.login_code"), code=303)


def _password_step_user() -> User | None:
    step = session.get(PASSWORD_STEP_KEY)
    if not isinstance(step, dict) or time.time() - step.get("at", 0) > PASSWORD_STEP_SECONDS:
        return None
    user = db.session.get(User, step.get("user"))
    return user if user and user.is_enabled else None


@public
@bp.route("/connexion/code", methods=["GET", "POST"])
def login_code():
    if current_user.is_authenticated:
        return done("Vous êtes déjà connecté.", url_for("home.dashboard"), "info")
    user = _password_step_user()
    if user is None:
        session.pop(PASSWORD_STEP_KEY, None)
        return done(PASSWORD_FIRST, url_for("auth.login"), "info")
    form = SignInCodeForm()
    if not form.validate_on_submit():
        return form_page("auth/login_code.html", form=form)
    result = second_factor.check_at_sign_in(user, form.code.data, client_address())
    if result.problem:
        form.code.errors.append(result.problem)
        return invalid("auth/login_code.html", form=form)
    target = safe_next(session[PASSWORD_STEP_KEY].get("next"), url_for("home.dashboard"))
    _open_session(user)
    if result.used_recovery_code:
        security_log.record_now("recovery_code_used", user=user)
        second_factor.notify(user, "recovery_code_used")
        _recovery_code_notice(user)
    return done(f"Bonjour {user.name} !", target)


def _open_session(user: User) -> None:
    session.clear()
    session[SESSION_TOKEN_KEY] = services.open_session(user, client_address())
    session.permanent = True
    login_user(user)


def _recovery_code_notice(user: User) -> None:
    left = second_factor.recovery_codes_left(user)
    flash(
        f"Vous vous êtes connecté avec un code de secours : il vous en reste {left}. "
        "Si vous avez perdu votre téléphone, générez de nouveaux codes ou réactivez la double "
        "authentification depuis « Mon compte ».",
        "info",
    )


# ----- the administrators' setting: formateurs and admins enrol first --------------------------


@bp.before_app_request
def require_enrolment():
    """Runs after the sign-in wall (auth/access.py): with the setting on, a formateur or an
    administrator without a second factor reaches only the enrolment page and sign-out."""
    endpoint = request.endpoint or ""
    view = current_app.view_functions.get(endpoint)
    if view is None or endpoint == "static" or getattr(view, "is_public", False):
        return None
    if endpoint in OPEN_WHILE_ENROLLING or not current_user.is_authenticated:
        return None
    if not second_factor.must_enrol(current_user):
        return None
    flash(MUST_ENROL, "info")
    target = url_for("auth.second_factor_page")
    if htmx:
        response = Response(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=303)


@bp.app_template_global()
def second_factor_status(user: User) -> dict:
    """For the user's admin page: whether the person has a second factor, since when."""
    factor = second_factor.factor_of(user)
    return {"enabled_at": factor.enabled_at if factor else None}
