"""Structures (organisations) and the publics they serve."""

import re
import unicodedata
from datetime import datetime
from functools import lru_cache

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from allervers import communes
from allervers.auth.models import User
from allervers.core import vocab
from allervers.core.models import SoftDeleteMixin, TimestampMixin, VersionedMixin
from allervers.directory import datainclusion
from allervers.extensions import db


@lru_cache(maxsize=8192)  # sorting and matching thousands of names reads the same ones
def normalise(text: str | None) -> str:
    """Lower case, no accents, no punctuation: "CCAS d'Orléans" → "ccas d orleans"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.lower()).split())


def departement_of(postal_code: str | None) -> str | None:
    """45000 → 45; 97411 → 974; Corsica's 20xxx codes are split into 2A / 2B."""
    if not postal_code or len(postal_code) != 5 or not postal_code.isdigit():
        return None
    if postal_code.startswith("97"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if int(postal_code) < 20200 else "2B"
    return postal_code[:2]


class Structure(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    __tablename__ = "structures"
    # A data·inclusion record is identified by its source and its id there: re-importing a
    # newer file updates the structure it created. A SIRET is not an identity: data·inclusion
    # allows a head office's SIRET on several structures.
    __table_args__ = (UniqueConstraint("di_source", "di_id", name="uq_structures_di_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(40))
    typology: Mapped[str | None] = mapped_column(String(40))
    sector: Mapped[str | None] = mapped_column(String(40), index=True)
    has_custom_sector: Mapped[bool] = mapped_column(default=False)
    commune: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    insee_code: Mapped[str | None] = mapped_column(String(5))
    departement: Mapped[str | None] = mapped_column(String(3), index=True)
    siret: Mapped[str | None] = mapped_column(String(14), index=True)
    website: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    description: Mapped[str | None] = mapped_column(Text)
    thematiques: Mapped[list[str]] = mapped_column(JSON, default=list)
    # data·inclusion services' modes d'accueil (`en-presentiel`, `a-distance`), gathered on the
    # structure with their thématiques and publics (see allervers.directory.datainclusion).
    modes_accueil: Mapped[list[str]] = mapped_column(JSON, default=list)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    di_source: Mapped[str | None] = mapped_column(String(100))
    di_id: Mapped[str | None] = mapped_column(String(200))
    search_text: Mapped[str] = mapped_column(Text, default="")
    # use_alter: users and structures point at each other; the constraint is added afterwards.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))

    publics: Mapped[list["StructurePublic"]] = relationship(
        back_populates="structure", cascade="all, delete-orphan"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def public_codes(self) -> list[str]:
        return sorted(item.public_code for item in self.publics)

    @property
    def thematique_labels(self) -> list[str]:
        """data·inclusion's codes by their label, other thématiques as typed."""
        labels = datainclusion.labels("thematiques")
        return [labels.get(item, item) for item in self.thematiques or []]

    @property
    def modes_accueil_labels(self) -> list[str]:
        return [datainclusion.MODES_ACCUEIL.get(m, m) for m in self.modes_accueil or []]

    @property
    def sector_label(self) -> str:
        return vocab.label("secteurs", self.sector) if self.sector else "Secteur non précisé"

    @property
    def typology_label(self) -> str:
        return vocab.label("typologies", self.typology)

    @property
    def place(self) -> str:
        """ "Orléans (45000)", or what is known of it."""
        if self.commune and self.postal_code:
            return f"{self.commune} ({self.postal_code})"
        return self.commune or self.postal_code or ""

    def refresh_derived(self) -> None:
        """Keep the sector, département and search key in step with the fields they come from."""
        if not self.has_custom_sector:
            self.sector = vocab.typology_sector(self.typology)
        # A record saved without its INSEE code (a map's quick creation, an import, the demo)
        # gets it when the official list resolves its commune; the code then gives the
        # département (Corsica's 2A / 2B, overseas 971…), the postal code otherwise.
        if not self.insee_code:
            found = communes.resolve(self.commune, self.postal_code)
            self.insee_code = found.insee if found else None
        place = communes.lookup(self.insee_code)
        self.departement = (
            place.departement
            if place
            else communes.departement_of_insee(self.insee_code) or departement_of(self.postal_code)
        )
        self.search_text = normalise(
            " ".join(filter(None, (self.name, self.acronym, self.commune)))
        )

    def __repr__(self) -> str:
        return f"<Structure {self.id} {self.name!r} {self.commune}>"


# The structure a person works for (users.structure_id). Declared here rather than in
# auth/models.py: accounts sit below the directory, which refers to them, never the reverse.
User.structure = relationship(Structure, foreign_keys=[User.structure_id])


class StructurePublic(db.Model):
    """A public served by a structure (code of publics.csv)."""

    __tablename__ = "structure_publics"

    structure_id: Mapped[int] = mapped_column(
        ForeignKey("structures.id", ondelete="CASCADE"), primary_key=True
    )
    public_code: Mapped[str] = mapped_column(String(40), primary_key=True)

    structure: Mapped[Structure] = relationship(back_populates="publics")

    def __repr__(self) -> str:
        return f"<StructurePublic {self.structure_id} {self.public_code}>"


class StructureMerge(db.Model):
    """A merge of two duplicates, kept so that it can be read back and undone."""

    __tablename__ = "structure_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_at: Mapped[datetime]
    # What was repointed ({"users": [ids], "map_entries": [...], ...}) so an undo can restore it.
    repointed: Mapped[dict] = mapped_column(JSON, default=dict)
    undone_at: Mapped[datetime | None]

    kept: Mapped[Structure] = relationship(foreign_keys=[kept_id])
    merged: Mapped[Structure] = relationship(foreign_keys=[merged_id])

    def __repr__(self) -> str:
        return f"<StructureMerge {self.merged_id} → {self.kept_id}>"


REFERENT_STATUSES = {
    "requested": "En attente de validation",
    "approved": "Validée",
    "refused": "Refusée",
    "withdrawn": "Retirée",
    "revoked": "Révoquée",
}
ACTIVE_STATUSES = ("requested", "approved")


class ReferentAttachment(db.Model):
    """A référent's attachment to a structure: asked for by the person, granted by an
    administrator or by the structure's référent. Only an approved one gives rights on the
    structure; the employer the person types on their account (users.structure_id) gives none."""

    __tablename__ = "referent_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="requested")
    requested_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    structure: Mapped[Structure] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return REFERENT_STATUSES.get(self.status, self.status)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def __repr__(self) -> str:
        return f"<ReferentAttachment {self.id} {self.user_id}→{self.structure_id} {self.status}>"
