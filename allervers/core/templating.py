"""Jinja filters and globals: French dates, vocabulary labels, navigation by role."""

from dataclasses import dataclass, field

from flask import Flask, current_app, request, url_for
from flask_login import current_user

from allervers.core import timeutil, vocab
from allervers.core.numbers import number_fr
from allervers.core.plural import plural, plural_word


@dataclass
class NavItem:
    label: str
    url: str
    is_current: bool = False


@dataclass
class NavGroup:
    """A top-level entry of the menu: one link, or a disclosure listing its pages."""

    key: str
    label: str
    items: list[NavItem] = field(default_factory=list)
    is_current: bool = False  # the page shown belongs to this entry


# Which top-level entry each page belongs to: blueprint, or blueprint.endpoint for exceptions.
SECTIONS = {
    "home": "accueil",
    "maps": "cartes",
    "analysis": "cartes",
    "initiatives": "initiatives",
    "followup": "formation",
    "followup.list_actions": "suivi",
    "followup.create_action": "suivi",
    "followup.show_action": "suivi",
    "followup.edit_action": "suivi",
    "followup.list_notes": "suivi",
    "followup.create_note": "suivi",
    "followup.edit_note": "suivi",
    "directory": "annuaire",
    "directory.request_referent": "compte",
    "training": "formation",
    "admin": "administration",
    "auth": "compte",
    "history.trash": "suivi",
    "history": "compte",
}


def current_section() -> str | None:
    endpoint = request.endpoint or ""
    return SECTIONS.get(endpoint) or SECTIONS.get(endpoint.partition(".")[0])


def navigation() -> list[NavGroup]:
    """The header menu for the signed-in user's role: at most seven entries, grouped by task."""
    if not current_user.is_authenticated:
        return []
    groups = [
        NavGroup("accueil", "Accueil", [_item("home.dashboard", "Accueil")]),
        NavGroup("cartes", "Cartes", _cartes()),
        NavGroup("initiatives", "Initiatives", _initiatives()),
        NavGroup("suivi", "Suivi", _suivi()),
        NavGroup("annuaire", "Annuaire", _annuaire()),
        NavGroup("formation", "Formation", _formation()),
    ]
    if current_user.is_admin:
        groups.append(NavGroup("administration", "Administration", _administration()))
    section = current_section()
    for group in groups:
        group.items = [item for item in group.items if item is not None]
        group.is_current = group.key == section
    return [group for group in groups if group.items]


def _item(endpoint: str, label: str, **values) -> NavItem | None:
    if endpoint not in current_app.view_functions:
        return None
    url = url_for(endpoint, **values)
    return NavItem(label, url, is_current=request.path == url)


def _cartes() -> list:
    items = [_item("maps.list_maps", "Mes cartes")]
    if current_user.is_staff:
        items.append(_item("analysis.territory", "Territoire"))
    return items


def _initiatives() -> list:
    return [
        _item("initiatives.list_initiatives", "Base des initiatives"),
        _item("initiatives.list_techniques", "Techniques"),
        _item("initiatives.list_presentations", "Présentations"),
    ]


def _suivi() -> list:
    return [
        _item("followup.list_actions", "Plan d'action"),
        _item("followup.list_notes", "Journal de pratique"),
        _item("history.trash", "Corbeille"),
    ]


def _annuaire() -> list:
    items = [_item("directory.list_structures", "Annuaire des structures")]
    if current_user.is_admin or current_user.role == "referent":
        items.append(_item("directory.referent_requests", "Demandes de référents"))
    return items


def _formation() -> list:
    items = [_item("training.list_sessions", "Sessions et groupes")]
    if current_user.is_trainer:
        from allervers.training.services import groups_of

        for group in groups_of(current_user):
            items.append(
                _item("followup.dashboard", f"Tableau de bord · {group.name}", group_id=group.id)
            )
    return items


def _administration() -> list:
    return [
        _item("admin.list_users", "Utilisateurs"),
        _item("admin.site_settings", "Paramètres"),
        _item("admin.security_log_page", "Journal de sécurité"),
    ]


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
