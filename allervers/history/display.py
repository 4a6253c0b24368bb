"""How a recorded change reads: French field labels and values (names, vocabularies, dates)."""

from dataclasses import dataclass
from datetime import date, datetime

from allervers.core import timeutil, vocab
from allervers.core.templating import number_fr
from allervers.history.models import is_purged
from allervers.initiatives import models as initiatives
from allervers.maps import models as maps

LABELS = {
    "name": "Nom",
    "title": "Titre",
    "acronym": "Sigle",
    "typology": "Typologie",
    "sector": "Secteur",
    "commune": "Commune",
    "postal_code": "Code postal",
    "insee_code": "Code INSEE",
    "siret": "SIRET",
    "website": "Site web",
    "phone": "Téléphone",
    "email": "E-mail",
    "description": "Description",
    "thematiques": "Thématiques",
    "modes_accueil": "Modes d'accueil",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "di_source": "Source data·inclusion",
    "di_id": "Identifiant data·inclusion",
    "created_by_id": "Créé par",
    "publics": "Publics",
    "absorbed": "Structure absorbée",
    "merged_into": "Fusionnée dans",
    "territory": "Territoire",
    "owner_id": "Propriétaire",
    "group_id": "Groupe",
    "focal_structure_id": "Structure focale",
    "structure_id": "Structure",
    "influence": "Influence",
    "position": "Position",
    "note": "Note",
    "source_id": "Première structure",
    "target_id": "Seconde structure",
    "level": "Niveau",
    "status": "Statut",
    "direction": "Sens",
    "frequency": "Fréquence",
    **maps.TRUST_RATINGS,
    **maps.VALUE_RATINGS,
    "resources": "Ressources apportées",
    "desired_level": "Niveau souhaité",
    "feasibility": "Faisabilité",
    "obstacles": "Obstacles",
    "summary": "Résumé",
    "visibility": "Visibilité",
    "author_id": "Auteur",
    "communes": "Communes",
    "territory_kinds": "Types de territoire",
    "started_on": "Début",
    "ended_on": "Fin",
    "rhythm": "Rythme",
    "staff": "Moyens humains",
    "vehicle": "Véhicule",
    "budget": "Budget",
    "non_take_up": "Formes de non-recours visées",
    **initiatives.SECTIONS,
    "consent_at": "Accord pour le partage",
    "consent_by_id": "Accord donné par",
    "is_reference": "Cas de référence",
    "techniques": "Techniques",
    "observed_on": "Date d'observation",
    "dimension": "Dimension",
    "indicator_code": "Indicateur",
    "indicator_label": "Indicateur libre",
    "value": "Valeur",
    "comment": "Commentaire",
    "module": "Module",
    "sectors": "Secteurs",
    "audience": "Public",
    "duration_days": "Durée (jours)",
    "duration_hours": "Durée (heures)",
    "registration_deadline": "Date limite d'inscription",
    "partnership": "Partenariat et cofinancement",
    "context": "Contexte",
    "objectives": "Objectifs",
    "prerequisites": "Prérequis",
    "content": "Contenu",
    "city": "Ville",
    "place": "Lieu",
    "start_date": "Début",
    "end_date": "Fin",
    "capacity": "Places",
}
KIND_LABELS = {("initiative", "structure_id"): "Structure porteuse"}

# Fields holding the id of another record: shown by its name.
REFERENCES = {
    "structure": {"source_id", "target_id", "structure_id", "focal_structure_id"},
    "user": {"author_id", "created_by_id", "consent_by_id", "owner_id"},
    "group": {"group_id"},
}
DATES = {"observed_on", "started_on", "ended_on", "registration_deadline", "start_date", "end_date"}
DATETIMES = {"consent_at"}


def _vocabulary(name: str):
    return lambda code: vocab.label(name, code)


def _level(level) -> str:
    return f"{level} – {vocab.label('niveaux', str(level))}"


CODES = {
    "typology": _vocabulary("typologies"),
    "sector": _vocabulary("secteurs"),
    "publics": _vocabulary("publics"),
    "techniques": _vocabulary("techniques"),
    "non_take_up": _vocabulary("non-recours"),
    "resources": _vocabulary("ressources"),
    "indicator_code": _vocabulary("indicateurs"),
    "direction": maps.DIRECTIONS.get,
    "frequency": maps.FREQUENCIES.get,
    "feasibility": maps.FEASIBILITIES.get,
    "position": maps.POSITIONS.get,
    "level": _level,
    "desired_level": _level,
    "visibility": initiatives.VISIBILITIES.get,
    "territory_kinds": initiatives.TERRITORY_KINDS.get,
    "dimension": initiatives.DIMENSIONS.get,
}
STATUSES = {"link": maps.STATUSES, "initiative": initiatives.STATUSES}


# In place of a value the reader may not see: the record was not visible to them then.
MASKED = "masqué"
PURGED = "valeur effacée"


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def field_label(kind: str, field: str) -> str:
    return KIND_LABELS.get((kind, field)) or LABELS.get(field, field)


def changes(
    kind: str,
    recorded: dict,
    names: dict[str, dict[int, str]],
    before: bool = True,
    after: bool = True,
) -> list[Change]:
    """The recorded {field: [old, new]}, readable; `names` resolves the ids of references.

    `before`/`after`: whether the reader may see the old/new values (else they read MASKED).
    """
    return [
        Change(
            field_label(kind, field),
            _value(kind, field, old, names) if before else MASKED,
            _value(kind, field, new, names) if after else MASKED,
        )
        for field, (old, new) in recorded.items()
    ]


def _value(kind: str, field: str, value, names: dict) -> str:
    if is_purged(value):
        return PURGED
    if value is None or value in ("", []):
        return "—"
    for target, fields in REFERENCES.items():
        if field in fields:
            return names.get(target, {}).get(value, f"n° {value}")
    if isinstance(value, list):
        return ", ".join(_value(kind, field, item, names) for item in value)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if field in DATES:
        return timeutil.french_date(date.fromisoformat(value))
    if field in DATETIMES:
        return timeutil.french_datetime(datetime.fromisoformat(value))
    translate = STATUSES.get(kind, {}).get if field == "status" else CODES.get(field)
    if translate:
        return translate(value) or str(value)
    if isinstance(value, float):
        return number_fr(value)
    return str(value)


def referenced_ids(events) -> dict[str, set[int]]:
    """The ids of the records the events' changes point at, by target."""
    found: dict[str, set[int]] = {target: set() for target in REFERENCES}
    for event in events:
        for field, values in event.changes.items():
            for target, fields in REFERENCES.items():
                if field in fields:
                    found[target].update(v for v in values if isinstance(v, int))
    return found
