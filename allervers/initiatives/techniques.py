"""The technique catalogue: techniques.csv, the formateurs' notes, and the visible initiatives
that use each technique with their recorded effects (DESIGN.md §2, « Technique »)."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from allervers.auth.models import User
from allervers.core import vocab
from allervers.core.models import EditConflictError, check_version
from allervers.extensions import db
from allervers.initiatives.access import visible_initiatives
from allervers.initiatives.models import DIMENSIONS, Effect, Initiative, InitiativeTechnique
from allervers.initiatives.models import TechniqueNote as Note

NOTE_FIELDS = ("description", "conditions", "vigilance")


@dataclass(frozen=True)
class Technique:
    """A catalogue entry and what formateurs added to it (`note` is None until the first edit)."""

    code: str
    label: str
    family: str
    catalogue_description: str
    note: Note | None = None

    @property
    def description(self) -> str:
        return (self.note and self.note.description) or self.catalogue_description

    @property
    def conditions(self) -> str | None:
        return self.note.conditions if self.note else None

    @property
    def vigilance(self) -> str | None:
        return self.note.vigilance if self.note else None


def _technique(entry: vocab.Entry, note: Note | None = None) -> Technique:
    return Technique(
        entry.code, entry.label, entry.extra["famille"], entry.extra["description"], note
    )


def technique_or_404(code: str) -> Technique:
    entry = next((entry for entry in vocab.load("techniques") if entry.code == code), None)
    if entry is None:
        abort(404)
    return _technique(entry, db.session.get(Note, code))


def _visible_ids(user: User):
    """The ids of the initiatives `user` may see: every count below joins on this."""
    return visible_initiatives(user).with_only_columns(Initiative.id).order_by(None).subquery()


def families(user: User) -> list[tuple[str, list[tuple[Technique, int]]]]:
    """The catalogue by family (CSV order), each technique with its visible initiatives' count."""
    ids = _visible_ids(user)
    query = (
        select(InitiativeTechnique.technique_code, func.count())
        .join(ids, ids.c.id == InitiativeTechnique.initiative_id)
        .group_by(InitiativeTechnique.technique_code)
    )
    counts = {code: number for code, number in db.session.execute(query)}
    notes = {note.code: note for note in db.session.scalars(select(Note))}
    grouped: dict[str, list[tuple[Technique, int]]] = {}
    for entry in vocab.load("techniques"):
        technique = _technique(entry, notes.get(entry.code))
        grouped.setdefault(technique.family, []).append((technique, counts.get(entry.code, 0)))
    return list(grouped.items())


def _using(user: User, code: str) -> Select:
    """The visible initiatives that use the technique, unordered."""
    uses = select(InitiativeTechnique).where(
        InitiativeTechnique.initiative_id == Initiative.id,
        InitiativeTechnique.technique_code == code,
    )
    return visible_initiatives(user).where(uses.exists())


def _first_reference_then_latest(query: Select) -> Select:
    return query.order_by(
        Initiative.is_reference.desc(), Initiative.updated_at.desc(), Initiative.id.desc()
    ).options(selectinload(Initiative.structure))  # the cards and quotes name the carrier


def initiatives_using(user: User, code: str) -> Select:
    """The visible initiatives that use the technique: reference cases first, then the latest."""
    return _first_reference_then_latest(_using(user, code))


# ----- what the initiatives learnt --------------------------------------------------------------


@dataclass(frozen=True)
class Lesson:
    """One part of a technique page gathered from its initiatives' own sections."""

    slug: str  # in the URL of the page that lists them all
    field: str  # the Initiative column (SECTIONS)
    title: str
    empty: str  # what the page says when no visible initiative wrote it


# Read from the live columns the initiative page shows, never from an autosaved draft: what
# the personal-data guard checked on save, and nothing the author has since removed.
LESSONS = (
    Lesson(
        "reussite",
        "success_conditions",
        "Ce qui a fait réussir",
        "Aucune initiative partagée n'a encore décrit ce qui a fait réussir cette technique.",
    ),
    Lesson(
        "freins",
        "difficulties",
        "Ce qui a freiné",
        "Aucune initiative partagée n'a encore décrit ce qui a freiné cette technique.",
    ),
    Lesson(
        "enseignements",
        "lessons",
        "Enseignements",
        "Aucune initiative partagée n'a encore tiré d'enseignement de cette technique.",
    ),
)
LESSON_SLUGS = tuple(lesson.slug for lesson in LESSONS)


