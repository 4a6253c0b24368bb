"""Turning a suggested partner into a wished link of the map or an item of the action plan.

Both go through the services the editor and the plan pages use (maps.services, which retries
on races and tells the live feed; followup.plans), so a suggestion acted on is a change like
any other.
"""

from dataclasses import dataclass

from sqlalchemy import select

from allervers.auth.models import User
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.followup import plans
from allervers.followup.models import Action
from allervers.maps import services as maps
from allervers.maps.models import CooperationMap
from allervers.network import Suggestion

DESCRIPTION_MAX = 300  # Action.description
CONTACT = "Prendre contact avec"
WISHED = {"status": "souhaite", "direction": "mutuel"}


@dataclass
class Outcome:
    """What a click did: `changed` False when it was already done (nothing doubled)."""

    changed: bool
    message: str


def wish_link(cooperation_map: CooperationMap, structure: Structure) -> Outcome:
    """Place the structure (and the focal one, if it was taken off) and record a wished link
    from the focal structure to it. Raises maps.MapError when the map has no focal structure."""
    focal = cooperation_map.focal_structure
    if focal is None or focal.is_deleted:
        raise maps.MapError(
            "Cette carte n'a pas de structure focale : choisissez-la (« Modifier la carte ») "
            "pour y ajouter des liens souhaités."
        )
    if focal.id == structure.id:
        raise maps.MapError("Une structure ne peut pas avoir de lien avec elle-même.")
    link = maps.link_between(cooperation_map, focal.id, structure.id)
    if link is not None and not link.is_deleted:
        return Outcome(
            False,
            f"La carte a déjà un lien entre {focal.name} et {structure.name}, au statut "
            f"« {link.status_label} » : rien n'a été ajouté.",
        )
    for placed in (focal, structure):
        entry = maps.entry_of(cooperation_map, placed.id)
        if entry is None or entry.is_deleted:
            maps.add_entry(cooperation_map, placed, {})
    maps.save_link(cooperation_map, focal.id, structure.id, dict(WISHED))
    return Outcome(True, f"Lien souhaité ajouté : {focal.name} – {structure.name}.")


def description(structure: Structure, suggestion: Suggestion | None) -> str:
    """« Prendre contact avec X. » followed by as many of the suggestion's reasons as fit."""
    text = f"{CONTACT} {structure.name}."
    for reason in suggestion.reasons if suggestion else ():
        longer = f"{text} {reason.text}"
        if len(longer) > DESCRIPTION_MAX:
            break
        text = longer
    return text[:DESCRIPTION_MAX]


def _contact_actions(cooperation_map: CooperationMap) -> tuple:
    """Live « Prendre contact » actions of this map, in the plan its editors share: the
    owner's own for a personal map (a formateur may have written one too, about it), the
    group's for a group map."""
    if cooperation_map.group_id is not None:
        plan = (Action.group_id == cooperation_map.group_id, Action.owner_id.is_(None))
    else:
        plan = (Action.owner_id == cooperation_map.owner_id,)
    return (
        Action.map_id == cooperation_map.id,
        Action.deleted_at.is_(None),
        Action.description.startswith(CONTACT, autoescape=True),
        *plan,
    )


def planned_action(cooperation_map: CooperationMap, structure_id: int) -> Action | None:
    query = select(Action).where(
        *_contact_actions(cooperation_map), Action.structure_id == structure_id
    )
    return db.session.scalar(query.order_by(Action.id).limit(1))


def planned_ids(cooperation_map: CooperationMap) -> set[int]:
    """The partners of this map that already have such an action."""
    query = select(Action.structure_id).where(*_contact_actions(cooperation_map))
    return set(db.session.scalars(query))


def plan_action(
    cooperation_map: CooperationMap,
    structure: Structure,
    suggestion: Suggestion | None,
    by: User,
) -> tuple[Action, bool]:
    """The action « Prendre contact avec X », personal on a personal map and the group's on a
    group map; the existing one (and False) when the map's plan already has it."""
    existing = planned_action(cooperation_map, structure.id)
    if existing is not None:
        return existing, False
    fields = {
        "description": description(structure, suggestion),
        "structure_id": structure.id,
        "map_id": cooperation_map.id,
        "group_id": cooperation_map.group_id,
        "status": "prevue",
    }
    return plans.create_action(by, fields), True
