"""Merging maps into one aggregate, and the reports of one pair into one link."""

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from allervers.network.model import (
    FEASIBILITY_ORDER,
    WISHED,
    InfluenceGap,
    LinkIn,
    PerceptionGap,
    RatingGap,
    Ratings,
    StructureIn,
    item_score,
    name_key,
)


def floor_median(values: Iterable[int]) -> int | None:
    """The median rounded down (2 and 3 → 2), None for no value."""
    values = list(values)
    return math.floor(statistics.median(values)) if values else None


def _weighted(reports: Sequence[LinkIn], attribute: str) -> list[int]:
    """The set values of one attribute, each repeated by the number of maps behind its report."""
    values = []
    for report in reports:
        value = getattr(report, attribute)
        if value is not None:
            values.extend([value] * report.reports)
    return values


def _ratings(reports: Sequence[LinkIn], attribute: str) -> Ratings:
    columns = []
    for position in range(3):
        values = []
        for report in reports:
            rating = getattr(report, attribute)[position]
            if rating is not None:
                values.extend([rating] * report.reports)
        columns.append(floor_median(values))
    return (columns[0], columns[1], columns[2])


def _feasibility(reports: Sequence[LinkIn]) -> str | None:
    """The most reported; on a tie the harder one, as the cautious reading."""
    counts: Counter[str] = Counter()
    for report in reports:
        if report.feasibility:
            counts[report.feasibility] += report.reports
    if not counts:
        return None
    return max(counts, key=lambda value: (counts[value], FEASIBILITY_ORDER.get(value, 3), value))


def _obstacles(reports: Sequence[LinkIn]) -> str | None:
    texts = {report.obstacles.strip() for report in reports if report.obstacles}
    texts.discard("")
    return " ; ".join(sorted(texts, key=name_key)) or None


def _orientation(reports: Sequence[LinkIn]) -> tuple[int, int, str]:
    """Kept when every report agrees on it; otherwise the pair in id order, mutual."""
    orientations = {(report.source, report.target) for report in reports}
    directions = {report.direction for report in reports}
    if len(orientations) == 1:
        source, target = orientations.pop()
        return source, target, directions.pop() if len(directions) == 1 else "mutuel"
    low, high = reports[0].pair
    return low, high, "mutuel"


def merge_pair(reports: Sequence[LinkIn]) -> LinkIn:
    """One link from several reports of the same pair (see the package docstring for the rule)."""
    if len(reports) == 1:
        return reports[0]
    existing = [report for report in reports if report.is_edge]
    kept = existing or [report for report in reports if report.status == WISHED] or list(reports)
    if existing:
        difficult = sum(report.reports for report in existing if report.status == "difficile")
        status = (
            "difficile"
            if difficult * 2 > sum(report.reports for report in existing)
            else "existant"
        )
        level = floor_median(_weighted(existing, "level"))
    else:
        status, level = kept[0].status, None
    source, target, direction = _orientation(kept)
    return LinkIn(
        source=source,
        target=target,
        status=status,
        level=level,
        direction=direction,
        desired_level=floor_median(_weighted(reports, "desired_level")),
        feasibility=_feasibility(reports),
        obstacles=_obstacles(reports),
        trust=_ratings(kept, "trust"),
        value=_ratings(kept, "value"),
        publics=frozenset().union(*(report.publics for report in reports)),
        reports=sum(report.reports for report in kept),
    )


def group_by_pair(links: Iterable[LinkIn]) -> dict[tuple[int, int], list[LinkIn]]:
    """Links grouped by unordered pair, self-links dropped, each group in a stable order."""
    groups: dict[tuple[int, int], list[LinkIn]] = defaultdict(list)
    for link in links:
        if link.source != link.target:
            groups[link.pair].append(link)
    for group in groups.values():
        group.sort(key=_report_key)
    return groups


def _report_key(link: LinkIn) -> tuple:
    return (
        link.source,
        link.target,
        link.status,
        -1 if link.level is None else link.level,
        link.direction,
        -1 if link.desired_level is None else link.desired_level,
        link.feasibility or "",
        link.obstacles or "",
    )


