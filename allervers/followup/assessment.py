"""Self-assessment (auto-positionnement): statements, windows, answers, the group's figures.

The only code of the self-assessment that commits.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from allervers.auth.models import User
from allervers.core.database import write_transaction
from allervers.core.models import EditConflictError, check_version
from allervers.core.timeutil import to_paris, utcnow
from allervers.extensions import db
from allervers.followup.models import (
    MOMENTS,
    SCALE,
    Answer,
    AnswerSet,
    AssessmentStatement,
    AssessmentWindow,
)
from allervers.training.access import can_manage_group, membership
from allervers.training.models import Group, TrainingSession

OBJECTIVES = (1, 2, 3, 4)
# Seeded once per session, then edited by its formateurs (DESIGN.md §2, the four objectives).
DEFAULT_STATEMENTS = {
    1: (
        "Je sais adapter ma posture professionnelle pour aller au-devant des personnes",
        "Je sais proposer des changements d'organisation qui facilitent l'aller-vers",
    ),
    2: (
        "Je sais nommer les principales techniques de l'aller-vers",
        "Je sais choisir une technique adaptée au public et au territoire",
    ),
    3: (
        "Je sais repérer les partenaires avec qui coopérer sur mon territoire",
        "Je sais évaluer le niveau de coopération dont mon action a besoin",
        "Je sais repérer ce qui freine ou facilite une coopération",
    ),
    4: (
        "Je sais repérer les effets de l'aller-vers sur les personnes concernées",
        "Je sais suivre les effets d'une action sur les pratiques et les organisations",
    ),
}
# Without a window row, the start and the end are open; the follow-up waits for its date.
OPEN_BY_DEFAULT = {"debut": True, "fin": True, "suivi": False}
CLOSED = (
    "Ce questionnaire est fermé : vos réponses ne peuvent pas être enregistrées. "
    "Demandez à votre formateur ou formatrice les dates d'ouverture."
)


class AssessmentError(ValueError):
    """A refused answer (closed window, rating out of range); the message is shown as it is."""


def today() -> date:
    return to_paris(utcnow()).date()


# ----- statements -----------------------------------------------------------------------------


def statements_of(training: TrainingSession) -> list[AssessmentStatement]:
    """The session's live statements, by objective then position; seeds the defaults once."""
    rows = _statements(training)
    if not rows:
        with write_transaction():  # a write during a GET (see core/database.py)
            rows = _statements(training, lock=True) or _seed(training)
    live = [row for row in rows if not row.is_deleted]
    return sorted(live, key=lambda s: (s.objective, s.position, s.id))


def _statements(training: TrainingSession, lock: bool = False) -> list[AssessmentStatement]:
    if lock:  # two first visits at once seed once (PostgreSQL; SQLite's write lock does it)
        db.session.execute(
            select(TrainingSession.id).where(TrainingSession.id == training.id).with_for_update()
        )
    query = select(AssessmentStatement).where(AssessmentStatement.session_id == training.id)
    return list(db.session.scalars(query))


def _seed(training: TrainingSession) -> list[AssessmentStatement]:
    rows = [
        AssessmentStatement(session_id=training.id, objective=objective, text=text, position=i)
        for objective, texts in DEFAULT_STATEMENTS.items()
        for i, text in enumerate(texts, 1)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def by_objective(statements: list[AssessmentStatement]) -> list[tuple[int, list]]:
    """(objective number, its statements) for the four objectives, empty ones included."""
    return [(n, [s for s in statements if s.objective == n]) for n in OBJECTIVES]


def statement_of(training: TrainingSession, statement_id: int) -> AssessmentStatement | None:
    statement = db.session.get(AssessmentStatement, statement_id)
    if statement is None or statement.session_id != training.id:
        return None
    return statement


def add_statement(training: TrainingSession, objective: int, text: str) -> AssessmentStatement:
    siblings = [s for s in statements_of(training) if s.objective == objective]
    statement = AssessmentStatement(
        session_id=training.id,
        objective=objective,
        text=text,
        position=max((s.position for s in siblings), default=0) + 1,
    )
    db.session.add(statement)
    db.session.commit()
    return statement


def update_statement(
    statement: AssessmentStatement, objective: int, text: str, expected_version: int | None
) -> None:
    check_version(statement, expected_version)
    if objective != statement.objective:
        training = db.session.get(TrainingSession, statement.session_id)
        others = [s for s in statements_of(training) if s.objective == objective]
        statement.position = max((s.position for s in others), default=0) + 1
    statement.objective = objective
    statement.text = text
    db.session.commit()


def remove_statement(statement: AssessmentStatement) -> None:
    """Soft delete: the answers already given to it stay, and it can be restored."""
    statement.deleted_at = utcnow()
    db.session.commit()


def restore_statement(statement: AssessmentStatement) -> None:
    statement.deleted_at = None
    db.session.commit()


def move_statement(training: TrainingSession, statement: AssessmentStatement, step: int) -> bool:
    """One place up (-1) or down (+1) within its objective; False when already first or last."""
    siblings = [s for s in statements_of(training) if s.objective == statement.objective]
    index = siblings.index(statement)
    target = index + step
    moved = 0 <= target < len(siblings)
    if moved:
        siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, 1):
        if sibling.position != position:
            sibling.position = position
    db.session.commit()
    return moved