def lesson_of(slug: str) -> Lesson:
    return next(lesson for lesson in LESSONS if lesson.slug == slug)


BLANKS = " \t\r\n"


def _written(field: str):
    """The SQL condition "this section says something" (blank text counts as nothing)."""
    column = getattr(Initiative, field)
    return column.is_not(None) & (func.length(func.trim(column, BLANKS)) > 0)


def quotes(user: User, code: str, lesson: Lesson) -> Select:
    """The visible initiatives of the technique that wrote this section, in the list's order."""
    return _first_reference_then_latest(_using(user, code).where(_written(lesson.field)))


def lessons_overview(user: User, code: str, cap: int) -> list[tuple[Lesson, list, int]]:
    """Each part with its first `cap` initiatives (in the list's order) and how many wrote it.

    One ranked query over ids and flags (no text is sorted), then one load of the few shown:
    per part, a row number among the initiatives that wrote it and their count.
    """
    order = (Initiative.is_reference.desc(), Initiative.updated_at.desc(), Initiative.id.desc())
    columns = [Initiative.id]
    for lesson in LESSONS:
        wrote = case((_written(lesson.field), 1), else_=0)
        columns += [
            wrote.label(f"wrote_{lesson.field}"),
            func.sum(wrote).over().label(f"total_{lesson.field}"),
            func.row_number()
            .over(partition_by=wrote, order_by=order)
            .label(f"rank_{lesson.field}"),
        ]
    ranked = _using(user, code).with_only_columns(*columns).order_by(None).subquery()
    shown = or_(
        *(
            (ranked.c[f"wrote_{lesson.field}"] == 1) & (ranked.c[f"rank_{lesson.field}"] <= cap)
            for lesson in LESSONS
        )
    )
    rows = db.session.execute(select(ranked).where(shown)).mappings().all()
    loaded = {
        initiative.id: initiative
        for initiative in db.session.scalars(
            select(Initiative)
            .where(Initiative.id.in_([row["id"] for row in rows]))
            .options(joinedload(Initiative.structure))
        )
    }
    overview = []
    for lesson in LESSONS:
        mine = sorted(
            (row[f"rank_{lesson.field}"], row["id"])
            for row in rows
            if row[f"wrote_{lesson.field}"] == 1 and row[f"rank_{lesson.field}"] <= cap
        )
        total = int(rows[0][f"total_{lesson.field}"] or 0) if rows else 0
        overview.append((lesson, [loaded[number] for _rank, number in mine], total))
    return overview


# ----- effects observed -------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectSummary:
    """The effects recorded under one indicator, over the visible initiatives of a technique."""

    dimension: str
    label: str
    unit: str
    countable: bool
    observations: int
    initiatives: int
    valued: int  # observations with a value
    total: float | None
    last_observed: date

    @property
    def total_text(self) -> str:
        """The sum in French: 1 234 or 12,5."""
        if self.total is None:
            return ""
        if float(self.total).is_integer():
            return f"{int(self.total):,}".replace(",", "\u202f")
        return f"{self.total:,.1f}".replace(",", "\u202f").replace(".", ",")


def _effects_of(user: User, code: str) -> Select:
    """The live effects of the visible initiatives that use the technique."""
    ids = _visible_ids(user)
    return (
        select(Effect)
        .join(ids, ids.c.id == Effect.initiative_id)
        .join(
            InitiativeTechnique,
            (InitiativeTechnique.initiative_id == Effect.initiative_id)
            & (InitiativeTechnique.technique_code == code),
        )
        .where(Effect.deleted_at.is_(None))
    )