def _merge_structures(
    maps: Sequence[tuple[Sequence[StructureIn], Sequence[LinkIn]]],
) -> dict[int, StructureIn]:
    """One structure per id: the union of its publics, the median of the influences declared
    (rounded down) and the most declared position (the more reserved on a tie)."""
    merged: dict[int, StructureIn] = {}
    influences: dict[int, list[int]] = defaultdict(list)
    positions: dict[int, Counter] = defaultdict(Counter)
    for structures, _links in maps:
        for structure in structures:
            known = merged.get(structure.id)
            if known is None:
                merged[structure.id] = structure
            else:
                merged[structure.id] = replace(known, publics=known.publics | structure.publics)
            if structure.influence is not None:
                influences[structure.id].append(structure.influence)
            if structure.position:
                positions[structure.id][structure.position] += 1
    for structure_id, structure in merged.items():
        counts = positions[structure_id]
        position = (
            max(counts, key=lambda code: (counts[code], POSITION_ORDER.get(code, 0), code))
            if counts
            else None
        )
        merged[structure_id] = replace(
            structure, influence=floor_median(influences[structure_id]), position=position
        )
    return merged


# On a tie between positions, the more reserved one is kept (the cautious reading).
POSITION_ORDER = {"moteur": 0, "favorable": 1, "neutre": 2, "reserve": 3}


def influence_gaps(
    maps: Sequence[tuple[Sequence[StructureIn], Sequence[LinkIn]]],
) -> list[InfluenceGap]:
    """Structures whose declared influence differs between maps: the widest spread first."""
    values: dict[int, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    for structures, _links in maps:
        for structure in structures:
            names.setdefault(structure.id, structure.name)
            if structure.influence is not None:
                values[structure.id].append(structure.influence)
    gaps = [
        InfluenceGap(names[sid], sid, sorted(found), max(found) - min(found))
        for sid, found in values.items()
        if len(set(found)) > 1
    ]
    gaps.sort(key=lambda gap: (-gap.spread, name_key(gap.structure), gap.structure_id))
    return gaps


def rating_gaps(
    maps: Sequence[tuple[Sequence[StructureIn], Sequence[LinkIn]]],
) -> list[RatingGap]:
    """Links whose PARTNER trust (or value) score differs between the maps that rate them all
    three items: the widest spread first."""
    scores: dict[tuple[tuple[int, int], str], list[float]] = defaultdict(list)
    names: dict[int, str] = {}
    for structures, links in maps:
        names.update({structure.id: structure.name for structure in structures})
        for pair, group in group_by_pair(links).items():
            report = merge_pair(group)
            if not report.is_edge:
                continue
            for measure in ("trust", "value"):
                score = item_score(getattr(report, measure))
                if score is not None:
                    scores[(pair, measure)].append(round(score, 4))
    gaps = []
    for (pair, measure), found in scores.items():
        if len(set(found)) < 2 or not all(end in names for end in pair):
            continue
        first, second = sorted(pair, key=lambda item: (name_key(names[item]), item))
        spread = round(max(found) - min(found), 4)
        gaps.append(
            RatingGap(names[first], names[second], first, second, measure, sorted(found), spread)
        )
    gaps.sort(
        key=lambda gap: (-gap.spread, name_key(gap.source), name_key(gap.target), gap.measure)
    )
    return gaps


def aggregate(
    maps: Sequence[tuple[Sequence[StructureIn], Sequence[LinkIn]]],
) -> tuple[list[StructureIn], list[LinkIn], list[PerceptionGap]]:
    """The maps of a group or session as one: structures by id, one link per pair, perception gaps.

    A structure keeps its name, sector and département from the first map that holds it and
    the union of its publics. Each map counts once per pair (`reports`); the merged link
    follows `merge_pair`. Reports of the same pair that disagree on the level are returned
    as perception gaps, the widest spread first.
    """
    structures = _merge_structures(maps)
    reports: dict[tuple[int, int], list[LinkIn]] = defaultdict(list)
    for _structures, links in maps:
        for pair, group in group_by_pair(links).items():
            report = group[0] if len(group) == 1 else replace(merge_pair(group), reports=1)
            reports[pair].append(report)

    def name(structure_id: int) -> str:
        known = structures.get(structure_id)
        return known.name if known else f"#{structure_id}"

    links, gaps = [], []
    for pair, group in reports.items():
        group.sort(key=_report_key)
        links.append(merge_pair(group))
        levels = sorted(_weighted([r for r in group if r.is_edge], "level"))
        if len(set(levels)) > 1:
            first, second = sorted(pair, key=lambda item: (name_key(name(item)), item))
            gaps.append(
                PerceptionGap(
                    source=name(first),
                    target=name(second),
                    source_id=first,
                    target_id=second,
                    levels=levels,
                    spread=levels[-1] - levels[0],
                )
            )
    links.sort(
        key=lambda link: (name_key(name(link.source)), name_key(name(link.target)), link.pair)
    )
    gaps.sort(key=lambda gap: (-gap.spread, name_key(gap.source), name_key(gap.target)))
    ordered = sorted(structures.values(), key=lambda s: (name_key(s.name), s.id))
    return ordered, links, gaps
