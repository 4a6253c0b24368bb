"""The technique catalogue: techniques.csv, the formateurs' notes, and the visible initiatives
that use each technique with their recorded effects (DESIGN.md §2, « Technique »)."""

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

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


def lesson_counts(user: User, code: str) -> dict[str, int]:
    """How many visible initiatives of the technique wrote each section, by slug."""
    counts = [func.count(case((_written(lesson.field), 1))) for lesson in LESSONS]
    query = _using(user, code).with_only_columns(*counts).order_by(None)
    return dict(zip(LESSON_SLUGS, db.session.execute(query).one(), strict=True))


def quotes(user: User, code: str, lesson: Lesson) -> Select:
    """The visible initiatives of the technique that wrote this section, in the list's order."""
    return _first_reference_then_latest(_using(user, code).where(_written(lesson.field)))


def lessons_overview(user: User, code: str, cap: int) -> list[tuple[Lesson, list, int]]:
    """Each part with its first `cap` initiatives and how many wrote it in all."""
    counts = lesson_counts(user, code)
    overview = []
    for lesson in LESSONS:
        total = counts[lesson.slug]
        first = db.session.scalars(quotes(user, code, lesson).limit(cap)) if total else []
        overview.append((lesson, list(first), total))
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
    latest: list[Effect]


def effects_by_dimension(user: User, code: str, latest: int) -> list[DimensionEffects]:
    """The dimensions with at least one effect, in DIMENSIONS order; each with its `latest`
    most recent observations (their initiative loaded, to link to it)."""
    effects = _effects_of(user, code)
    counts_query = effects.with_only_columns(
        Effect.dimension, func.count(Effect.id), func.count(func.distinct(Effect.initiative_id))
    ).group_by(Effect.dimension)
    counts = {dimension: (n, m) for dimension, n, m in db.session.execute(counts_query)}
    indicators = dict(effect_summaries(user, code))
    result = []
    for dimension in [*DIMENSIONS, *sorted(set(counts) - set(DIMENSIONS))]:
        if dimension not in counts:
            continue
        recent = (
            effects.where(Effect.dimension == dimension)
            .order_by(Effect.observed_on.desc(), Effect.id.desc())
            .limit(latest)
            .options(selectinload(Effect.initiative))
        )
        observations, initiatives = counts[dimension]
        result.append(
            DimensionEffects(
                code=dimension,
                label=DIMENSIONS.get(dimension, dimension),
                observations=observations,
                initiatives=initiatives,
                indicators=indicators.get(dimension, []),
                latest=list(db.session.scalars(recent)),
            )
        )
    return result


def effect_totals(user: User, code: str) -> tuple[int, int]:
    """(observations, initiatives with at least one) over the technique's visible initiatives."""
    query = _effects_of(user, code).with_only_columns(
        func.count(Effect.id), func.count(func.distinct(Effect.initiative_id))
    )
    observations, initiatives = db.session.execute(query).one()
    return observations, initiatives


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
