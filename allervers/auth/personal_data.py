"""Everything the app holds about a person, as one JSON document (« Télécharger mes données »).

Each part names the columns pointing at users.id that it reads (`covers`): a test compares
them with every such column of the schema, so that a new table cannot escape the export.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from allervers.analysis.models import SuggestionDismissal
from allervers.auth.models import (
    PasswordReset,
    RecoveryCode,
    SecondFactor,
    SecurityEvent,
    User,
    UserSession,
)
from allervers.core.timeutil import utcnow
from allervers.directory.models import ReferentAttachment, Structure, StructureMerge
from allervers.extensions import db
from allervers.followup.models import Action, AnswerSet, Attendance, DashboardVisit, JournalNote
from allervers.history.models import HistoryEvent
from allervers.initiatives.models import Effect, Initiative, Presentation, TechniqueNote
from allervers.maps.models import CooperationMap, MapActivity, MapSnapshot
from allervers.training.models import Membership, TrainingSession

FORMAT = "allervers-donnees-personnelles/1"
# Never exported: what would let someone sign in as the person.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "token_digest"})


def plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def as_dict(record, omit: Iterable[str] = ()) -> dict:
    """Every column of `record` (secrets and `omit` aside), as JSON values."""
    skipped = SECRET_COLUMNS | set(omit)
    columns = inspect(record).mapper.column_attrs
    return {c.key: plain(getattr(record, c.key)) for c in columns if c.key not in skipped}


def _all(model, *where, omit: Iterable[str] = ()) -> list[dict]:
    query = select(model).where(*where).order_by(*inspect(model).primary_key)
    return [as_dict(record, omit) for record in db.session.scalars(query)]


@dataclass(frozen=True)
class Part:
    key: str
    covers: tuple[InstrumentedAttribute, ...]
    build: Callable[[User], object]


# ----- the parts that need more than their own rows -------------------------------------------


def _account(user: User) -> dict:
    account = as_dict(user)
    account["structure"] = user.structure.name if user.structure else None
    return account


def _memberships(user: User) -> list[dict]:
    query = select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    return [
        {**as_dict(m), "group": m.group.name, "session": m.group.session.title}
        for m in db.session.scalars(query)
    ]


def _referent_attachments(user: User) -> list[dict]:
    query = select(ReferentAttachment).where(ReferentAttachment.user_id == user.id)
    return [
        {**as_dict(a, omit=("decided_by_id",)), "structure": a.structure.name}
        for a in db.session.scalars(query.order_by(ReferentAttachment.id))
    ]


def _maps(user: User) -> list[dict]:
    query = select(CooperationMap).where(CooperationMap.owner_id == user.id)
    return [_map(m) for m in db.session.scalars(query.order_by(CooperationMap.id))]


def _map(cooperation_map: CooperationMap) -> dict:
    return {
        **as_dict(cooperation_map),
        "entries": [
            {**as_dict(entry), "structure": entry.structure.name}
            for entry in sorted(cooperation_map.entries, key=lambda e: e.id)
        ],
        "links": [
            {**as_dict(link), "source": link.source.name, "target": link.target.name}
            for link in sorted(cooperation_map.links, key=lambda lk: lk.id)
        ],
        "snapshots": _all(MapSnapshot, MapSnapshot.map_id == cooperation_map.id),
    }


def _initiatives(user: User) -> list[dict]:
    query = select(Initiative).where(Initiative.author_id == user.id).order_by(Initiative.id)
    return [_initiative(initiative) for initiative in db.session.scalars(query)]


def _initiative(initiative: Initiative) -> dict:
    return {
        **as_dict(initiative, omit=("search_text",)),
        "structure": initiative.structure.name if initiative.structure else None,
        "techniques": initiative.technique_codes,
        "publics": initiative.public_codes,
        "partners": [
            {**as_dict(partner), "structure": partner.structure.name}
            for partner in sorted(initiative.partners, key=lambda p: p.id)
        ],
        "effects": [as_dict(effect) for effect in sorted(initiative.effects, key=lambda e: e.id)],
    }


def _presentations(user: User) -> list[dict]:
    query = select(Presentation).where(Presentation.owner_id == user.id).order_by(Presentation.id)
    return [
        {**as_dict(p), "items": [as_dict(item) for item in p.items]}
        for p in db.session.scalars(query)
    ]


def _assessments(user: User) -> list[dict]:
    query = select(AnswerSet).where(AnswerSet.user_id == user.id).order_by(AnswerSet.id)
    return [
        {**as_dict(answers), "answers": [as_dict(a) for a in answers.answers]}
        for answers in db.session.scalars(query)
    ]


PARTS: tuple[Part, ...] = (
    Part("account", (), _account),
    Part(
        "sign_in_sessions",
        (UserSession.user_id,),
        lambda u: _all(UserSession, UserSession.user_id == u.id),
    ),
    Part(
        "password_reset_links",
        (PasswordReset.user_id, PasswordReset.issued_by_id),
        lambda u: _all(
            PasswordReset,
            or_(PasswordReset.user_id == u.id, PasswordReset.issued_by_id == u.id),
        ),
    ),
    Part(
        "security_events",
        (SecurityEvent.user_id,),
        lambda u: _all(SecurityEvent, SecurityEvent.user_id == u.id, omit=("actor_id",)),
    ),
    Part("memberships", (Membership.user_id,), _memberships),
    Part("referent_attachments", (ReferentAttachment.user_id,), _referent_attachments),
    Part("maps", (CooperationMap.owner_id,), _maps),
    Part(
        "snapshots_taken",
        (MapSnapshot.taken_by_id,),
        lambda u: _all(MapSnapshot, MapSnapshot.taken_by_id == u.id, omit=("content",)),
    ),
    Part(
        "suggestions_dismissed",
        (SuggestionDismissal.dismissed_by_id,),
        lambda u: _all(SuggestionDismissal, SuggestionDismissal.dismissed_by_id == u.id),
    ),
    Part("initiatives", (Initiative.author_id,), _initiatives),
    Part(
        "initiative_consents",
        (Initiative.consent_by_id,),
        lambda u: [
            {"initiative_id": i.id, "title": i.title, "consent_at": plain(i.consent_at)}
            for i in db.session.scalars(select(Initiative).where(Initiative.consent_by_id == u.id))
        ],
    ),
    Part("effects_recorded", (Effect.author_id,), lambda u: _all(Effect, Effect.author_id == u.id)),
    Part(
        "technique_notes",
        (TechniqueNote.updated_by_id,),
        lambda u: _all(TechniqueNote, TechniqueNote.updated_by_id == u.id),
    ),
    Part("presentations", (Presentation.owner_id,), _presentations),
    Part(
        "actions",
        (Action.owner_id, Action.created_by_id),
        lambda u: _all(Action, or_(Action.owner_id == u.id, Action.created_by_id == u.id)),
    ),
    Part(
        "journal_notes",
        (JournalNote.author_id,),
        lambda u: _all(JournalNote, JournalNote.author_id == u.id),
    ),
    Part("self_assessments", (AnswerSet.user_id,), _assessments),
    Part(
        "attendance", (Attendance.user_id,), lambda u: _all(Attendance, Attendance.user_id == u.id)
    ),
    Part(
        "dashboard_visits",
        (DashboardVisit.user_id,),
        lambda u: _all(DashboardVisit, DashboardVisit.user_id == u.id),
    ),
    Part(
        "structures_created",
        (Structure.created_by_id,),
        lambda u: _all(Structure, Structure.created_by_id == u.id, omit=("search_text",)),
    ),
    Part(
        "structure_merges",
        (StructureMerge.merged_by_id,),
        lambda u: _all(StructureMerge, StructureMerge.merged_by_id == u.id, omit=("repointed",)),
    ),
    Part(
        "training_sessions_created",
        (TrainingSession.created_by_id,),
        lambda u: _all(TrainingSession, TrainingSession.created_by_id == u.id),
    ),
)

# Columns pointing at the person that the export leaves out on purpose, and why.
NOT_EXPORTED: dict[InstrumentedAttribute, str] = {
    Attendance.recorded_by_id: "les présences des autres stagiaires, relevées par la personne",
    HistoryEvent.actor_id: "l'historique des fiches, lisible sur chaque fiche (page Historique)",
    HistoryEvent.purged_by_id: "les effacements d'anciennes valeurs, lisibles dans l'historique",
    MapActivity.actor_id: "les modifications des cartes, dont l'historique de chaque carte garde "
    "le détail",
    CooperationMap.locked_by_id: "les cartes de groupe closes par la personne à la fin d'un "
    "atelier (une date, pas une donnée sur elle)",
    SecurityEvent.actor_id: "les événements de sécurité des comptes d'autres personnes (un "
    "administrateur qui a créé ou désactivé un compte), et qui a agi sur le sien",
    ReferentAttachment.decided_by_id: "les demandes d'autres personnes, validées ou refusées par "
    "la personne (et, sur les siennes, qui en a décidé)",
    SecondFactor.user_id: "la clé de la double authentification : l'exporter la rendrait inutile "
    "(son état se lit sur la page Double authentification)",
    RecoveryCode.user_id: "les codes de secours, conservés hachés : ils ne sont lisibles par "
    "personne après leur premier affichage",
}


def covered_columns() -> set[tuple[str, str]]:
    """(table, column) of every reference to a user that the export reads or leaves out."""
    attributes = [a for part in PARTS for a in part.covers] + list(NOT_EXPORTED)
    return {(a.class_.__table__.name, a.property.columns[0].name) for a in attributes}


def export(user: User) -> dict:
    data = {"format": FORMAT, "exported_at": plain(utcnow())}
    data.update((part.key, part.build(user)) for part in PARTS)
    return data
