"""The effect follow-up, drawn: a timeline per dimension and a chart per indicator.

Each chart's values go to the page as JSON for Chart.js (static/js/charts.js draws a dated
time axis and a value axis) and, always, as a table: without JavaScript, on paper and for
screen readers the table is the chart.
"""

import json
from dataclasses import dataclass

from allervers.core import vocab
from allervers.core.timeutil import french_date
from allervers.initiatives.models import DIMENSIONS, Effect

WIDTH, HEIGHT, MARGIN = 320, 120, 16


def indicator_name(effect: Effect) -> str:
    if effect.indicator_code:
        return vocab.label("indicateurs", effect.indicator_code)
    return effect.indicator_label or "Indicateur libre"


def indicator_unit(code: str | None) -> str:
    entry = next((e for e in vocab.load("indicateurs") if e.code == code), None)
    return entry.extra.get("unite", "") if entry else ""


def timeline(effects: list[Effect]) -> list[tuple[str, str, list[Effect]]]:
    """(dimension code, label, its effects most recent first) for the three dimensions."""
    return [
        (code, label, [effect for effect in effects if effect.dimension == code])
        for code, label in DIMENSIONS.items()
    ]


@dataclass
class Chart:
    label: str
    unit: str
    dimension: str
    points: list[tuple[str, float, float, float]]  # (date in French, value, x, y)
    iso_dates: list[str]

    @property
    def data_json(self) -> str:
        """What charts.js draws: ISO dates and values, the indicator and its unit."""
        values = [value for _date, value, _x, _y in self.points]
        series = [{"x": day, "y": value} for day, value in zip(self.iso_dates, values, strict=True)]
        return json.dumps({"label": self.label, "unit": self.unit, "points": series})

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for _date, _value, x, y in self.points)

    @property
    def top(self) -> float:
        return max(value for _date, value, _x, _y in self.points)


def indicator_charts(effects: list[Effect]) -> list[Chart]:
    """One chart per indicator with at least one counted value, values in date order."""
    series: dict[tuple, list[Effect]] = {}
    for effect in effects:
        if effect.value is not None:
            key = (effect.dimension, effect.indicator_code or "", indicator_name(effect))
            series.setdefault(key, []).append(effect)
    charts = []
    for (dimension, code, label), items in sorted(series.items()):
        items.sort(key=lambda e: (e.observed_on, e.id))
        iso = [effect.observed_on.isoformat() for effect in items]
        unit = indicator_unit(code)
        charts.append(Chart(label, unit, DIMENSIONS[dimension], _placed(items), iso))
    return charts


def _placed(items: list[Effect]) -> list[tuple[str, float, float, float]]:
    first, last = items[0].observed_on, items[-1].observed_on
    span = (last - first).days or 1
    top = max(effect.value for effect in items) or 1.0
    points = []
    for effect in items:
        x = MARGIN + (WIDTH - 2 * MARGIN) * ((effect.observed_on - first).days / span)
        if len(items) == 1:
            x = WIDTH / 2
        y = HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * (effect.value / top)
        points.append((french_date(effect.observed_on), effect.value, x, y))
    return points
