"""Pages of the self-assessment: statements, windows, answering, per person and per group."""

from flask import abort, flash, request, url_for
from flask_login import current_user

from allervers.auth.models import User
from allervers.core.models import EditConflictError
from allervers.core.web import (
    conflict,
    done,
    form_page,
    form_version,
    invalid,
    render,
    undo_message,
    wants_fragment,
)
from allervers.extensions import db
from allervers.followup import assessment as services
from allervers.followup.assessment_forms import StatementForm, WindowForm, answer_form
from allervers.followup.models import MOMENTS, SCALE
from allervers.training import access

from . import bp

STATEMENTS = "followup/assessment/statements.html"
WINDOWS = "followup/assessment/windows.html"
ANSWER = "followup/assessment/answer.html"


@bp.app_context_processor
def _summary_function() -> dict:
    """The group page includes _group_summary.html, which calls this."""
    return {"assessment_summary": services.assessment_summary}


# ----- a session's statements (staff) ---------------------------------------------------------


def _staff_session_or_404(session_id: int):
    training = access.visible_session_or_404(current_user, session_id)
    if not current_user.is_staff:
        abort(404)
    return training


@bp.route("/sessions/<int:session_id>/auto-positionnement", methods=["GET", "POST"])
def edit_statements(session_id: int):
    training = _staff_session_or_404(session_id)
    form = StatementForm()
    if not form.validate_on_submit():
        return _statements_page(training, form)
    services.add_statement(training, form.objective.data, form.text.data)
    return _statements_changed(training, "L'énoncé a été ajouté.")


@bp.route(
    "/sessions/<int:session_id>/auto-positionnement/<int:statement_id>/modifier",
    methods=["GET", "POST"],
)
def edit_statement(session_id: int, statement_id: int):
    training = _staff_session_or_404(session_id)
    statement = _live_statement_or_404(training, statement_id)
    form = StatementForm(obj=statement)
    if request.method == "GET":
        form.version.data = statement.version
    page, context = "followup/assessment/statement_form.html", {"training": training}
    if not form.validate_on_submit():
        return form_page(page, form=form, statement=statement, **context)
    try:
        services.update_statement(
            statement, form.objective.data, form.text.data, form_version(form)
        )
    except EditConflictError:
        return conflict(form, statement, page, statement=statement, **context)
    return done("L'énoncé a été enregistré.", _statements_url(training))


@bp.post("/sessions/<int:session_id>/auto-positionnement/<int:statement_id>/supprimer")
def remove_statement(session_id: int, statement_id: int):
    training = _staff_session_or_404(session_id)
    statement = _live_statement_or_404(training, statement_id)
    services.remove_statement(statement)
    undo = url_for(".restore_statement", session_id=session_id, statement_id=statement_id)
    message = undo_message(f"L'énoncé « {statement.text} » a été retiré.", undo)
    return _statements_changed(training, message, "undo")


@bp.post("/sessions/<int:session_id>/auto-positionnement/<int:statement_id>/restaurer")
def restore_statement(session_id: int, statement_id: int):
    training = _staff_session_or_404(session_id)
    statement = services.statement_of(training, statement_id)
    if statement is None:
        abort(404)
    services.restore_statement(statement)
    return done("L'énoncé est restauré.", _statements_url(training))


@bp.post("/sessions/<int:session_id>/auto-positionnement/<int:statement_id>/monter")
def move_statement_up(session_id: int, statement_id: int):
    return _move(session_id, statement_id, -1)


@bp.post("/sessions/<int:session_id>/auto-positionnement/<int:statement_id>/descendre")
def move_statement_down(session_id: int, statement_id: int):
    return _move(session_id, statement_id, +1)


def _move(session_id: int, statement_id: int, step: int):
    training = _staff_session_or_404(session_id)
    statement = _live_statement_or_404(training, statement_id)
    services.move_statement(training, statement, step)
    return _statements_changed(training, "L'ordre des énoncés est enregistré.")


def _live_statement_or_404(training, statement_id: int):
    statement = services.statement_of(training, statement_id)
    if statement is None or statement.is_deleted:
        abort(404)
    return statement


def _statements_page(training, form, status: int | None = None):
    status = status or (422 if request.method == "POST" else 200)
    groups = services.by_objective(services.statements_of(training))
    return render(
        STATEMENTS,
        "followup/assessment/_statements.html",
        status,
        training=training,
        groups=groups,
        form=form,
    )


def _statements_changed(training, message, category: str = "success"):
    if not wants_fragment():
        return done(message, _statements_url(training), category)
    flash(message, category)
    return _statements_page(training, StatementForm(formdata=None), 200)


def _statements_url(training) -> str:
    return url_for(".edit_statements", session_id=training.id)


# ----- a group's windows (its formateurs, admins) ---------------------------------------------


@bp.get("/groupes/<int:group_id>/auto-positionnement/calendrier")
def edit_windows(group_id: int):
    group = access.managed_group_or_404(current_user, group_id)
    return _windows_page(group)


@bp.post("/groupes/<int:group_id>/auto-positionnement/calendrier/<moment>")
def save_window(group_id: int, moment: str):
    group = access.managed_group_or_404(current_user, group_id)
    _known_moment_or_404(moment)
    form = WindowForm(moment=moment)
    if not form.validate_on_submit():
        return _windows_page(group, refused={moment: form}, status=422)
    try:
        services.save_window(
            group, moment, form.opens_on.data, form.closes_on.data, form_version(form)
        )
    except EditConflictError:
        db.session.rollback()
        flash("Quelqu'un a modifié ces dates pendant votre saisie : vérifiez-les.", "error")
        form.version.data = services.window_of(group, moment).version  # perhaps new meanwhile
        return _windows_page(group, refused={moment: form}, status=409)
    message = f"Les dates « {MOMENTS[moment]} » sont enregistrées."
    if not wants_fragment():
        return done(message, url_for(".edit_windows", group_id=group.id))
    flash(message, "success")
    return _windows_page(group)


