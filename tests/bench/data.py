"""The bench's data set: one département (Loiret) at the scale of a year of workshops.

2,000 structures in 40 communes, 300 users (260 trainees, 15 formateurs, 24 référents, an
admin) in 20 groups of 5 sessions, 300 maps (a personal map per trainee, a map per group, a
few formateurs' maps) of ~30 structures and ~33 links each, 10,000 links in all; 500
initiatives (mostly shared in the base) with techniques, publics, partners and 3,000 effect
records; the follow-up of the groups (self-assessments, attendance, journal notes, actions).

Generated from a fixed seed and written with SQLAlchemy Core bulk inserts (one statement per
table, ids returned in order), so that it builds in seconds on SQLite and PostgreSQL.
"""

import random
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from allervers import communes
from allervers.auth.models import User
from allervers.auth.passwords import hash_password
from allervers.core import vocab
from allervers.directory.models import ReferentAttachment, Structure, StructurePublic
from allervers.extensions import db
from allervers.followup.assessment import DEFAULT_STATEMENTS
from allervers.followup.models import (
    Action,
    Answer,
    AnswerSet,
    AssessmentStatement,
    Attendance,
    JournalNote,
)
from allervers.initiatives.models import (
    SECTIONS,
    Effect,
    Initiative,
    InitiativePartner,
    InitiativePublic,
    InitiativeTechnique,
    Presentation,
    PresentationItem,
)
from allervers.initiatives.services import search_text
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry
from allervers.training.models import Group, InvitationCode, Membership, TrainingSession

SEED = 2026
PASSWORD = "mot-de-passe-du-banc"
SIZES = {
    "structures": 2000,
    "users": 300,
    "groups": 20,
    "maps": 300,
    "links": 10_000,
    "initiatives": 500,
    "effects": 3000,
}
TRAINEES_PER_GROUP = 13  # 20 groups × 13 = 260 trainees
FORMATEURS = 15
REFERENTS = 24
STRUCTURES_PER_MAP = 30
NOW = datetime(2026, 11, 20, 9, 0)

# The communes of the Loiret, from the official list (allervers.communes): structures are placed
# in real communes with their INSEE code, in proportion to the population, so that most are in
# the big intercommunalités (Orléans Métropole, Montargoise) and some in rural ones.
DEPARTEMENT = "45"


def departement_communes() -> list[communes.Commune]:
    """Every commune of the département, biggest first (the same order every run)."""
    return communes.by_departement(DEPARTEMENT)


# The groups meet in the larger towns.
GROUP_CITIES = ["Orléans", "Montargis", "Gien", "Pithiviers", "Fleury-les-Aubrais", "Olivet"]
# Typologies met in a département's directory, with how common they are.
TYPOLOGIES = [
    ("ASSO", "Association", 20),
    ("CCAS", "CCAS", 8),
    ("CS", "Centre social", 6),
    ("MUNI", "Mairie", 8),
    ("ML", "Mission locale", 2),
    ("FT", "France Travail", 2),
    ("CAF", "CAF", 1),
    ("CPAM", "CPAM", 1),
    ("MDS", "Maison des solidarités", 3),
    ("DEPT", "Services sociaux du Département", 3),
    ("ES", "Épicerie solidaire", 3),
    ("CHRS", "CHRS", 2),
    ("SIAO", "SIAO", 1),
    ("BAILLEUR", "Bailleur social", 2),
    ("PMI", "PMI", 2),
    ("CMP", "CMP", 2),
    ("HOPITAL", "Centre hospitalier", 1),
    ("EPN", "Espace public numérique", 2),
    ("MJC", "MJC", 2),
    ("PREVENTION", "Club de prévention", 2),
    ("ACI", "Atelier chantier d'insertion", 2),
    ("FAIS", "France services", 2),
    ("PROXIMITE", "Pharmacie", 3),
    ("BIB", "Médiathèque", 2),
]
ASSOCIATION_NAMES = [
    "Les Restos du cœur",
    "Secours populaire",
    "Secours catholique",
    "La Croix-Rouge",
    "Emmaüs",
    "Aide à domicile",
    "Entraide",
    "Solidarité",
    "Familles rurales",
    "Accueil",
    "Le Relais",
    "Les Amis du quartier",
]
WORDS = (  # noqa: SIM905 - a word list reads better as a sentence
    "aller vers maraude permanence marché quartier jeunes numérique santé accès droits "
    "isolement rural logement famille accueil écoute médiation binôme tournée repérage "
    "orientation accompagnement confiance habitants seniors précarité énergie mobilité "
    "partenaires rencontre présence bus itinérant porte domicile visite collectif"
).split()
PROSE = (  # noqa: SIM905 - as above
    "les personnes avec une équipe pour des rencontres chaque semaine dans le cadre de nos "
    "actions auprès du public et des partenaires qui viennent sur place afin de proposer un "
    "temps d'échange puis une orientation vers le service adapté selon leur situation"
).split()
TITLES = [
    "Permanence au marché de {commune}",
    "Maraude mixte à {commune}",
    "Bus des droits à {commune}",
    "Porte-à-porte dans les quartiers de {commune}",
    "Café des familles à {commune}",
    "Tournée numérique dans les villages autour de {commune}",
    "Binômes santé–social à {commune}",
    "Repérage des seniors isolés à {commune}",
    "Accès aux droits des jeunes à {commune}",
    "Présence en pied d'immeuble à {commune}",
]


