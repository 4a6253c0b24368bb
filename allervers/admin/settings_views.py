"""« Paramètres » (the second factor required) and removing a person's second factor."""

from flask import url_for
from flask_login import current_user

from allervers.admin import settings
from allervers.auth import second_factor, security_log
from allervers.auth.models import User
from allervers.auth.second_factor_forms import RemoveSecondFactorForm, SiteSettingsForm
from allervers.core.web import done, form_page
from allervers.extensions import db

from . import bp

# The blueprint's admins_only guard (admin/views.py) answers 404 to everyone else.


@bp.route("/parametres", methods=["GET", "POST"])
def site_settings():
    form = SiteSettingsForm(second_factor_required=settings.second_factor_required())
    if not form.validate_on_submit():
        return form_page("admin/settings.html", form=form)
    required = bool(form.second_factor_required.data)
    if required != settings.second_factor_required():
        state = "obligatoire" if required else "facultative"
        detail = f"Double authentification {state} pour les administrateurs et les formateurs"
        security_log.record("settings_changed", detail=detail)
    settings.set_second_factor_required(required)
    message = "Les paramètres ont été enregistrés."
    if required and not second_factor.is_enabled(current_user):
        message += " Activez maintenant votre propre double authentification."
    return done(message, url_for(".site_settings"))


@bp.post("/utilisateurs/<int:user_id>/double-authentification/retirer")
def remove_second_factor(user_id: int):
    user = db.get_or_404(User, user_id)
    back = url_for(".edit_user", user_id=user.id)
    if not RemoveSecondFactorForm().validate_on_submit():
        return done("Cochez la case de confirmation pour retirer la double authentification.",
                    back, "error")  # fmt: skip
    if not second_factor.remove(user):
        return done(f"{user.name} n'avait pas de double authentification.", back, "info")
    security_log.record_now("second_factor_reset", user=user)
    second_factor.notify(user, "removed")
    return done(
        f"La double authentification de {user.name} est retirée : la personne se connecte "
        "avec son seul mot de passe et pourra l'activer de nouveau.",
        back,
    )
