"""Demo cooperation maps: one per demo trainee (8–20 structures, every level and status) and
each group's map built from its trainees' maps. Deterministic: same data on every machine."""

import random

from sqlalchemy import select

from allervers.auth.models import User
from allervers.directory.models import Structure
from allervers.extensions import db
from allervers.maps import services as maps
from allervers.maps.models import CooperationMap
from allervers.training.models import Group

OBSTACLES = (
    "Pas d'interlocuteur identifié",
    "Missions perçues comme concurrentes",
    "Manque de temps dédié à la coordination",
    "Secret professionnel : cadre du partage d'informations à poser",
)
FREQUENCY_CYCLE = ("mensuelle", "hebdomadaire", "ponctuelle", None)
PARTNER_ITEMS = (
    "trust_reliability",
    "trust_mission",
    "value_influence",
    "value_involvement",
    "value_resources",
)


def load_demo_maps() -> None:
    trainees = db.session.scalars(
        select(User).where(User.role == "stagiaire", User.email.like("%@demo.allervers.fr"))
    ).all()
    for trainee in sorted(trainees, key=lambda user: user.email):
        if trainee.structure is not None:
            _trainee_map(trainee)
    for group in db.session.scalars(select(Group)).all():
        group_map = maps.group_map(group)
        if not group_map.live_links:
            for member in group.trainees:
                for own in maps.personal_maps(member):
                    maps.copy_into(own, group_map)


def _trainee_map(trainee: User) -> CooperationMap:
    existing = maps.personal_maps(trainee)
    if existing:
        return existing[0]
    focal = trainee.structure
    title = f"Mes partenaires – {focal.name}"
    cooperation_map = maps.create_map(trainee, title, focal.commune, focal.id)
    rng = random.Random(trainee.email)  # the same map on every machine
    partners = _partners(focal, rng)
    for index, partner in enumerate(partners):
        maps.add_entry(
            cooperation_map,
            partner,
            {
                "influence": rng.randint(0, 5),
                "position": ("moteur", "favorable", "neutre", "reserve")[index % 4],
            },
        )
    for index, partner in enumerate(partners):
        maps.save_link(cooperation_map, focal.id, partner.id, _link_fields(index, rng))
    for first, second in zip(partners[::3], partners[1::3], strict=False):
        maps.save_link(cooperation_map, first.id, second.id, _link_fields(rng.randint(0, 8), rng))
    return cooperation_map


def _partners(focal: Structure, rng: random.Random) -> list[Structure]:
    same_departement = db.session.scalars(
        select(Structure)
        .where(
            Structure.departement == focal.departement,
            Structure.id != focal.id,
            Structure.deleted_at.is_(None),
        )
        .order_by(Structure.name)
    ).all()
    return rng.sample(same_departement, k=min(len(same_departement), rng.randint(10, 14)))


def _link_fields(index: int, rng: random.Random) -> dict:
    """Index 0–5: existing links of every level; 6: wished; 7: strained; then mixed."""
    if index % 9 == 6:
        return {
            "status": "souhaite",
            "level": None,
            "desired_level": rng.randint(2, 4),
            "feasibility": ("facile", "possible", "difficile")[index % 3],
            "obstacles": OBSTACLES[index % len(OBSTACLES)],
        }
    level = index % 6
    fields = {
        "status": "difficile" if index % 9 == 7 else "existant",
        "level": level,
        "frequency": FREQUENCY_CYCLE[index % 4],
        "trust_dialogue": rng.randint(1, 4),
    }
    if index % 5 != 4:  # most links rated on the six PARTNER items; the others in part only
        fields.update({name: rng.randint(1, 4) for name in PARTNER_ITEMS})
    if level <= 2 and index % 2 == 0:
        fields.update(desired_level=level + 2, feasibility="possible")
    return fields
