"""Column mixins shared by the domain models."""

from datetime import datetime

from flask_sqlalchemy.session import Session
from sqlalchemy import func
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from allervers.core.timeutil import utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class SoftDeleteMixin:
    """Deleting only stamps deleted_at: DESIGN.md says nothing is lost."""

    deleted_at: Mapped[datetime | None]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class VersionedMixin:
    """Optimistic locking: SQLAlchemy raises StaleDataError when two writers race."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 - declared_attr receives the class
        return {"version_id_col": cls.version}


class EditConflictError(Exception):
    """The record changed since the form was opened (optimistic locking)."""


def check_version(record: VersionedMixin, expected: int | None) -> None:
    """Refuse to save over a version the person did not see."""
    if expected is not None and record.version != expected:
        raise EditConflictError


class ConflictAwareSession(Session):
    """A save that loses a race is an edit conflict, wherever it is committed.

    check_version compares the form's version with the one read; two requests that read the
    same version at the same time (PostgreSQL lets them) both pass it, and the second
    UPDATE … WHERE version = … then finds no row. Views already answer EditConflictError
    with the conflict form, so the race gets the same answer as a late save.
    """

    def flush(self, objects=None) -> None:  # autoflush and commit come through here too
        try:
            super().flush(objects)
        except StaleDataError:
            raise EditConflictError from None

    def commit(self) -> None:
        try:
            super().commit()
        except EditConflictError:
            self.rollback()
            raise
