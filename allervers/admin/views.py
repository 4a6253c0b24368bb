"""Administrators list, create, edit and deactivate accounts."""

from flask import abort, request, url_for
from flask_login import current_user

from allervers.admin.forms import DeleteUserForm, NewUserForm, UserForm
from allervers.auth import erasure, recovery, security_log
from allervers.auth import services as accounts
from allervers.auth.models import ROLES, User
from allervers.core.forms import search_words
from allervers.core.web import done, form_page, invalid, paginate, render
from allervers.directory.services import get_live, structure_choices
from allervers.extensions import db

from . import bp


@bp.before_request
def admins_only():
    if not current_user.is_authenticated or not current_user.is_admin:
        abort(404)


@bp.get("/utilisateurs")
def list_users():
    search, role = search_words(request.args), request.args.get("role", "")
    pagination = paginate(accounts.list_users_query(search, role))
    return render(
        "admin/users.html",
        "admin/_user_list.html",
        pagination=pagination,
        search=search,
        role=role,
        roles=ROLES,
    )


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
def create_user():
    form = NewUserForm()
    form.set_structure_choices(structure_choices())
    if not form.validate_on_submit():
        return form_page("admin/user_form.html", form=form, user=None)
    send_link = form.send_link.data
    try:
        user = accounts.create_user(
            form.email.data,
            recovery.unknown_password() if send_link else form.password.data,
            form.role.data,
            form.name.data,
            job_title=form.job_title.data,
            structure_id=_structure_id(form),
            by=current_user,
        )
    except accounts.AccountError as error:
        db.session.rollback()
        form.email.errors.append(str(error))
        return invalid("admin/user_form.html", form=form, user=None)
    if send_link:
        link = recovery.issue_link(user, current_user, activation=True)
        back = url_for(".list_users")
        return render("auth/reset_issued.html", user=user, link=link, back=back, activation=True)
    return done(f"Le compte de {user.name} a été créé.", url_for(".list_users"))


@bp.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.set_structure_choices(structure_choices())
    sessions = accounts.count_open_sessions(user)
    if not form.validate_on_submit():
        return form_page("admin/user_form.html", form=form, user=user, open_sessions=sessions)
    if user.id == current_user.id and form.role.data != "admin":
        form.role.errors.append("Vous ne pouvez pas retirer votre propre rôle d'administrateur.")
        return invalid("admin/user_form.html", form=form, user=user, open_sessions=sessions)
    granted = accounts.update_user(
        user,
        name=form.name.data,
        role=form.role.data,
        job_title=form.job_title.data,
        structure_id=_structure_id(form),
        by=current_user,
    )
    message = f"Le compte de {user.name} a été enregistré."
    if granted:
        message += f" Il est désormais référent de « {granted.structure.name} »."
    return done(message, url_for(".list_users"))


@bp.post("/utilisateurs/<int:user_id>/desactiver")
def disable_user(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        return done(
            "Vous ne pouvez pas désactiver votre propre compte.",
            url_for(".edit_user", user_id=user.id),
            "error",
        )
    accounts.set_enabled(user, False)
    return done(f"Le compte de {user.name} est désactivé.", url_for(".edit_user", user_id=user.id))


@bp.post("/utilisateurs/<int:user_id>/fermer-sessions")
def close_user_sessions(user_id: int):
    """Sign a person out everywhere (a lost phone, a shared computer left signed in)."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        return done(
            "Vos propres sessions se ferment depuis « Mon compte › Mes sessions ».",
            url_for("auth.list_sessions"),
            "info",
        )
    accounts.close_other_sessions(user, keep_token=None)
    security_log.record_now("session_closed", user=user, detail="Toutes, par un administrateur")
    return done(
        f"Les sessions de {user.name} sont fermées : la personne devra se reconnecter.",
        url_for(".edit_user", user_id=user.id),
    )


@bp.post("/utilisateurs/<int:user_id>/reactiver")
def enable_user(user_id: int):
    user = db.get_or_404(User, user_id)
    accounts.set_enabled(user, True)
    return done(f"Le compte de {user.name} est réactivé.", url_for(".edit_user", user_id=user.id))


@bp.route("/utilisateurs/<int:user_id>/supprimer", methods=["GET", "POST"])
def delete_user(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        return done(
            "Votre propre compte se supprime depuis la page Mon compte.",
            url_for("auth.delete_account"),
            "info",
        )
    form, page = DeleteUserForm(), "admin/delete_user.html"
    if not form.validate_on_submit():
        return form_page(page, form=form, user=user, own=False)
    problem = accounts.password_problem(
        current_user, form.password.data, "Votre mot de passe est incorrect."
    )
    if problem:
        form.password.errors.append(problem)
        return invalid(page, form=form, user=user, own=False)
    name = user.name
    erasure.delete_account(user)
    return done(
        f"Le compte de {name} et ses données personnelles ont été supprimés.",
        url_for(".list_users"),
    )


@bp.get("/journal")
def security_log_page():
    filters = security_log.Filters.from_args(request.args)
    pagination = paginate(security_log.events_query(filters))
    return render(
        "admin/journal.html",
        "admin/_journal_list.html",
        pagination=pagination,
        filters=filters,
        kinds=security_log.KINDS,
    )


def _structure_id(form: UserForm) -> int | None:
    structure = get_live(form.structure_id.data)
    return structure.id if structure else None