@dataclass
class Trainee:
    email: str
    map_id: int
    group_id: int


@dataclass
class Manifest:
    """What the measures need to know about the generated data (kept as JSON between steps)."""

    sizes: dict = field(default_factory=dict)
    trainees: list[Trainee] = field(default_factory=list)
    admin: str = ""
    formateur: str = ""  # trains `group_id`
    group_id: int = 0
    session_id: int = 0
    structure_id: int = 0
    initiative_id: int = 0  # the one with the most effects
    initiative_effects: int = 0
    trainee_focal: int = 0  # the focal structure of the first trainee's map
    action_id: int = 0
    technique: str = ""
    search_words: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    password: str = PASSWORD  # every account's

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Manifest":
        trainees = [Trainee(**row) for row in data.pop("trainees")]
        return cls(trainees=trainees, **data)


def bulk(model, rows: list[dict]) -> list[int]:
    """Insert the rows in one Core statement (no ORM unit of work) and return their ids."""
    if not rows:
        return []
    table = model.__table__
    statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.connection().execute(statement, rows).scalars())


def bulk_plain(model, rows: list[dict]) -> None:
    """Insert rows whose ids nobody needs (plain executemany)."""
    if rows:
        db.session.connection().execute(model.__table__.insert(), rows)


def sentence(rng: random.Random, count: int, topics: list[str] | None = None) -> str:
    """Words of everyday prose, one in five from `topics` (what a text is about, and so
    what a search finds it by) or from WORDS."""
    words = [
        rng.choice(topics or WORDS) if rng.random() < 0.2 else rng.choice(PROSE)
        for _ in range(count)
    ]
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


# ----- directory --------------------------------------------------------------------------------


def make_structures(rng: random.Random) -> tuple[list[int], dict[str, list[int]]]:
    """The directory; returns the ids and the ids of each commune."""
    publics = [entry.code for entry in vocab.load("publics")]
    towns = departement_communes()
    weights = [town.population for town in towns]
    kinds = [(code, label) for code, label, _ in TYPOLOGIES]
    kind_weights = [weight for *_, weight in TYPOLOGIES]
    rows, public_rows, communes = [], [], []
    for number in range(SIZES["structures"]):
        town = rng.choices(towns, weights)[0]
        commune, postal_code = town.name, rng.choice(town.postal_codes)
        typology, label = rng.choices(kinds, kind_weights)[0]
        if typology == "ASSO":
            name = f"{rng.choice(ASSOCIATION_NAMES)} – antenne {number} de {commune}"
        else:
            name = f"{label} de {commune} ({number})"
        structure = Structure(name=name, typology=typology, commune=commune)
        structure.postal_code, structure.has_custom_sector = postal_code, False
        structure.insee_code = town.insee
        structure.refresh_derived()
        rows.append(
            {
                "name": name,
                "typology": typology,
                "sector": structure.sector,
                "has_custom_sector": False,
                "commune": commune,
                "postal_code": postal_code,
                "insee_code": town.insee,
                "departement": structure.departement,
                "description": sentence(rng, 25),
                "thematiques": [],
                "search_text": structure.search_text,
            }
        )
        communes.append(commune)
    ids = bulk(Structure, rows)
    by_commune = defaultdict(list)
    for structure_id, commune in zip(ids, communes, strict=True):
        by_commune[commune].append(structure_id)
        for code in rng.sample(publics, rng.randint(1, 3)):
            public_rows.append({"structure_id": structure_id, "public_code": code})
    bulk_plain(StructurePublic, public_rows)
    return ids, dict(by_commune)


