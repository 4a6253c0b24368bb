"""Exports of an aggregate: its structures with their measures, its merged links.

Each *_table() gives a header and rows, measures as numbers rounded to 4 decimals; _csv()
writes them as a French CSV, core.tabular.xlsx_bytes() as an .xlsx.
"""

import csv
import io

from allervers.analysis.aggregates import MIN_MAPS
from allervers.core import vocab
from allervers.core.spreadsheet import safe_cell
from allervers.maps.models import POSITIONS, STATUSES

STRUCTURE_COLUMNS = (
    "Structure",
    "Secteur",
    "Liens",
    "Passeur",
    "Proximité",
    "Influence dans le réseau",
    "Groupe",
    "Point de fragilité",
    "Influence déclarée",
    "Position",
    "Confiance",
    "Valeur",
    "Liens notés",
)
LINK_COLUMNS = ("Structure A", "Structure B", "Statut", "Niveau", "Cartes qui le citent")


def _decimal(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".replace(".", ",")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _csv(header, rows) -> str:
    """UTF-8 with a BOM and `;`, decimal commas: what a French spreadsheet opens as is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(_decimal(v) if isinstance(v, float) else v) for v in row])
    return "\ufeff" + out.getvalue()


def structures_csv(payload: dict) -> str:
    return _csv(*structures_table(payload))


def structures_table(payload: dict) -> tuple[tuple[str, ...], list[tuple]]:
    labels = {item["number"]: item["label"] for item in payload["analysis"].get("communities", ())}
    rows = [
        (
            row["name"],
            vocab.label("secteurs", row["sector"]) if row["sector"] else "",
            row["degree"],
            _rounded(row["betweenness"]),
            _rounded(row["closeness"]),
            _rounded(row["eigenvector"]),
            _community(row["community"], labels),
            "oui" if row["is_articulation_point"] else "non",
            "" if row.get("influence_declared") is None else row["influence_declared"],
            POSITIONS.get(row.get("position") or "", ""),
            _rounded(row.get("trust")),
            _rounded(row.get("value")),
            row.get("rated_links", 0),
        )
        for row in payload["analysis"]["structures"]
    ]
    return STRUCTURE_COLUMNS, rows


def _community(number: int, labels: dict) -> str:
    """« 2 – Santé et Social »; a structure alone in its group has only its number."""
    return f"{number} – {labels[number]}" if number in labels else str(number)


FEW_MAPS = f"moins de {MIN_MAPS}"  # a smaller count would say who drew the link


def links_csv(payload: dict) -> str:
    return _csv(*links_table(payload))


def links_table(payload: dict) -> tuple[tuple[str, ...], list[tuple]]:
    names = {str(row["id"]): row["name"] for row in payload["analysis"]["structures"]}
    rows = [
        (
            names[edge["source"]],
            names[edge["target"]],
            STATUSES.get(edge["status"], edge["status"]),
            "" if edge["level"] < 0 else edge["level"],
            FEW_MAPS if edge["reports"] is None else edge["reports"],
        )
        for edge in (item["data"] for item in payload["graph"]["elements"]["edges"])
    ]
    return LINK_COLUMNS, rows
