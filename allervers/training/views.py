"""Pages of sessions and groups, and joining a group with an invitation code."""

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user

from allervers.analysis import results, scopes
from allervers.auth import ratelimit
from allervers.auth.access import SESSION_TOKEN_KEY, client_address, public
from allervers.auth.forms import JoinCodeForm, JoinForm
from allervers.auth.services import AccountError, open_session
from allervers.core.forms import as_choices
from allervers.core.models import EditConflictError
from allervers.core.web import (
    conflict,
    done,
    form_page,
    form_version,
    invalid,
    paginate,
    render,
    undo_message,
    wants_fragment,
)
from allervers.directory.services import structure_choices
from allervers.extensions import db
from allervers.followup import tracking
from allervers.initiatives.access import visible_initiatives
from allervers.initiatives.models import Initiative
from allervers.initiatives.presentations import visible_presentations
from allervers.maps.services import member_maps, personal_maps
from allervers.training import access, services
from allervers.training.forms import GroupForm, SessionForm

from . import bp


@bp.get("/sessions")
def list_sessions():
    pagination = paginate(services.sessions_query(current_user))
    return render("training/sessions.html", "training/_session_list.html", pagination=pagination)


@bp.get("/sessions/<int:session_id>")
def show_session(session_id: int):
    training = access.visible_session_or_404(current_user, session_id)
    return render(
        "training/session.html",
        training=training,
        access=access,
        evidence=tracking.evidence(training.live_groups, current_user),
    )


@bp.route("/sessions/nouvelle", methods=["GET", "POST"])
def create_session():
    if not access.can_manage_sessions(current_user):
        abort(404)
    form = SessionForm()
    if not form.validate_on_submit():
        return form_page("training/session_form.html", form=form, training=None)
    training = services.save_session(None, form.model_fields(), current_user)
    return done("La session a été créée.", url_for(".show_session", session_id=training.id))


@bp.route("/sessions/<int:session_id>/modifier", methods=["GET", "POST"])
def edit_session(session_id: int):
    training = access.visible_session_or_404(current_user, session_id)
    if not access.can_manage_sessions(current_user):
        abort(404)
    form = SessionForm(obj=training)
    if request.method == "GET":
        form.objectives.data = "\n".join(training.objectives)
        form.version.data = training.version
    if not form.validate_on_submit():
        return form_page("training/session_form.html", form=form, training=training)
    try:
        services.save_session(training, form.model_fields(), current_user, form_version(form))
    except EditConflictError:
        return conflict(form, training, "training/session_form.html", training=training)
    return done("La session a été enregistrée.", url_for(".show_session", session_id=training.id))


@bp.route("/sessions/<int:session_id>/supprimer", methods=["GET", "POST"])
def delete_session(session_id: int):
    training = access.visible_session_or_404(current_user, session_id)
    if not access.can_delete_session(current_user, training):
        abort(404)
    if request.method == "GET":
        return render("training/delete_confirm.html", training=training, group=None)
    services.delete_session(training)
    undo = url_for("history.restore", slug="session", record_id=training.id)
    flash(undo_message(f"La session « {training.title} » a été supprimée.", undo), "undo")
    return redirect(url_for(".list_sessions"), code=303)


@bp.get("/groupes/<int:group_id>")
def show_group(group_id: int):
    group = access.visible_group_or_404(current_user, group_id)
    # First: queuing a fresh aggregate commits, which would expire everything read before.
    network = _aggregate_network(group)
    services.load_member_structures(group)
    return render(
        "training/group.html",
        group=group,
        can_manage=access.can_manage_group(current_user, group),
        member_maps=member_maps(current_user, group),
        own_maps=personal_maps(current_user) if _is_trainee(group) else [],
        is_trainee=_is_trainee(group),
        shared_initiatives=shared_with_group(current_user, group),
        evidence=tracking.evidence([group], current_user, network),
        group_presentations=db.session.scalars(
            visible_presentations(current_user, group.id).limit(10)
        ).all(),
    )


def _is_trainee(group) -> bool:
    """The viewer follows this group as a trainee (their next step is their own map)."""
    return any(person.id == current_user.id for person in group.trainees)


def _aggregate_network(group) -> dict | None:
    """The group aggregate's network figures when they are computed (else None)."""
    result = results.current(scopes.group_scope(group), current_user)
    return result.payload["analysis"]["network"] if result.payload else None


def shared_with_group(viewer, group) -> list:
    """The initiatives shared with the group that `viewer` may open, most recent first."""
    query = (
        visible_initiatives(viewer)
        .where(Initiative.visibility == "groupe", Initiative.group_id == group.id)
        .order_by(Initiative.updated_at.desc())
        .limit(10)
    )
    return list(db.session.scalars(query))


@bp.route("/sessions/<int:session_id>/groupes/nouveau", methods=["GET", "POST"])
def create_group(session_id: int):
    training = access.visible_session_or_404(current_user, session_id)
    if not access.can_manage_sessions(current_user):
        abort(404)
    form = GroupForm()
    form.trainer_ids.choices = as_choices(services.trainer_choices())
    if request.method == "GET" and current_user.is_trainer:
        form.trainer_ids.data = [current_user.id]
    if not form.validate_on_submit():
        return form_page("training/group_form.html", form=form, training=training, group=None)
    group = services.save_group(None, training, form.model_fields(), form.trainer_ids.data)
    return done("Le groupe a été créé.", url_for(".show_group", group_id=group.id))