# ----- windows --------------------------------------------------------------------------------


def window_of(group: Group, moment: str) -> AssessmentWindow | None:
    return db.session.scalar(
        select(AssessmentWindow).where(
            AssessmentWindow.group_id == group.id, AssessmentWindow.moment == moment
        )
    )


def windows_of(group: Group) -> dict[str, AssessmentWindow | None]:
    return {moment: window_of(group, moment) for moment in MOMENTS}


def is_open(group: Group, moment: str, on: date | None = None) -> bool:
    """Inside the trainer's dates; an empty bound does not limit, except that the follow-up
    needs an opening date. Without dates, the defaults of OPEN_BY_DEFAULT apply."""
    on = on or today()
    window = window_of(group, moment)
    opens_on = window.opens_on if window else None
    closes_on = window.closes_on if window else None
    if opens_on is None and closes_on is None:
        return OPEN_BY_DEFAULT[moment]
    if opens_on is None and not OPEN_BY_DEFAULT[moment]:
        return False
    return (opens_on is None or opens_on <= on) and (closes_on is None or on <= closes_on)


def open_moments(group: Group) -> list[str]:
    return [moment for moment in MOMENTS if is_open(group, moment)]


def save_window(
    group: Group,
    moment: str,
    opens_on: date | None,
    closes_on: date | None,
    expected_version: int | None = None,
) -> AssessmentWindow:
    if opens_on and closes_on and closes_on < opens_on:
        raise AssessmentError("La date de fermeture ne peut pas précéder la date d'ouverture.")
    window = window_of(group, moment)
    if window is None:
        window = AssessmentWindow(group_id=group.id, moment=moment)
        db.session.add(window)
    else:
        check_version(window, expected_version)
    window.opens_on = opens_on
    window.closes_on = closes_on
    db.session.commit()
    return window


# ----- answers --------------------------------------------------------------------------------


def is_trainee(user: User, group: Group) -> bool:
    mine = membership(user, group)
    return mine is not None and mine.role == "stagiaire"


def answer_set_of(group: Group, user: User | int, moment: str) -> AnswerSet | None:
    user_id = user if isinstance(user, int) else user.id
    return db.session.scalar(
        select(AnswerSet).where(
            AnswerSet.group_id == group.id,
            AnswerSet.user_id == user_id,
            AnswerSet.moment == moment,
        )
    )


def answers_of(group: Group, user: User) -> dict[str, AnswerSet]:
    """A trainee's answer sets in the group, by moment."""
    rows = db.session.scalars(
        select(AnswerSet).where(AnswerSet.group_id == group.id, AnswerSet.user_id == user.id)
    )
    return {row.moment: row for row in rows}


def ratings_of(answer_set: AnswerSet | None) -> dict[int, int]:
    """statement id → rating."""
    return {a.statement_id: a.rating for a in answer_set.answers} if answer_set else {}


def save_answers(
    group: Group,
    user: User,
    moment: str,
    ratings: dict[int, int],
    comment: str | None,
    expected_version: int | None = None,
) -> AnswerSet:
    """Create or update the trainee's one answer set for the moment, inside its window."""
    if not is_trainee(user, group):
        raise AssessmentError("Seuls les stagiaires du groupe répondent au questionnaire.")
    if not is_open(group, moment):
        raise AssessmentError(CLOSED)
    if any(rating not in SCALE for rating in ratings.values()):
        raise AssessmentError("Chaque niveau va de 1 à 4.")
    answer_set = answer_set_of(group, user, moment)
    if answer_set is None:
        answer_set = AnswerSet(group_id=group.id, user_id=user.id, moment=moment)
        db.session.add(answer_set)
    elif expected_version is None:
        raise EditConflictError  # answered meanwhile, from another tab
    else:
        check_version(answer_set, expected_version)
    existing = {a.statement_id: a for a in answer_set.answers}
    for statement_id, rating in ratings.items():
        if statement_id in existing:
            existing[statement_id].rating = rating
        else:
            answer_set.answers.append(Answer(statement_id=statement_id, rating=rating))
    answer_set.comment = comment
    answer_set.submitted_at = utcnow()
    db.session.commit()
    return answer_set


