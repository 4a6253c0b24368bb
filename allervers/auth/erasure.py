"""Deleting an account: the person's private records go; what they shared stays, without them.

`RULES` says what becomes of each column pointing at users.id (a test checks that every such
column of the schema has its rule): a reference kept in a shared record is set to NULL, a
private record is deleted with what depends on it. A new reference is one more line here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, and_, delete, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from allervers.analysis import cache
from allervers.analysis.models import SuggestionDismissal
from allervers.analysis.services import map_cache_keys
from allervers.auth import security_log, throttle
from allervers.auth.models import (
    PasswordReset,
    RecoveryCode,
    SecondFactor,
    SecurityEvent,
    User,
    UserSession,
)
from allervers.directory.models import ReferentAttachment, Structure, StructureMerge
from allervers.extensions import db
from allervers.followup.models import Action, AnswerSet, Attendance, DashboardVisit, JournalNote
from allervers.history.models import HistoryEvent
from allervers.initiatives.models import Effect, Initiative, Presentation, TechniqueNote
from allervers.maps.models import (
    CooperationLink,
    CooperationMap,
    MapActivity,
    MapEntry,
    MapSnapshot,
)
from allervers.training.models import Membership, TrainingSession

LAST_ADMIN = (
    "Vous êtes le seul administrateur de la plateforme : nommez d'abord un autre "
    "administrateur (page Utilisateurs), puis supprimez votre compte."
)


class ErasureRefusedError(ValueError):
    """The account cannot be deleted; the message says why, in French."""


@dataclass(frozen=True)
class Rule:
    column: InstrumentedAttribute
    apply: Callable[[User], None]


def set_null(attribute: InstrumentedAttribute) -> Rule:
    """The record is shared: it stays, without saying who did it."""
    column = attribute.property.columns[0]

    def apply(user: User) -> None:
        db.session.execute(
            update(column.table).where(column == user.id).values({column.name: None})
        )

    return Rule(attribute, apply)


def delete_rows(attribute: InstrumentedAttribute) -> Rule:
    """The record is the person's own: it goes, with what depends on it."""
    column = attribute.property.columns[0]
    return Rule(attribute, lambda user: delete_tree(column.table, column == user.id))


def delete_tree(table: Table, condition: ColumnElement) -> None:
    """Delete the rows of `table` matching `condition`, and first what points at them:
    an optional reference is cleared (a group's action keeps going without the deleted map),
    a required one means the row belongs to the deleted one and is deleted in turn."""
    for table_name in sorted(db.metadata.tables):
        child_table = db.metadata.tables[table_name]
        for key in child_table.foreign_keys:
            if key.column.table is not table or child_table is table:
                continue
            child, targets = key.parent, select(key.column).where(condition)
            if child.nullable:
                statement = update(child_table).where(child.in_(targets))
                db.session.execute(statement.values({child.name: None}))
            else:
                delete_tree(child_table, child.in_(targets))
    db.session.execute(delete(table).where(condition))


def _maps(user: User) -> None:
    """Personal maps go, with their entries, links, snapshots and cached analyses."""
    ids = list(
        db.session.scalars(select(CooperationMap.id).where(CooperationMap.owner_id == user.id))
    )
    cache.forget(map_cache_keys(ids))
    _forget_history("map", select(CooperationMap.id).where(CooperationMap.id.in_(ids)))
    _forget_history("entry", select(MapEntry.id).where(MapEntry.map_id.in_(ids)))
    _forget_history("link", select(CooperationLink.id).where(CooperationLink.map_id.in_(ids)))
    delete_tree(CooperationMap.__table__, CooperationMap.owner_id == user.id)


def _forget_history(kind: str, record_ids) -> None:
    """The history of a deleted private record would keep what it said: it goes too."""
    db.session.execute(
        delete(HistoryEvent).where(
            HistoryEvent.kind == kind, HistoryEvent.record_id.in_(record_ids)
        )
    )


def _initiatives(user: User) -> None:
    """Private or discarded initiatives go; shared ones stay under their structure's name."""
    mine = Initiative.author_id == user.id
    unshared = or_(Initiative.visibility == "privee", Initiative.deleted_at.is_not(None))
    gone = select(Initiative.id).where(mine, unshared)
    _forget_history("effect", select(Effect.id).where(Effect.initiative_id.in_(gone)))
    _forget_history("initiative", gone)
    delete_tree(Initiative.__table__, and_(mine, unshared))
    db.session.execute(
        update(Initiative.__table__)
        .where(mine)
        .values(
            author_id=None,
            structure_id=func.coalesce(Initiative.structure_id, user.structure_id),
            draft=None,  # an autosave nobody published
            draft_saved_at=None,
            version=Initiative.version + 1,  # a form opened before cannot undo the structure
        )
    )


RULES: tuple[Rule, ...] = (
    set_null(Structure.created_by_id),
    set_null(StructureMerge.merged_by_id),
    set_null(TrainingSession.created_by_id),
    set_null(TechniqueNote.updated_by_id),
    set_null(MapSnapshot.taken_by_id),
    set_null(Effect.author_id),
    set_null(Initiative.consent_by_id),
    set_null(Action.created_by_id),
    set_null(Attendance.recorded_by_id),
    set_null(HistoryEvent.actor_id),
    set_null(MapActivity.actor_id),  # a group map's feed then says « Quelqu'un »
    set_null(CooperationMap.locked_by_id),
    set_null(HistoryEvent.purged_by_id),
    set_null(ReferentAttachment.decided_by_id),
    set_null(SuggestionDismissal.dismissed_by_id),  # a group map's dismissal stays
    set_null(PasswordReset.issued_by_id),  # the link issued to someone else stays theirs
    Rule(Initiative.author_id, _initiatives),
    Rule(CooperationMap.owner_id, _maps),
    delete_rows(Presentation.owner_id),
    delete_rows(Action.owner_id),
    delete_rows(JournalNote.author_id),
    delete_rows(AnswerSet.user_id),
    delete_rows(Attendance.user_id),
    delete_rows(DashboardVisit.user_id),
    delete_rows(Membership.user_id),
    delete_rows(ReferentAttachment.user_id),
    delete_rows(UserSession.user_id),
    delete_rows(PasswordReset.user_id),
    delete_rows(SecondFactor.user_id),
    delete_rows(RecoveryCode.user_id),
    # The security log keeps its entries (with the e-mail) for its year: only the links go.
    Rule(SecurityEvent.user_id, security_log.unlink_account),
    Rule(SecurityEvent.actor_id, security_log.unlink_actor),
)


def handled_columns() -> set[tuple[str, str]]:
    return {(r.column.class_.__table__.name, r.column.property.columns[0].name) for r in RULES}


def is_last_admin(user: User) -> bool:
    others = select(func.count()).where(
        User.role == "admin", User.is_enabled.is_(True), User.id != user.id
    )
    return user.is_admin and db.session.scalar(others) == 0


def delete_account(user: User) -> None:
    """Erase `user` for good, in one transaction (all or nothing)."""
    if is_last_admin(user):
        raise ErasureRefusedError(LAST_ADMIN)
    try:
        security_log.record("account_deleted", user=user)  # unlinked below, keeps the e-mail
        for rule in RULES:
            rule.apply(user)
        throttle.forget_account(user.email)
        db.session.execute(delete(User.__table__).where(User.id == user.id))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    db.session.expunge(user)
