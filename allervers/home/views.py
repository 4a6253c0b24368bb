"""`/`: what each user comes back for: their next steps, groups, maps and initiatives."""

from flask_login import current_user

from allervers.core.web import render
from allervers.training import services as training

from . import bp
from . import services as home


@bp.get("/")
def dashboard():
    groups = training.groups_of(current_user)
    led = [group for group in groups if current_user in group.trainers]
    return render(
        "home/dashboard.html",
        trainer_groups=led,
        member_groups=[group for group in groups if group not in led],
        maps=home.my_maps(current_user),
        initiatives=home.my_initiatives(current_user),
        actions=home.due_actions(current_user),
        is_soon=home.is_soon,
        today=home.today(),
        referent_requests=home.pending_referent_requests(current_user),
    )
