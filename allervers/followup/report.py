"""The session report of a group: what the formateurs hand to the cofinancer."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from allervers.auth.models import User
from allervers.extensions import db
from allervers.followup.models import Answer, AnswerSet, AssessmentStatement
from allervers.followup.tracking import shared_initiatives_clause
from allervers.initiatives.models import Effect, Initiative, Presentation
from allervers.network import LinkIn, StructureIn, layout
from allervers.training.models import Group, Membership

WIDTH, HEIGHT, MARGIN = 800, 480, 30
LABEL_ROOM = 140  # pixels kept on the right for the names of the last structures


@dataclass
class StatementMeans:
    statement: AssessmentStatement
    means: dict[str, float | None]  # moment → mean rating (1–4)
    counts: dict[str, int]


def assessment_means(group: Group) -> list[StatementMeans]:
    """Per statement of the session, the group's mean rating at each moment."""
    statements = db.session.scalars(
        select(AssessmentStatement)
        .where(
            AssessmentStatement.session_id == group.session_id,
            AssessmentStatement.deleted_at.is_(None),
        )
        .order_by(AssessmentStatement.objective, AssessmentStatement.position)
    ).all()
    query = (
        select(Answer.statement_id, AnswerSet.moment, func.avg(Answer.rating), func.count())
        .join(AnswerSet)
        .where(AnswerSet.group_id == group.id)
        .group_by(Answer.statement_id, AnswerSet.moment)
    )
    found = {(sid, moment): (mean, count) for sid, moment, mean, count in db.session.execute(query)}
    rows = []
    for statement in statements:
        means, counts = {}, {}
        for moment in ("debut", "fin", "suivi"):
            mean, count = found.get((statement.id, moment), (None, 0))
            means[moment] = None if mean is None else float(mean)
            counts[moment] = count
        rows.append(StatementMeans(statement, means, counts))
    return rows


def _trainee_ids(group: Group):
    return select(Membership.user_id).where(
        Membership.group_id == group.id, Membership.role == "stagiaire"
    )


def shared_initiatives(group: Group, viewer: User) -> list[Initiative]:
    """The group's trainees' initiatives shared with the group or the base that `viewer` may
    open (one shared with another group of a trainee is not the report's)."""
    query = (
        select(Initiative)
        .where(
            shared_initiatives_clause(viewer),
            Initiative.author_id.in_(_trainee_ids(group)) | (Initiative.group_id == group.id),
        )
        .order_by(Initiative.title)
        .options(selectinload(Initiative.structure), selectinload(Initiative.techniques))
    )
    return list(db.session.scalars(query))


def presentations_of(group: Group) -> list[Presentation]:
    query = (
        select(Presentation)
        .where(Presentation.group_id == group.id, Presentation.deleted_at.is_(None))
        .options(selectinload(Presentation.items))
    )
    return list(db.session.scalars(query.order_by(Presentation.title)))


def effects_of(group: Group, viewer: User) -> list[Effect]:
    """The effects recorded on the initiatives of the report, oldest first."""
    ids = [initiative.id for initiative in shared_initiatives(group, viewer)]
    query = (
        select(Effect)
        .where(Effect.initiative_id.in_(ids), Effect.deleted_at.is_(None))
        .order_by(Effect.observed_on, Effect.id)
    )
    return list(db.session.scalars(query))


@dataclass
class Picture:
    """The aggregate graph drawn as SVG for print: nodes, lines and a few labels."""

    nodes: list[dict]
    edges: list[dict]
    width: int = WIDTH
    height: int = HEIGHT


def stored_positions(payload: dict) -> dict[int, tuple[float, float]]:
    """The positions the job computed for a large aggregate (the same `layout` of the same
    structures and links): laying out hundreds of structures again took most of the page."""
    nodes = payload["graph"]["elements"]["nodes"]
    if not nodes or any("position" not in node for node in nodes):
        return {}
    return {int(n["data"]["id"]): (n["position"]["x"], n["position"]["y"]) for n in nodes}


def graph_picture(payload: dict, colours: list[tuple[str, str, str]]) -> Picture | None:
    """Positions from the server layout, scaled to the page; labels for the best connected."""
    rows = payload["analysis"]["structures"]
    if not rows:
        return None
    structures = [StructureIn(row["id"], row["name"], row["sector"]) for row in rows]
    edges = [item["data"] for item in payload["graph"]["elements"]["edges"]]
    links = [LinkIn(int(e["source"]), int(e["target"]), e["status"], None) for e in edges]
    positions = stored_positions(payload) or layout(structures, links)
    xs = [x for x, _y in positions.values()]
    ys = [y for _x, y in positions.values()]
    room_x, room_y = WIDTH - 2 * MARGIN - LABEL_ROOM, HEIGHT - 2 * MARGIN
    min_x, min_y = min(xs), min(ys)
    span_x, span_y = max(xs) - min_x, max(ys) - min_y
    scale = min(room_x / (span_x or 1), room_y / (span_y or 1), 3.0)
    # centred: a graph flatter than the page does not stick to its top edge
    left = MARGIN + (room_x - span_x * scale) / 2
    top = MARGIN + (room_y - span_y * scale) / 2

    def place(structure_id: int) -> tuple[float, float]:
        x, y = positions[structure_id]
        return left + (x - min_x) * scale, top + (y - min_y) * scale

    colour_of = {code: colour for code, _label, colour in colours}
    labelled = {row["id"] for row in sorted(rows, key=lambda r: -r["degree"])[:12]}
    nodes = []
    for row in rows:
        x, y = place(row["id"])
        nodes.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "r": 4 + min(row["degree"], 12) * 0.6,
                "colour": colour_of.get(row["sector"], "#b0b0b0"),
                "label": row["name"] if row["id"] in labelled else None,
                "name": row["name"],
            }
        )
    lines = []
    for edge in edges:
        (x1, y1), (x2, y2) = place(int(edge["source"])), place(int(edge["target"]))
        line = {"x1": x1, "y1": y1, "x2": x2, "y2": y2}
        lines.append({**{k: round(v, 1) for k, v in line.items()}, "status": edge["status"]})
    return Picture(nodes, lines)
