"""The formateur's pages of a group: attendance, dashboard, session report."""

from flask import abort, request, url_for
from flask_login import current_user

from allervers.analysis import results, scopes
from allervers.analysis.services import sector_colours
from allervers.core.web import done, render
from allervers.followup import report, tracking
from allervers.followup.models import HALF_DAYS, MOMENTS
from allervers.training import access as training_access

from . import bp


def managed_group_or_404(group_id: int):
    group = training_access.visible_group_or_404(current_user, group_id)
    if not training_access.can_manage_group(current_user, group):
        abort(404)
    return group


@bp.route("/groupes/<int:group_id>/emargement", methods=["GET", "POST"])
def attendance(group_id: int):
    group = managed_group_or_404(group_id)
    slots = tracking.half_days(group)
    if request.method == "POST":
        present = set()
        for trainee in group.trainees:
            for day, half in slots:
                if request.form.get(f"present-{trainee.id}-{day}-{half}"):
                    present.add((trainee.id, day, half))
        tracking.record_attendance(group, present, current_user)
        return done("Émargement enregistré.", url_for(".attendance", group_id=group.id))
    return render(
        "followup/attendance.html",
        group=group,
        slots=slots,
        half_days=HALF_DAYS,
        recorded=tracking.attendance_of(group),
        hours=tracking.hours_attended(group),
        per_half=tracking.hours_per_half_day(group),
    )


@bp.get("/groupes/<int:group_id>/tableau-de-bord")
def dashboard(group_id: int):
    group = managed_group_or_404(group_id)
    previous = tracking.mark_visit(current_user, group)
    result = results.current(scopes.group_scope(group), current_user)
    return render(
        "followup/dashboard.html",
        group=group,
        rows=tracking.trainee_progress(group, current_user),
        moments=MOMENTS,
        changes=tracking.changes_since(group, previous, current_user),
        aggregate=result,
        hours=tracking.hours_attended(group),
    )


@bp.get("/groupes/<int:group_id>/rapport")
def session_report(group_id: int):
    group = managed_group_or_404(group_id)
    result = results.current(scopes.group_scope(group), current_user)
    network = result.payload["analysis"]["network"] if result.payload else None
    return render(
        "followup/report.html",
        group=group,
        training=group.session,
        hours=tracking.hours_attended(group),
        per_half=tracking.hours_per_half_day(group),
        slots=tracking.half_days(group),
        assessment=report.assessment_means(group),
        moments=MOMENTS,
        aggregate=result,
        graph=report.graph_picture(result.payload, sector_colours()) if result.payload else None,
        evidence=tracking.evidence([group], current_user, network),
        initiatives=report.shared_initiatives(group, current_user),
        presentations=report.presentations_of(group),
        effects=report.effects_of(group, current_user),
    )