def effect_summaries(user: User, code: str) -> list[tuple[str, list[EffectSummary]]]:
    """Per dimension (in DIMENSIONS order), one summary per indicator: the catalogue's
    indicators in CSV order, then the free ones alphabetically."""
    free_label = case((Effect.indicator_code.is_(None), Effect.indicator_label), else_=None)
    query = (
        _effects_of(user, code)
        .with_only_columns(
            Effect.dimension,
            Effect.indicator_code,
            free_label,
            func.count(Effect.id),
            func.count(func.distinct(Effect.initiative_id)),
            func.count(Effect.value),
            func.sum(Effect.value),
            func.max(Effect.observed_on),
        )
        .group_by(Effect.dimension, Effect.indicator_code, free_label)
    )
    indicators = {entry.code: (rank, entry) for rank, entry in enumerate(vocab.load("indicateurs"))}
    rows = []
    for dimension, indicator, free, count, initiatives, valued, total, last in db.session.execute(
        query
    ):
        rank, entry = indicators.get(indicator, (len(indicators), None))
        unit = entry.extra["unite"] if entry else ""
        label = entry.label if entry else (free or indicator or "Indicateur non précisé")
        # A catalogue indicator without a unit is qualitative: its values are not summed.
        countable = bool(unit) if entry else valued > 0
        summary = EffectSummary(
            dimension=dimension,
            label=label,
            unit=unit,
            countable=countable,
            observations=count,
            initiatives=initiatives,
            valued=valued,
            total=total if countable and valued else None,
            last_observed=last,
        )
        rows.append(((rank, label.casefold()), summary))
    grouped = {name: [] for name in DIMENSIONS}
    for _key, summary in sorted(rows, key=lambda row: row[0]):
        grouped.setdefault(summary.dimension, []).append(summary)
    return [(name, summaries) for name, summaries in grouped.items() if summaries]


@dataclass(frozen=True)
class DimensionEffects:
    """The effects observed along one dimension: counts, per indicator, and the latest ones."""

    code: str
    label: str
    observations: int
    initiatives: int
    indicators: list[EffectSummary]
    latest: list[tuple[Effect, str]]  # with the title of its initiative


@dataclass(frozen=True)
class EffectsObserved:
    dimensions: list[DimensionEffects]  # those with at least one effect, in DIMENSIONS order
    observations: int
    initiatives: int  # that recorded at least one


def effects_observed(user: User, code: str, latest: int) -> EffectsObserved:
    """The technique's effects per dimension, each with its `latest` most recent observations."""
    effects = _effects_of(user, code)
    pairs = effects.with_only_columns(Effect.dimension, Effect.initiative_id).distinct()
    initiatives: dict[str, set[int]] = {}
    for dimension, initiative_id in db.session.execute(pairs):
        initiatives.setdefault(dimension, set()).add(initiative_id)
    rank = func.row_number().over(
        partition_by=Effect.dimension, order_by=(Effect.observed_on.desc(), Effect.id.desc())
    )
    ranked = effects.with_only_columns(Effect.id, rank.label("rank")).subquery()
    recent = (
        select(Effect, Initiative.title)
        .join(ranked, ranked.c.id == Effect.id)
        .join(Initiative, Initiative.id == Effect.initiative_id)
        .where(ranked.c.rank <= latest)
        .order_by(Effect.observed_on.desc(), Effect.id.desc())
    )
    latest_of: dict[str, list[tuple[Effect, str]]] = {}
    for effect, title in db.session.execute(recent):
        latest_of.setdefault(effect.dimension, []).append((effect, title))
    dimensions = [
        DimensionEffects(
            code=dimension,
            label=DIMENSIONS.get(dimension, dimension),
            observations=sum(summary.observations for summary in summaries),
            initiatives=len(initiatives.get(dimension, ())),
            indicators=summaries,
            latest=latest_of.get(dimension, []),
        )
        for dimension, summaries in effect_summaries(user, code)
    ]
    return EffectsObserved(
        dimensions=dimensions,
        observations=sum(dimension.observations for dimension in dimensions),
        initiatives=len(set().union(*initiatives.values())),
    )


# ----- the formateurs' notes --------------------------------------------------------------------


def note_of(code: str) -> Note | None:
    return db.session.get(Note, code)


def save_note(code: str, fields: dict, by: User, expected_version: int | None) -> Note:
    """Create or update the note; EditConflictError when someone saved since the form opened
    (version 0 stands for "there was no note yet")."""
    values = {name: fields[name] for name in NOTE_FIELDS} | {"updated_by_id": by.id}
    note = db.session.get(Note, code)
    if note is None:
        note = Note(code=code, **values)
        db.session.add(note)
    elif expected_version == 0:
        raise EditConflictError
    else:
        check_version(note, expected_version)
        for name, value in values.items():
            setattr(note, name, value)
    try:
        db.session.commit()
    except IntegrityError as error:  # another first save won the race
        db.session.rollback()
        raise EditConflictError from error
    return note


def updated_by(note: Note | None) -> User | None:
    if note is None or note.updated_by_id is None:
        return None
    return db.session.get(User, note.updated_by_id)
