"""Jinja filters and globals: French dates, vocabulary labels, navigation by role."""

from flask import Flask, current_app, request
from flask_login import current_user

from allervers.core import timeutil, vocab
from allervers.core.numbers import number_fr
from allervers.core.plural import plural, plural_word


def navigation() -> list[tuple[str, str]]:
    """(endpoint, label) pairs of the header menu for the signed-in user's role."""
    if not current_user.is_authenticated:
        return []
    items = [
        ("home.dashboard", "Accueil"),
        ("training.list_sessions", "Sessions"),
        ("directory.list_structures", "Annuaire"),
        ("maps.list_maps", "Cartes"),
    ]
    items += [
        ("initiatives.list_initiatives", "Initiatives"),
        ("initiatives.list_techniques", "Techniques"),
        ("initiatives.list_presentations", "Présentations"),
        ("followup.list_actions", "Plan d'action"),
        ("followup.list_notes", "Journal"),
        ("history.trash", "Corbeille"),
    ]
    if current_user.is_staff:
        items.append(("analysis.territory", "Territoire"))
    if current_user.is_admin:
        items.append(("admin.list_users", "Utilisateurs"))
    known = current_app.view_functions
    return [(endpoint, label) for endpoint, label in items if endpoint in known]


def initiative_vocabularies() -> dict:
    from allervers.initiatives import charts, models

    return {
        "initiative_statuses": models.STATUSES,
        "initiative_visibilities": models.VISIBILITIES,
        "territory_kinds": models.TERRITORY_KINDS,
        "dimensions": models.DIMENSIONS,
        "effect_name": charts.indicator_name,
    }


def map_vocabularies() -> dict:
    """Labels of the map vocabularies, for every template."""
    from allervers.analysis.services import sector_colours
    from allervers.maps import models

    return {
        "sector_colours": sector_colours(),
        "positions": models.POSITIONS,
        "statuses": models.STATUSES,
        "frequencies": models.FREQUENCIES,
        "feasibilities": models.FEASIBILITIES,
        "levels": vocab.load("niveaux"),
        "level_label": lambda level: vocab.label("niveaux", str(level)),
    }


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["date_fr"] = timeutil.french_date
    app.jinja_env.filters["datetime_fr"] = timeutil.french_datetime
    app.jinja_env.globals["vocab_label"] = vocab.label
    app.jinja_env.globals["vocab_choices"] = vocab.choices
    app.jinja_env.filters["number_fr"] = number_fr
    # {{ n | plural("structure ajoutée", "structures ajoutées") }} → « 1 structure ajoutée »
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.filters["plural_word"] = plural_word
    app.jinja_env.globals.update(initiative_vocabularies())
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals.update(map_vocabularies())
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def defaults() -> dict:
        return {"layout": "base.html", "current_path": request.path}