# ----- people and training ----------------------------------------------------------------------


def make_users(rng: random.Random, structure_ids: list[int]) -> dict[str, list[int]]:
    password_hash = hash_password(PASSWORD)
    people = [("admin", "admin", 1), ("formateur", "formateur", FORMATEURS)]
    people += [("referent", "referent", REFERENTS)]
    people += [("stagiaire", "stagiaire", SIZES["groups"] * TRAINEES_PER_GROUP)]
    rows, roles = [], []
    for prefix, role, count in people:
        for number in range(1, count + 1):
            rows.append(
                {
                    "email": f"{prefix}{number:03d}@banc.test",
                    "name": f"{role.capitalize()} {number:03d}",
                    "password_hash": password_hash,
                    "role": role,
                    "job_title": "Travailleuse sociale" if role == "stagiaire" else None,
                    "structure_id": rng.choice(structure_ids) if role != "admin" else None,
                    "is_enabled": True,
                }
            )
            roles.append(role)
    ids = bulk(User, rows)
    by_role = defaultdict(list)
    for user_id, role in zip(ids, roles, strict=True):
        by_role[role].append(user_id)
    # référents are granted their structure, as an administrator would (their rights read it)
    granted = {"status": "approved", "requested_at": datetime(2026, 9, 1)}
    granted["decided_at"] = granted["requested_at"]
    attachments = [
        {"user_id": user_id, "structure_id": row["structure_id"], **granted}
        for user_id, row in zip(ids, rows, strict=True)
        if row["role"] == "referent"
    ]
    bulk_plain(ReferentAttachment, attachments)
    return dict(by_role)


