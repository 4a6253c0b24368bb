"""Case presentations: queries, slide contents, and the only code that writes them."""

from dataclasses import dataclass, field

from sqlalchemy import Select, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from allervers.auth.models import User
from allervers.core import vocab
from allervers.core.models import check_version
from allervers.core.templating import number_fr
from allervers.core.timeutil import french_date, utcnow
from allervers.extensions import db
from allervers.initiatives.models import (
    DIMENSIONS,
    STATUSES,
    Initiative,
    Presentation,
    PresentationItem,
)
from allervers.training.access import group_ids_of
from allervers.training.models import Group, Membership

SUMMARY_ON_SLIDE = 600  # characters: a slide is read from the back of the room
EFFECTS_ON_SLIDE = 5


class PresentationError(ValueError):
    """A refused change; the message is shown to the person as it is."""


# ----- queries --------------------------------------------------------------------------------


def _live() -> Select:
    return (
        select(Presentation)
        .where(Presentation.deleted_at.is_(None))
        .options(
            selectinload(Presentation.items).selectinload(PresentationItem.initiative),
            selectinload(Presentation.group),
            selectinload(Presentation.owner),
        )
    )


def visible_presentations(user: User, group_id: int | None = None) -> Select:
    """What the list shows: one's own presentations and those of one's groups (admins: all)."""
    query = _live()
    if not user.is_admin:
        query = query.where(
            or_(Presentation.owner_id == user.id, Presentation.group_id.in_(group_ids_of(user)))
        )
    if group_id is not None:
        query = query.where(Presentation.group_id == group_id)
    return query.order_by(Presentation.updated_at.desc(), Presentation.id.desc())


def editable_presentations(user: User) -> list[Presentation]:
    """The live presentations `user` may add initiatives to (access.can_edit_presentation)."""
    query = _live().join(Group).where(Group.deleted_at.is_(None))
    if not user.is_admin:
        as_trainer = select(Membership.group_id).where(
            Membership.user_id == user.id, Membership.role == "formateur"
        )
        query = query.where(
            or_(Presentation.owner_id == user.id, Presentation.group_id.in_(as_trainer))
        )
    return list(db.session.scalars(query.order_by(Group.name, Presentation.title)))


def is_shown_to_group(initiative: Initiative, group_id: int) -> bool:
    """Whether the whole group may see the initiative: shared with everyone, or with that group.

    A presentation is projected to a group: a private draft, or a case shared with another
    group, would show its members what they may not open.
    """
    if initiative.is_deleted:
        return False
    if initiative.visibility == "base":
        return True
    return initiative.visibility == "groupe" and initiative.group_id == group_id


def item_of(presentation: Presentation, item_id: int) -> PresentationItem | None:
    return next((item for item in presentation.items if item.id == item_id), None)


def shown_items(presentation: Presentation) -> list[PresentationItem]:
    """The items the group may see, in order: those that became private or left are skipped."""
    return [
        item
        for item in presentation.items
        if is_shown_to_group(item.initiative, presentation.group_id)
    ]


def add_options(
    presentations: list[Presentation], initiative: Initiative
) -> list[tuple[Presentation, bool]]:
    """(presentation, already in it) for those of `presentations` that may show `initiative`."""
    return [
        (p, any(item.initiative_id == initiative.id for item in p.items))
        for p in presentations
        if is_shown_to_group(initiative, p.group_id)
    ]


# ----- slides ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectLine:
    dimension: str
    indicator: str
    value: str | None
    unit: str | None
    observed_on: str


@dataclass(frozen=True)
class Slide:
    """What one initiative's slide shows, as ready-to-print French text."""

    number: int
    item_id: int
    initiative_id: int
    title: str
    carried_by: str | None
    communes: str | None
    status: str
    status_code: str
    summary: str | None
    techniques: list[str] = field(default_factory=list)
    publics: list[str] = field(default_factory=list)
    partners: list[tuple[str, str | None]] = field(default_factory=list)
    effects: list[EffectLine] = field(default_factory=list)
    notes: str | None = None


def slides(presentation: Presentation) -> list[Slide]:
    """One slide per item the group may see; number 1 is the title slide, so they start at 2."""
    return [_slide(item, number) for number, item in enumerate(shown_items(presentation), 2)]


def _slide(item: PresentationItem, number: int) -> Slide:
    initiative = item.initiative
    return Slide(
        number=number,
        item_id=item.id,
        initiative_id=initiative.id,
        title=initiative.title,
        carried_by=initiative.structure.name if initiative.structure else None,
        communes=initiative.communes,
        status=STATUSES.get(initiative.status, initiative.status),
        status_code=initiative.status,
        summary=shorten(initiative.summary, SUMMARY_ON_SLIDE),
        techniques=[vocab.label("techniques", code) for code in initiative.technique_codes],
        publics=[vocab.label("publics", code) for code in initiative.public_codes],
        partners=[
            (partner.structure.name, partner.role)
            for partner in sorted(initiative.live_partners, key=lambda p: p.structure.name)
        ],
        effects=[_effect_line(effect) for effect in initiative.live_effects[:EFFECTS_ON_SLIDE]],
        notes=item.notes,
    )


