"""Initiatives as CSV, with the directory's French spreadsheet conventions (BOM, `;`)."""

import csv
import io
from collections.abc import Iterable

from flask import url_for

from allervers.core import vocab
from allervers.core.spreadsheet import safe_cell
from allervers.core.timeutil import french_date
from allervers.initiatives.models import STATUSES, VISIBILITIES, Initiative

COLUMNS = (
    "Titre",
    "Statut",
    "Visibilité",
    "Structure porteuse",
    "Commune de la structure",
    "Communes ou quartiers",
    "Techniques",
    "Publics",
    "Non-recours visé",
    "Début",
    "Fin",
    "Rythme",
    "Résumé",
    "Effets suivis",
    "Adresse",
)


def _labels(vocabulary: str, codes: Iterable[str]) -> str:
    return ", ".join(vocab.label(vocabulary, code) for code in codes)


def _row(initiative: Initiative) -> list:
    structure = initiative.structure
    return [
        initiative.title,
        STATUSES.get(initiative.status, initiative.status),
        VISIBILITIES.get(initiative.visibility, initiative.visibility).split(" (")[0],
        structure.name if structure else "",
        structure.commune if structure else "",
        initiative.communes,
        _labels("techniques", initiative.technique_codes),
        _labels("publics", initiative.public_codes),
        _labels("non-recours", initiative.non_take_up or []),
        french_date(initiative.started_on),
        french_date(initiative.ended_on),
        initiative.rhythm,
        initiative.summary,
        initiative.effects_count,
        url_for("initiatives.show_initiative", initiative_id=initiative.id, _external=True),
    ]


def initiatives_table(initiatives: Iterable[Initiative]) -> tuple[tuple, Iterable[list]]:
    """The export's header and rows: initiatives_csv() writes them as CSV, views as .xlsx."""
    return COLUMNS, (_row(initiative) for initiative in initiatives)


def initiatives_csv(initiatives: Iterable[Initiative]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for initiative in initiatives:
        writer.writerow([safe_cell(value) for value in _row(initiative)])
    return "\ufeff" + out.getvalue()