@bp.route("/groupes/<int:group_id>/modifier", methods=["GET", "POST"])
def edit_group(group_id: int):
    group = access.managed_group_or_404(current_user, group_id)
    form = GroupForm(obj=group)
    form.trainer_ids.choices = as_choices(services.trainer_choices())
    if request.method == "GET":
        form.trainer_ids.data = [user.id for user in group.trainers]
        form.version.data = group.version
    if not form.validate_on_submit():
        return form_page("training/group_form.html", form=form, training=group.session, group=group)
    try:
        services.save_group(
            group, None, form.model_fields(), form.trainer_ids.data, form_version(form)
        )
    except EditConflictError:
        return conflict(
            form, group, "training/group_form.html", training=group.session, group=group
        )
    return done("Le groupe a été enregistré.", url_for(".show_group", group_id=group.id))


@bp.route("/groupes/<int:group_id>/supprimer", methods=["GET", "POST"])
def delete_group(group_id: int):
    group = access.managed_group_or_404(current_user, group_id)
    if request.method == "GET":
        return render("training/delete_confirm.html", training=group.session, group=group)
    services.delete_group(group)
    undo = url_for("history.restore", slug="groupe", record_id=group.id)
    flash(undo_message(f"Le groupe « {group.name} » a été supprimé.", undo), "undo")
    return redirect(url_for(".show_session", session_id=group.session_id), code=303)


@bp.post("/groupes/<int:group_id>/code")
def regenerate_code(group_id: int):
    group = access.managed_group_or_404(current_user, group_id)
    services.regenerate_code(group)
    return _invitation_changed(group, "Un nouveau code a été créé ; l'ancien ne fonctionne plus.")


@bp.post("/groupes/<int:group_id>/code/fermer")
def close_code(group_id: int):
    group = access.managed_group_or_404(current_user, group_id)
    services.close_code(group)
    return _invitation_changed(group, "Les inscriptions sont fermées : le code ne fonctionne plus.")


def _invitation_changed(group, message: str):
    if wants_fragment():
        flash(message, "success")
        return render(
            "training/group.html", "training/_invitation.html", group=group, can_manage=True
        )
    return done(message, url_for(".show_group", group_id=group.id))


@bp.post("/groupes/<int:group_id>/membres/<int:user_id>/retirer")
def remove_member(group_id: int, user_id: int):
    group = access.managed_group_or_404(current_user, group_id)
    member = next((m for m in group.memberships if m.user_id == user_id), None)
    if member is None:
        abort(404)
    name = member.user.name
    services.remove_member(group, user_id)
    return done(f"{name} ne fait plus partie du groupe.", url_for(".show_group", group_id=group.id))


@public
@bp.route("/rejoindre", methods=["GET", "POST"])
def join():
    form = JoinCodeForm() if current_user.is_authenticated else JoinForm()
    if isinstance(form, JoinForm):
        form.set_structure_choices(structure_choices())
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if request.method == "GET":  # the page is this form: the cursor waits in its first blank
        first_blank = form.name if form.code.data and isinstance(form, JoinForm) else form.code
        first_blank.render_kw = {**(first_blank.render_kw or {}), "autofocus": True}
    if not form.validate_on_submit():
        return form_page("training/join.html", form=form)
    key = f"join:address:{client_address()}"
    if ratelimit.count(key) >= current_app.config["JOIN_MAX_FAILURES_PER_ADDRESS"]:
        form.code.errors.append("Trop de codes erronés. Patientez un quart d'heure.")
        return invalid("training/join.html", form=form)
    try:
        if isinstance(form, JoinForm):
            return _register(form)
        group, already = services.join_group(current_user, form.code.data)
    except services.JoinError as error:
        ratelimit.hit(key, current_app.config["LOGIN_FAILURE_WINDOW"])
        form.code.errors.append(str(error))
        return invalid("training/join.html", form=form)
    message = (
        "Vous faites déjà partie de ce groupe."
        if already
        else f"Bienvenue dans {group.name} ! {WELCOME_NEXT}"
    )
    return done(message, _landing(group))


def _register(form: JoinForm):
    try:
        group, user, created = services.register_and_join(
            form.code.data,
            services.NewAccount(
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                job_title=form.job_title.data,
                structure_id=form.structure_id.data,
                new_structure_name=form.new_structure_name.data,
                new_structure_commune=form.new_structure_commune.data,
                new_structure_postal_code=form.new_structure_postal_code.data,
            ),
            client_address(),
        )
    except AccountError as error:
        db.session.rollback()
        form.email.errors.append(str(error))
        return invalid("training/join.html", form=form)
    session.clear()  # a new session for the signed-in person, as at sign-in
    session[SESSION_TOKEN_KEY] = open_session(user, client_address())
    session.permanent = True
    login_user(user)
    welcome = f"Bienvenue dans {group.name} ! {WELCOME_NEXT}"
    return done(f"Votre compte est créé. {welcome}" if created else welcome, _landing(group))


WELCOME_NEXT = "Voici la carte du groupe : ajoutez-y les partenaires que vous connaissez."


def _landing(group) -> str:
    """Joining happens in the workshop, code on the wall: straight to the map drawn together."""
    return url_for("maps.group_map", group_id=group.id)
