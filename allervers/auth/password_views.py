"""The strength meter beside every new-password field (htmx, as the person types)."""

from flask import render_template, request

from allervers.auth.access import public
from allervers.auth.forms import password_owner_words
from allervers.auth.passwords import password_strength

from . import bp


@public  # joining a group (/rejoindre) chooses a password before having an account
@bp.post("/mot-de-passe/force")
def password_meter():
    """The meter for the field named in `champ`: the same check as the forms' own."""
    password = request.form.get(request.form.get("champ", ""), "")
    if not password:
        return ""
    typed = [request.form.get("email"), request.form.get("name")]
    strength = password_strength(password, password_owner_words(typed))
    return render_template("auth/_password_meter.html", strength=strength)
