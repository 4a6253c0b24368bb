"""`/`: what each user comes back for: their groups now, their maps and initiatives later."""

from flask_login import current_user

from allervers.core.web import render
from allervers.maps import services as maps
from allervers.training import services as training

from . import bp


@bp.get("/")
def dashboard():
    return render(
        "home/dashboard.html",
        groups=training.groups_of(current_user),
        maps=maps.personal_maps(current_user),
    )