def assessment_status(group: Group) -> dict[int, set[str]]:
    """Which moments each trainee of the group has answered (every trainee is a key)."""
    status: dict[int, set[str]] = {user.id: set() for user in group.trainees}
    rows = db.session.execute(
        select(AnswerSet.user_id, AnswerSet.moment).where(AnswerSet.group_id == group.id)
    )
    for user_id, moment in rows:
        if user_id in status:
            status[user_id].add(moment)
    return status


def can_see_answers(viewer: User, group: Group, trainee: User) -> bool:
    """The trainee themself, the group's formateurs and admins (DESIGN.md §4)."""
    return viewer.id == trainee.id or can_manage_group(viewer, group)


def assessment_summary(viewer: User, group: Group) -> dict | None:
    """What the group page shows: counts for its formateurs, the open moments for a trainee."""
    if can_manage_group(viewer, group):
        status = assessment_status(group)
        answered = {m: sum(m in moments for moments in status.values()) for m in MOMENTS}
        return {"role": "formateur", "total": len(status), "answered": answered}
    if is_trainee(viewer, group):
        done = set(answers_of(group, viewer))
        return {
            "role": "stagiaire",
            "open": open_moments(group),
            "answered": done,
            "labels": MOMENTS,
        }
    return None


# ----- the group's distribution, drawn --------------------------------------------------------

# Light to dark: the higher the level, the darker (sequential, readable without colour too:
# the table beside each chart holds the same counts).
LEVEL_COLOURS = {1: "#d0e1f2", 2: "#8fb8de", 3: "#3d7fc1", 4: "#0b3d7a"}
BAR_X, BAR_WIDTH, BAR_HEIGHT, BAR_GAP = 44, 232, 16, 8


@dataclass
class Segment:
    rating: int
    count: int
    x: float
    width: float

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS[self.rating]

    @property
    def label(self) -> str:
        return SCALE[self.rating]


@dataclass
class Bar:
    moment: str
    label: str
    counts: dict[int, int]
    y: float
    segments: list[Segment] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class StatementChart:
    statement: AssessmentStatement
    bars: list[Bar]

    @property
    def height(self) -> int:
        return len(self.bars) * (BAR_HEIGHT + BAR_GAP)

    @property
    def description(self) -> str:
        parts = []
        for bar in self.bars:
            counts = ", ".join(f"{bar.counts[r]} au niveau {r}" for r in SCALE)
            parts.append(
                f"{bar.label} : {counts}" if bar.total else f"{bar.label} : aucune réponse"
            )
        return " ; ".join(parts)


def distribution(group: Group, moment: str) -> dict[int, dict[int, int]]:
    """statement id → {rating: count} over the trainees' answers for the moment."""
    trainees = {user.id for user in group.trainees}
    rows = db.session.execute(
        select(AnswerSet.user_id, Answer.statement_id, Answer.rating)
        .join(Answer.answer_set)
        .where(AnswerSet.group_id == group.id, AnswerSet.moment == moment)
    )
    counts: dict[int, dict[int, int]] = {}
    for user_id, statement_id, rating in rows:
        if user_id in trainees:
            per = counts.setdefault(statement_id, dict.fromkeys(SCALE, 0))
            per[rating] = per.get(rating, 0) + 1
    return counts


def statement_charts(
    group: Group, statements: list[AssessmentStatement], moments: tuple[str, ...] = ("debut", "fin")
) -> list[StatementChart]:
    """Per statement, one stacked bar per moment (shares of trainees per level)."""
    figures = {moment: distribution(group, moment) for moment in moments}
    charts = []
    for statement in statements:
        bars = []
        for i, moment in enumerate(moments):
            counts = figures[moment].get(statement.id, dict.fromkeys(SCALE, 0))
            bar = Bar(moment, MOMENTS[moment].split(" ")[0], counts, i * (BAR_HEIGHT + BAR_GAP))
            bar.segments = _segments(counts)
            bars.append(bar)
        charts.append(StatementChart(statement, bars))
    return charts


def _segments(counts: dict[int, int]) -> list[Segment]:
    total = sum(counts.values())
    segments, x = [], float(BAR_X)
    for rating in SCALE:
        if counts[rating] and total:
            width = BAR_WIDTH * counts[rating] / total
            segments.append(Segment(rating, counts[rating], x, width))
            x += width
    return segments