def _effect_line(effect) -> EffectLine:
    if effect.indicator_code:
        indicator = vocab.label("indicateurs", effect.indicator_code)
        unit = _unit(effect.indicator_code)
    else:
        indicator, unit = effect.indicator_label or "Observation", None
    return EffectLine(
        dimension=DIMENSIONS.get(effect.dimension, effect.dimension),
        indicator=indicator,
        value=None if effect.value is None else number_fr(effect.value),
        unit=unit if effect.value is not None else None,
        observed_on=french_date(effect.observed_on),
    )


def _unit(indicator_code: str) -> str | None:
    entry = next((e for e in vocab.load("indicateurs") if e.code == indicator_code), None)
    return (entry.extra.get("unite") or None) if entry else None


def shorten(text: str | None, limit: int) -> str | None:
    """At most `limit` characters, cut at a word, with an ellipsis when cut."""
    if not text or len(text) <= limit:
        return text
    cut = text[:limit].rsplit(maxsplit=1)[0].rstrip(" ,;:.")
    return cut + " …"


# ----- presentations --------------------------------------------------------------------------


def create_presentation(owner: User, title: str, group: Group) -> Presentation:
    presentation = Presentation(title=title, group_id=group.id, owner_id=owner.id)
    db.session.add(presentation)
    db.session.commit()
    return presentation


def update_presentation(
    presentation: Presentation, title: str, group: Group, expected_version: int | None
) -> None:
    """Rename, or move to another group when every initiative in it may be shown there."""
    check_version(presentation, expected_version)
    if group.id != presentation.group_id:
        kept_from = [
            item.initiative.title
            for item in presentation.items
            if is_shown_to_group(item.initiative, presentation.group_id)
            and not is_shown_to_group(item.initiative, group.id)
        ]
        if kept_from:
            raise PresentationError(
                f"{_count(len(kept_from))} de cette présentation "
                f"{'est partagée' if len(kept_from) == 1 else 'sont partagées'} avec le seul "
                f"groupe actuel ({', '.join(kept_from)}) : retirez-les d'abord, "
                "ou gardez ce groupe."
            )
    presentation.title = title
    presentation.group_id = group.id
    db.session.commit()


def remove_presentation(presentation: Presentation) -> None:
    presentation.deleted_at = utcnow()
    db.session.commit()


def restore_presentation(presentation: Presentation) -> None:
    presentation.deleted_at = None
    db.session.commit()


def _count(number: int) -> str:
    return "Une initiative" if number == 1 else f"{number} initiatives"


# ----- items ----------------------------------------------------------------------------------


def _touch(presentation: Presentation) -> None:
    """Its content changed: the list sorts by it. The version (title and group) stays."""
    db.session.execute(
        update(Presentation)
        .where(Presentation.id == presentation.id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _renumber(items: list[PresentationItem]) -> None:
    for position, item in enumerate(items, 1):
        item.position = position


def add_item(
    presentation: Presentation,
    initiative: Initiative,
    position: int | None = None,
    notes: str | None = None,
) -> PresentationItem:
    """Add at the end (or at `position`, counted from 1); refused when the group may not see it."""
    if not is_shown_to_group(initiative, presentation.group_id):
        raise PresentationError(
            f"« {initiative.title} » n'est pas visible par tout le groupe "
            f"{presentation.group.name} : seules les initiatives de la base partagée, ou "
            "partagées avec ce groupe, peuvent lui être présentées."
        )
    if any(item.initiative_id == initiative.id for item in presentation.items):
        raise PresentationError(
            f"« {initiative.title} » est déjà dans la présentation « {presentation.title} »."
        )
    items = list(presentation.items)
    item = PresentationItem(initiative_id=initiative.id, notes=notes)
    index = len(items) if position is None else min(max(position - 1, 0), len(items))
    items.insert(index, item)
    presentation.items.append(item)
    _renumber(items)
    _touch(presentation)
    try:
        db.session.commit()
    except IntegrityError:  # added at the same moment by someone else
        db.session.rollback()
        raise PresentationError(
            f"« {initiative.title} » est déjà dans la présentation « {presentation.title} »."
        ) from None
    return item


def move_item(presentation: Presentation, item: PresentationItem, step: int) -> bool:
    """Move one place up (-1) or down (+1); False when it already is first or last."""
    items = list(presentation.items)
    index = items.index(item)
    target = index + step
    if not 0 <= target < len(items):
        _renumber(items)
        db.session.commit()
        return False
    items[index], items[target] = items[target], items[index]
    _renumber(items)
    _touch(presentation)
    db.session.commit()
    return True


def save_notes(presentation: Presentation, item: PresentationItem, notes: str | None) -> None:
    item.notes = notes
    _touch(presentation)
    db.session.commit()


def remove_item(presentation: Presentation, item: PresentationItem) -> int:
    """Take the item out; the others close ranks. Returns its position, for the undo."""
    position = item.position
    presentation.items.remove(item)
    _renumber(list(presentation.items))
    _touch(presentation)
    db.session.commit()
    return position
