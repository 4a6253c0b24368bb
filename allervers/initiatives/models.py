"""Aller-vers initiatives, their partners and effects; technique notes; case presentations."""

from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from allervers.core.models import SoftDeleteMixin, TimestampMixin, VersionedMixin
from allervers.extensions import db

STATUSES = {"projet": "Projet", "en_cours": "En cours", "terminee": "Terminée"}
VISIBILITIES = {
    "privee": "Privée (moi seul)",
    "groupe": "Mon groupe",
    "base": "Base partagée (tous les utilisateurs)",
}
TERRITORY_KINDS = {"urbain": "Urbain", "rural": "Rural", "qpv": "Quartier prioritaire (QPV)"}
# The sections of an initiative's story, in reading order (DESIGN.md §2).
SECTIONS = {
    "context": "Contexte et constat",
    "objectives": "Objectifs",
    "conduct": "Déroulement",
    "posture": "Posture professionnelle",
    "success_conditions": "Conditions de réussite",
    "difficulties": "Freins et difficultés",
    "lessons": "Enseignements",
}
DIMENSIONS = {
    "personnes": "Personnes concernées",
    "pratiques": "Pratiques professionnelles",
    "organisations": "Organisations",
}
PARTNER_LEVEL = 4  # a partnership on an initiative is « intervenir ensemble » in the graphs


class Initiative(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """An outreach action or project carried by a structure (DESIGN.md §2)."""

    __tablename__ = "initiatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="projet")
    visibility: Mapped[str] = mapped_column(String(20), default="privee", index=True)
    # None once its author deleted their account: a shared initiative stays, under its structure.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    communes: Mapped[str | None] = mapped_column(String(300))
    territory_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    rhythm: Mapped[str | None] = mapped_column(String(200))
    staff: Mapped[str | None] = mapped_column(String(300))
    vehicle: Mapped[str | None] = mapped_column(String(300))
    budget: Mapped[str | None] = mapped_column(String(300))
    non_take_up: Mapped[list[str]] = mapped_column(JSON, default=list)
    context: Mapped[str | None] = mapped_column(Text)
    objectives: Mapped[str | None] = mapped_column(Text)
    conduct: Mapped[str | None] = mapped_column(Text)
    posture: Mapped[str | None] = mapped_column(Text)
    success_conditions: Mapped[str | None] = mapped_column(Text)
    difficulties: Mapped[str | None] = mapped_column(Text)
    lessons: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime | None]
    consent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_reference: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Accents and case removed: what the full-text index and the LIKE-free search read.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    effects_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Autosaved while typing, shown only to editors until they save: never published unchecked.
    draft: Mapped[dict | None] = mapped_column(JSON)
    draft_saved_at: Mapped[datetime | None]

    author: Mapped["User | None"] = relationship(foreign_keys=[author_id])  # noqa: F821
    structure: Mapped["Structure | None"] = relationship()  # noqa: F821
    group: Mapped["Group | None"] = relationship()  # noqa: F821
    techniques: Mapped[list["InitiativeTechnique"]] = relationship(
        cascade="all, delete-orphan", order_by="InitiativeTechnique.technique_code"
    )
    publics: Mapped[list["InitiativePublic"]] = relationship(
        cascade="all, delete-orphan", order_by="InitiativePublic.public_code"
    )
    partners: Mapped[list["InitiativePartner"]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan"
    )
    effects: Mapped[list["Effect"]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan"
    )

    @property
    def technique_codes(self) -> list[str]:
        return [item.technique_code for item in self.techniques]

    @property
    def public_codes(self) -> list[str]:
        return [item.public_code for item in self.publics]

    @property
    def live_partners(self) -> list["InitiativePartner"]:
        return [p for p in self.partners if not p.is_deleted]

    @property
    def live_effects(self) -> list["Effect"]:
        effects = [effect for effect in self.effects if not effect.is_deleted]
        return sorted(effects, key=lambda e: (e.observed_on, e.id), reverse=True)

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.title!r}>"


class InitiativeTechnique(db.Model):
    __tablename__ = "initiative_techniques"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    technique_code: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class InitiativePublic(db.Model):
    __tablename__ = "initiative_publics"

    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), primary_key=True)
    public_code: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class InitiativePartner(TimestampMixin, SoftDeleteMixin, db.Model):
    """A partner structure of an initiative and what it does in it."""

    __tablename__ = "initiative_partners"
    __table_args__ = (UniqueConstraint("initiative_id", "structure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(300))

    initiative: Mapped[Initiative] = relationship(back_populates="partners")
    structure: Mapped["Structure"] = relationship()  # noqa: F821


class Effect(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """A dated observation of what an initiative changed (DESIGN.md §2, « suivi des effets »)."""

    __tablename__ = "effects"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    observed_on: Mapped[date]
    dimension: Mapped[str] = mapped_column(String(20))
    indicator_code: Mapped[str | None] = mapped_column(String(60))
    indicator_label: Mapped[str | None] = mapped_column(String(200))  # a free indicator
    value: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    initiative: Mapped[Initiative] = relationship(back_populates="effects")

    def __repr__(self) -> str:
        return f"<Effect {self.id} {self.dimension} {self.observed_on}>"


class TechniqueNote(TimestampMixin, VersionedMixin, db.Model):
    """What formateurs add to a catalogue technique (the catalogue itself is techniques.csv)."""

    __tablename__ = "technique_notes"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text)
    vigilance: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Presentation(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """A formateur's ordered selection of initiatives for a group, shown as slides."""

    __tablename__ = "presentations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    group: Mapped["Group"] = relationship()  # noqa: F821
    owner: Mapped["User"] = relationship()  # noqa: F821
    items: Mapped[list["PresentationItem"]] = relationship(
        back_populates="presentation",
        cascade="all, delete-orphan",
        order_by="PresentationItem.position",
    )


class PresentationItem(TimestampMixin, db.Model):
    __tablename__ = "presentation_items"
    __table_args__ = (UniqueConstraint("presentation_id", "initiative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    presentation_id: Mapped[int] = mapped_column(ForeignKey("presentations.id"), index=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str | None] = mapped_column(Text)

    presentation: Mapped[Presentation] = relationship(back_populates="items")
    initiative: Mapped[Initiative] = relationship()