def make_training(rng: random.Random, users: dict[str, list[int]]) -> list[dict]:
    """5 sessions of 4 groups; each group with 13 trainees and one or two formateurs."""
    admin = users["admin"][0]
    session_rows = [
        {
            "title": f"Aller vers les publics éloignés – session {number}",
            "module": "Module 2 : l'aller-vers et la coopération",
            "sectors": "Tous",
            "audience": "Travailleurs sociaux et partenaires du territoire",
            "objectives": ["Cartographier ses partenaires", "Construire une action"],
            "created_by_id": admin,
        }
        for number in range(1, 6)
    ]
    session_ids = bulk(TrainingSession, session_rows)
    groups, group_rows = [], []
    for number in range(SIZES["groups"]):
        city = GROUP_CITIES[number % len(GROUP_CITIES)]
        start = date(2026, 1, 12) + timedelta(weeks=2 * number)
        group_rows.append(
            {
                "session_id": session_ids[number // 4],
                "name": f"Groupe {number + 1} {city}",
                "city": city,
                "start_date": start,
                "end_date": start + timedelta(days=2),
                "capacity": 16,
            }
        )
        groups.append({"city": city, "session_id": session_ids[number // 4]})
    for group, group_id in zip(groups, bulk(Group, group_rows), strict=True):
        group["id"] = group_id
    trainees = users["stagiaire"]
    memberships = []
    for number, group in enumerate(groups):
        group["trainees"] = trainees[
            number * TRAINEES_PER_GROUP : (number + 1) * TRAINEES_PER_GROUP
        ]
        group["formateurs"] = sorted(
            {users["formateur"][number % FORMATEURS], users["formateur"][(number + 7) % FORMATEURS]}
        )
        for user_id in group["trainees"]:
            memberships.append(_membership(group["id"], user_id, "stagiaire"))
        for user_id in group["formateurs"]:
            memberships.append(_membership(group["id"], user_id, "formateur"))
    bulk_plain(Membership, memberships)
    bulk_plain(
        InvitationCode,
        [{"group_id": g["id"], "code": f"BANC-{g['id']:04d}", "created_at": NOW} for g in groups],
    )
    return groups


def _membership(group_id: int, user_id: int, role: str) -> dict:
    return {"group_id": group_id, "user_id": user_id, "role": role, "joined_at": NOW}


# ----- maps -------------------------------------------------------------------------------------


def make_maps(rng, groups, users, structure_ids, by_commune) -> dict[int, int]:
    """300 maps and their 10,000 links; returns each trainee's map id."""
    owners = []  # (owner_id, group_id, city): a personal map, or a group map
    for group in groups:
        for user_id in group["trainees"]:
            owners.append((user_id, None, group["city"]))
        owners.append((None, group["id"], group["city"]))
    formateur_maps = SIZES["maps"] - len(owners)
    for number in range(formateur_maps):
        owners.append((users["formateur"][number % FORMATEURS], None, GROUP_CITIES[number % 6]))
    # 10,000 links over 300 maps: 33 each, and one more on the first 100.
    extra = SIZES["links"] - 33 * len(owners)
    map_rows, chosen = [], []
    for number, (owner_id, group_id, city) in enumerate(owners):
        structures = pick_structures(rng, city, structure_ids, by_commune)
        chosen.append((structures, 33 + (number < extra)))
        map_rows.append(
            {
                "title": f"Mes partenaires à {city} ({number + 1})",
                "territory": city,
                "owner_id": owner_id,
                "group_id": group_id,
                "focal_structure_id": structures[0],
                "content_version": 1,
                "positions": {},
            }
        )
    map_ids = bulk(CooperationMap, map_rows)
    entry_rows, link_rows = [], []
    for map_id, (structures, link_count) in zip(map_ids, chosen, strict=True):
        entry_rows += [entry_row(rng, map_id, structure_id) for structure_id in structures]
        link_rows += [
            link_row(rng, map_id, pair) for pair in pick_pairs(rng, structures, link_count)
        ]
    bulk_plain(MapEntry, entry_rows)
    bulk_plain(CooperationLink, link_rows)
    trainees = set(users["stagiaire"])
    return {
        owner_id: map_id
        for map_id, (owner_id, _, _) in zip(map_ids, owners, strict=True)
        if owner_id in trainees
    }


def pick_structures(rng, city: str, structure_ids: list[int], by_commune) -> list[int]:
    """~30 structures: most from the group's town (shared with the other trainees, so the
    group aggregate overlaps), the rest from the whole département."""
    local = by_commune[city]
    count = STRUCTURES_PER_MAP + rng.randint(-3, 3)
    near = rng.sample(local, min(len(local), count * 2 // 3))
    rest = [sid for sid in rng.sample(structure_ids, count) if sid not in near]
    return (near + rest)[:count]


def pick_pairs(rng, structures: list[int], count: int) -> list[tuple[int, int]]:
    """A star around the focal structure (first) and links between the partners."""
    focal, partners = structures[0], structures[1:]
    pairs = {tuple(sorted((focal, partner))) for partner in rng.sample(partners, 12)}
    while len(pairs) < count:
        pairs.add(tuple(sorted(rng.sample(partners, 2))))
    return sorted(pairs)


def entry_row(rng, map_id: int, structure_id: int) -> dict:
    return {
        "map_id": map_id,
        "structure_id": structure_id,
        "influence": rng.choice([None, 1, 2, 3, 4, 5]),
        "position": rng.choice([None, "moteur", "favorable", "neutre", "reserve"]),
    }


def link_row(rng, map_id: int, pair: tuple[int, int]) -> dict:
    status = rng.choices(["existant", "difficile", "souhaite"], [7, 1, 2])[0]
    wished = status == "souhaite"
    resources = [entry.code for entry in vocab.load("ressources")]
    publics = [entry.code for entry in vocab.load("publics")]
    return {
        "map_id": map_id,
        "source_id": pair[0],
        "target_id": pair[1],
        "pair_low_id": pair[0],
        "pair_high_id": pair[1],
        "level": None if wished else rng.randint(0, 5),
        "desired_level": rng.randint(2, 5) if wished else None,
        "feasibility": rng.choice(["facile", "possible", "difficile"]) if wished else None,
        "status": status,
        "direction": rng.choice(["mutuel", "mutuel", "a_vers_b"]),
        "frequency": rng.choice([None, "ponctuelle", "mensuelle", "hebdomadaire"]),
        "trust_reliability": rng.choice([None, 2, 3, 4]),
        "trust_mission": rng.choice([None, 2, 3, 4]),
        "trust_dialogue": rng.choice([None, 1, 3, 4]),
        "value_influence": rng.choice([None, 1, 2, 4]),
        "value_involvement": rng.choice([None, 2, 3]),
        "value_resources": rng.choice([None, 1, 3]),
        "resources": rng.sample(resources, rng.randint(0, 2)),
        "publics": rng.sample(publics, rng.randint(0, 2)),
    }


# ----- initiatives ------------------------------------------------------------------------------


def make_initiatives(rng, groups, users, structure_ids) -> tuple[int, int]:
    """500 initiatives, 3,000 effects; returns the one with the most effects and their number."""
    authors = users["stagiaire"] + users["referent"]
    group_of = {uid: g["id"] for g in groups for uid in g["trainees"]}
    structure_of = dict(db.session.execute(select(User.id, User.structure_id)).all())
    commune_of = dict(db.session.execute(select(Structure.id, Structure.commune)).all())
    rows = []
    for _ in range(SIZES["initiatives"]):
        author = rng.choice(authors)
        visibility = rng.choices(["base", "groupe", "privee"], [80, 12, 8])[0]
        if visibility == "groupe" and author not in group_of:
            visibility = "base"
        rows.append(initiative_row(rng, author, visibility, group_of, structure_of, commune_of))
    counts = effect_counts(rng, len(rows))
    for row, count in zip(rows, counts, strict=True):
        row["effects_count"] = count
    ids = bulk(Initiative, rows)
    techniques = [entry.code for entry in vocab.load("techniques")]
    publics = [entry.code for entry in vocab.load("publics")]
    bulk_plain(
        InitiativeTechnique,
        [
            {"initiative_id": i, "technique_code": code}
            for i in ids
            for code in rng.sample(techniques, rng.randint(1, 3))
        ],
    )
    bulk_plain(
        InitiativePublic,
        [
            {"initiative_id": i, "public_code": code}
            for i in ids
            for code in rng.sample(publics, rng.randint(1, 2))
        ],
    )
    bulk_plain(
        InitiativePartner,
        [
            {"initiative_id": i, "structure_id": partner, "role": "Co-anime les permanences."}
            for i in ids
            for partner in rng.sample(structure_ids, rng.randint(0, 4))
        ],
    )
    make_effects(rng, ids, rows)
    top = max(range(len(ids)), key=counts.__getitem__)
    return ids[top], counts[top]


def initiative_row(rng, author, visibility, group_of, structure_of, commune_of) -> dict:
    topics = rng.sample(WORDS, 4)
    structure_id = structure_of.get(author)
    commune = commune_of.get(structure_id) or "Orléans"
    started = date(2024, 1, 1) + timedelta(days=rng.randint(0, 900))
    row = {
        "title": rng.choice(TITLES).format(commune=commune),
        "summary": sentence(rng, 30, topics),
        "communes": commune,
        "rhythm": rng.choice(["Chaque semaine", "Deux fois par mois", "Chaque mois"]),
        "status": rng.choice(["projet", "en_cours", "en_cours", "terminee"]),
        "visibility": visibility,
        "author_id": author,
        "structure_id": structure_id,
        "group_id": group_of[author] if visibility == "groupe" else None,
        "territory_kinds": rng.sample(["urbain", "rural", "qpv"], rng.randint(1, 2)),
        "non_take_up": rng.sample(["non-connaissance", "non-demande", "non-reception"], 1),
        "started_on": started,
        "consent_at": NOW if visibility == "base" else None,
        "consent_by_id": author if visibility == "base" else None,
        "is_reference": rng.random() < 0.05 and visibility == "base",
        "effects_count": 0,
    }
    for name in SECTIONS:
        row[name] = sentence(rng, 40, topics)
    row["search_text"] = search_text(SimpleNamespace(**row))
    return row


def effect_counts(rng, initiatives: int) -> list[int]:
    """A few initiatives followed closely, most a little: 3,000 records in all."""
    weights = [rng.paretovariate(1.2) for _ in range(initiatives)]
    counts = [0] * initiatives
    for index in rng.choices(range(initiatives), weights, k=SIZES["effects"]):
        counts[index] += 1
    return counts


def make_effects(rng, ids: list[int], rows: list[dict]) -> None:
    indicators = list(vocab.load("indicateurs"))
    effect_rows = []
    for initiative_id, row in zip(ids, rows, strict=True):
        for week in range(row["effects_count"]):
            indicator = rng.choice(indicators)
            effect_rows.append(
                {
                    "initiative_id": initiative_id,
                    "observed_on": row["started_on"] + timedelta(days=7 * week),
                    "dimension": indicator.extra["dimension"],
                    "indicator_code": indicator.code,
                    "value": float(rng.randint(1, 40)),
                    "comment": "Observation de la semaine.",
                    "author_id": row["author_id"],
                }
            )
    bulk_plain(Effect, effect_rows)


# ----- follow-up --------------------------------------------------------------------------------


def make_followup(rng, groups, users, trainee_maps, structure_ids) -> int:
    """Self-assessments, attendance, journal notes, actions and a presentation per group;
    returns an action id."""
    statements = {}
    for session_id in sorted({g["session_id"] for g in groups}):
        rows = [
            {"session_id": session_id, "objective": objective, "text": text, "position": i}
            for objective, texts in DEFAULT_STATEMENTS.items()
            for i, text in enumerate(texts, 1)
        ]
        statements[session_id] = bulk(AssessmentStatement, rows)
    sets, set_statements = [], []
    for group in groups:
        for user_id in group["trainees"]:
            for moment in ("debut", "fin"):
                sets.append(
                    {
                        "group_id": group["id"],
                        "user_id": user_id,
                        "moment": moment,
                        "submitted_at": NOW,
                    }
                )
                set_statements.append(statements[group["session_id"]])
    answers = [
        {"answer_set_id": set_id, "statement_id": statement_id, "rating": rng.randint(1, 4)}
        for set_id, ids in zip(bulk(AnswerSet, sets), set_statements, strict=True)
        for statement_id in ids
    ]
    bulk_plain(Answer, answers)
    bulk_plain(
        Attendance,
        [
            {
                "group_id": group["id"],
                "user_id": user_id,
                "day": day,
                "half": half,
                "present": rng.random() > 0.05,
                "recorded_by_id": group["formateurs"][0],
            }
            for group in groups
            for user_id in group["trainees"]
            for day in (1, 2, 3)
            for half in ("matin", "apres_midi")
        ],
    )
    bulk_plain(
        JournalNote,
        [
            {
                "author_id": user_id,
                "structure_id": rng.choice(structure_ids),
                "text": sentence(rng, 40),
                "shared_with_trainers": rng.random() < 0.5,
            }
            for user_id in users["stagiaire"]
            for _ in range(2)
        ],
    )
    action_ids = bulk(
        Action,
        [
            {
                "owner_id": user_id,
                "map_id": trainee_maps[user_id],
                "structure_id": rng.choice(structure_ids),
                "target_level": rng.randint(2, 4),
                "description": "Rencontrer l'équipe et préparer une permanence commune.",
                "due_on": date(2026, 12, 1) + timedelta(days=rng.randint(0, 90)),
                "status": rng.choice(["prevue", "en_cours", "faite"]),
                "created_by_id": user_id,
            }
            for user_id in users["stagiaire"]
            for _ in range(2)
        ],
    )
    make_presentations(rng, groups)
    return action_ids[0]


def make_presentations(rng, groups) -> None:
    shared = list(db.session.scalars(select(Initiative.id).where(Initiative.visibility == "base")))
    presentation_ids = bulk(
        Presentation,
        [
            {
                "title": f"Cas à discuter – {g['city']}",
                "group_id": g["id"],
                "owner_id": g["formateurs"][0],
            }
            for g in groups
        ],
    )
    bulk_plain(
        PresentationItem,
        [
            {"presentation_id": pid, "initiative_id": initiative_id, "position": position}
            for pid in presentation_ids
            for position, initiative_id in enumerate(rng.sample(shared, 5))
        ],
    )


# ----- the whole --------------------------------------------------------------------------------


def build() -> Manifest:
    """Generate the data set in the current app context and commit it."""
    rng = random.Random(SEED)
    structure_ids, by_commune = make_structures(rng)
    users = make_users(rng, structure_ids)
    groups = make_training(rng, users)
    trainee_maps = make_maps(rng, groups, users, structure_ids, by_commune)
    top_initiative, top_effects = make_initiatives(rng, groups, users, structure_ids)
    action_id = make_followup(rng, groups, users, trainee_maps, structure_ids)
    db.session.commit()
    emails = dict(db.session.execute(select(User.id, User.email)).all())
    first = groups[0]
    first_map = trainee_maps[first["trainees"][0]]
    return Manifest(
        sizes=count_rows(),
        trainees=[
            Trainee(emails[user_id], trainee_maps[user_id], group["id"])
            for group in groups
            for user_id in group["trainees"]
        ],
        admin=emails[users["admin"][0]],
        formateur=emails[first["formateurs"][0]],
        group_id=first["id"],
        session_id=first["session_id"],
        structure_id=by_commune["Orléans"][0],
        initiative_id=top_initiative,
        initiative_effects=top_effects,
        trainee_focal=db.session.get(CooperationMap, first_map).focal_structure_id,
        action_id=action_id,
        technique="maraude",
        search_words=["permanence marche", "maraude", "droits jeunes", "bus", "seniors isoles"],
        communes=sorted({town.name for town in departement_communes()}),
    )


def count_rows() -> dict:
    """The sizes actually written, read back from the database."""
    models = {
        "structures": Structure,
        "users": User,
        "groups": Group,
        "maps": CooperationMap,
        "map_entries": MapEntry,
        "links": CooperationLink,
        "initiatives": Initiative,
        "partners": InitiativePartner,
        "effects": Effect,
        "journal_notes": JournalNote,
        "actions": Action,
    }
    return {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in models.items()
    }


# ----- the live workshop ------------------------------------------------------------------------

WORKSHOP_GROUPS = 2
WORKSHOP_TRAINEES = 30  # a full room per group
WORKSHOP_STRUCTURES = 12  # the group map when the workshop starts: ~10 partners, a few links
WORKSHOP_LINKS = 6


@dataclass
class WorkshopGroup:
    group_id: int
    map_id: int
    trainees: list[str]  # e-mails, in the order of the room
    structures: list[int]


def build_workshop() -> list[WorkshopGroup]:
    """Two rooms of 30 trainees, each with its group map of 12 structures and 6 links, added to
    the département (its own seed and accounts: the rest of the data set is unchanged)."""
    rng = random.Random(SEED + 16)
    session_id = db.session.scalar(select(func.min(TrainingSession.id)))
    formateur = db.session.scalar(select(func.min(User.id)).where(User.role == "formateur"))
    orleans = list(db.session.scalars(select(Structure.id).where(Structure.commune == "Orléans")))
    password_hash = hash_password(PASSWORD)
    rooms = []
    for number in range(1, WORKSHOP_GROUPS + 1):
        group_id = bulk(
            Group,
            [
                {
                    "session_id": session_id,
                    "name": f"Atelier en direct {number}",
                    "city": "Orléans",
                    "start_date": date(2026, 12, 7),
                    "end_date": date(2026, 12, 9),
                    "capacity": WORKSHOP_TRAINEES,
                }
            ],
        )[0]
        emails = [f"atelier{number}-{n:02d}@banc.test" for n in range(1, WORKSHOP_TRAINEES + 1)]
        user_ids = bulk(
            User,
            [
                {
                    "email": email,
                    "name": f"Stagiaire {number}-{n:02d}",
                    "password_hash": password_hash,
                    "role": "stagiaire",
                    "job_title": "Travailleuse sociale",
                    "structure_id": rng.choice(orleans),
                    "is_enabled": True,
                }
                for n, email in enumerate(emails, 1)
            ],
        )
        bulk_plain(
            Membership,
            [_membership(group_id, uid, "stagiaire") for uid in user_ids]
            + [_membership(group_id, formateur, "formateur")],
        )
        bulk_plain(
            InvitationCode,
            [{"group_id": group_id, "code": f"DIRECT-{number}", "created_at": NOW}],
        )
        structures = rng.sample(orleans, WORKSHOP_STRUCTURES)
        map_id = bulk(
            CooperationMap,
            [
                {
                    "title": f"Carte du groupe – atelier {number}",
                    "territory": "Orléans",
                    "owner_id": None,
                    "group_id": group_id,
                    "focal_structure_id": structures[0],
                    "content_version": 1,
                    "positions": {},
                }
            ],
        )[0]
        bulk_plain(MapEntry, [entry_row(rng, map_id, sid) for sid in structures])
        pairs = pick_pairs_few(rng, structures, WORKSHOP_LINKS)
        bulk_plain(CooperationLink, [link_row(rng, map_id, pair) for pair in pairs])
        rooms.append(WorkshopGroup(group_id, map_id, emails, structures))
    db.session.commit()
    return rooms


def pick_pairs_few(rng, structures: list[int], count: int) -> list[tuple[int, int]]:
    """`count` distinct pairs of the structures, each (low, high)."""
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < count:
        pairs.add(tuple(sorted(rng.sample(structures, 2))))
    return sorted(pairs)