def _windows_page(group, refused: dict | None = None, status: int = 200):
    windows = services.windows_of(group)
    forms = {}
    for moment, window in windows.items():
        form = (refused or {}).get(moment)
        if form is None:
            form = WindowForm(formdata=None, obj=window, moment=moment)
            form.version.data = window.version if window else ""
        forms[moment] = form
    return render(
        WINDOWS,
        "followup/assessment/_windows.html",
        status,
        group=group,
        forms=forms,
        windows=windows,
        is_open={moment: services.is_open(group, moment) for moment in MOMENTS},
        open_by_default=services.OPEN_BY_DEFAULT,
        moment_labels=MOMENTS,
    )


# ----- answering (the group's trainees) -------------------------------------------------------


@bp.route("/groupes/<int:group_id>/auto-positionnement/<moment>", methods=["GET", "POST"])
def answer(group_id: int, moment: str):
    group = access.visible_group_or_404(current_user, group_id)
    _known_moment_or_404(moment)
    if not services.is_trainee(current_user, group):
        abort(404)
    statements = services.statements_of(group.session)
    answer_set = services.answer_set_of(group, current_user, moment)
    context = {"group": group, "moment": moment, "moment_labels": MOMENTS}
    context["objectives"] = services.by_objective(statements)
    context["is_open"] = services.is_open(group, moment)
    if request.method == "GET" and answer_set and "modifier" not in request.args:
        return _answered(answer_set, context)
    form = _answer_form(statements, answer_set)
    if request.method == "GET":
        return render(ANSWER, "followup/assessment/_answer_form.html", form=form, **context)
    if not context["is_open"]:
        return invalid(ANSWER, "followup/assessment/_answer_form.html", form=form, **context)
    if not form.validate_on_submit():
        return invalid(ANSWER, "followup/assessment/_answer_form.html", form=form, **context)
    try:
        services.save_answers(
            group, current_user, moment, form.ratings(), form.comment.data, form_version(form)
        )
    except EditConflictError:
        record = answer_set or services.answer_set_of(group, current_user, moment)
        return conflict(form, record, ANSWER, "followup/assessment/_answer_form.html", **context)
    except services.AssessmentError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return invalid(ANSWER, "followup/assessment/_answer_form.html", form=form, **context)
    return done(
        f"Vos réponses « {MOMENTS[moment]} » sont enregistrées.",
        url_for(".answer", group_id=group.id, moment=moment),
    )


def _answered(answer_set, context: dict):
    """Once submitted, the answers read as a summary (printable); revising is one link away."""
    return render(
        "followup/assessment/answered.html",
        "followup/assessment/_answered.html",
        answer_set=answer_set,
        ratings=services.ratings_of(answer_set),
        scale=SCALE,
        **context,
    )


def _answer_form(statements, answer_set):
    if request.method == "POST":
        return answer_form(statements)
    data = {f"s{sid}": rating for sid, rating in services.ratings_of(answer_set).items()}
    form = answer_form(statements, formdata=None, data=data)
    if answer_set:
        form.comment.data = answer_set.comment
        form.version.data = answer_set.version
    return form


def _known_moment_or_404(moment: str) -> None:
    if moment not in MOMENTS:
        abort(404)


# ----- reading: a trainee's own answers, the group's figures ----------------------------------


@bp.get("/groupes/<int:group_id>/auto-positionnement")
def assessment(group_id: int):
    group = access.visible_group_or_404(current_user, group_id)
    if access.can_manage_group(current_user, group):
        return _group_view(group)
    if services.is_trainee(current_user, group):
        return _person_view(group, current_user)
    abort(404)


@bp.get("/groupes/<int:group_id>/auto-positionnement/stagiaires/<int:user_id>")
def trainee_answers(group_id: int, user_id: int):
    group = access.visible_group_or_404(current_user, group_id)
    trainee = db.session.get(User, user_id)
    if (
        trainee is None
        or not services.is_trainee(trainee, group)
        or not services.can_see_answers(current_user, group, trainee)
    ):
        abort(404)
    return _person_view(group, trainee)


def _person_view(group, trainee: User):
    statements = services.statements_of(group.session)
    sets = services.answers_of(group, trainee)
    return render(
        "followup/assessment/person.html",
        "followup/assessment/_person_answers.html",
        group=group,
        trainee=trainee,
        is_self=trainee.id == current_user.id,
        objectives=services.by_objective(statements),
        sets=sets,
        ratings={moment: services.ratings_of(sets.get(moment)) for moment in MOMENTS},
        is_open={moment: services.is_open(group, moment) for moment in MOMENTS},
        moments=MOMENTS,
        scale=SCALE,
    )


def _group_view(group):
    statements = services.statements_of(group.session)
    charts = {c.statement.id: c for c in services.statement_charts(group, statements)}
    answered = services.assessment_status(group)
    return render(
        "followup/assessment/group.html",
        "followup/assessment/_group_figures.html",
        group=group,
        objectives=services.by_objective(statements),
        charts=charts,
        answered=answered,
        answered_counts={m: sum(m in done for done in answered.values()) for m in MOMENTS},
        trainees=group.trainees,
        is_open={moment: services.is_open(group, moment) for moment in MOMENTS},
        moments=MOMENTS,
        scale=SCALE,
        colours=services.LEVEL_COLOURS,
    )
