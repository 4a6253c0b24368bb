"""A cooperation map, the structures placed on it (entries) and the links between them."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from allervers.core.models import SoftDeleteMixin, TimestampMixin, VersionedMixin
from allervers.core.timeutil import utcnow
from allervers.extensions import db

if TYPE_CHECKING:
    from allervers.auth.models import User
    from allervers.directory.models import Structure
    from allervers.training.models import Group

# Net-Map: how the structure stands towards aller-vers.
POSITIONS = {
    "moteur": "Moteur",
    "favorable": "Favorable",
    "neutre": "Neutre",
    "reserve": "Réservé",
}
STATUSES = {
    "existant": "Existant",
    "souhaite": "Souhaité (besoin non couvert)",
    "difficile": "Difficile (existe mais tendu)",
}
DIRECTIONS = {
    "mutuel": "Dans les deux sens",
    "a_vers_b": "De la première structure vers la seconde",
}
FREQUENCIES = {
    "ponctuelle": "Ponctuelle",
    "mensuelle": "Mensuelle",
    "hebdomadaire": "Hebdomadaire",
    "quotidienne": "Quotidienne",
}
FEASIBILITIES = {
    "facile": "Facile",
    "possible": "Possible",
    "difficile": "Difficile",
}
# PARTNER-style ratings, 1 (faible) to 4 (fort).
TRUST_RATINGS = {
    "trust_reliability": "Fiabilité",
    "trust_mission": "Convergence des missions",
    "trust_dialogue": "Ouverture au dialogue",
}
VALUE_RATINGS = {
    "value_influence": "Influence",
    "value_involvement": "Implication",
    "value_resources": "Apport de ressources",
}

# What a person records about a link (everything but the pair): the form, copies and imports.
LINK_FIELDS = (
    "status",
    "level",
    "direction",
    "frequency",
    *TRUST_RATINGS,
    *VALUE_RATINGS,
    "resources",
    "publics",
    "note",
    "desired_level",
    "feasibility",
    "obstacles",
)


class CooperationMap(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """Owned by a user (personal map) or by a group (the group map)."""

    __tablename__ = "cooperation_maps"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    territory: Mapped[str | None] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    focal_structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))
    # Bumped by every change of its entries or links: the key of cached analyses. Kept apart
    # from `version` so that adding a link never conflicts with someone renaming the map.
    content_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Where people dragged the structures in the graph: {"<structure id>": [x, y]}.
    positions: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    # Set by « Clore l'atelier » when the formateur locks the map: nobody edits it until reopened.
    locked_at: Mapped[datetime | None]
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    owner: Mapped["User | None"] = relationship(foreign_keys=[owner_id])
    locked_by: Mapped["User | None"] = relationship(foreign_keys=[locked_by_id])
    group: Mapped["Group | None"] = relationship()
    focal_structure: Mapped["Structure | None"] = relationship()
    entries: Mapped[list["MapEntry"]] = relationship(
        back_populates="map", cascade="all, delete-orphan"
    )
    links: Mapped[list["CooperationLink"]] = relationship(
        back_populates="map", cascade="all, delete-orphan"
    )

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_group_map(self) -> bool:
        return self.group_id is not None

    @property
    def live_entries(self) -> list["MapEntry"]:
        entries = [e for e in self.entries if not e.is_deleted]
        return sorted(entries, key=lambda e: e.structure.name.lower())

    @property
    def live_links(self) -> list["CooperationLink"]:
        links = [link for link in self.links if not link.is_deleted]
        return sorted(links, key=lambda lk: (lk.source.name.lower(), lk.target.name.lower()))

    def __repr__(self) -> str:
        return f"<CooperationMap {self.id} {self.title!r}>"


class MapEntry(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """A structure placed on a map, with its Net-Map influence and position."""

    __tablename__ = "map_entries"
    __table_args__ = (UniqueConstraint("map_id", "structure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("cooperation_maps.id"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    influence: Mapped[int | None]
    position: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)

    map: Mapped[CooperationMap] = relationship(back_populates="entries")
    structure: Mapped["Structure"] = relationship(lazy="joined")  # always shown with its entry

    def __repr__(self) -> str:
        return f"<MapEntry map={self.map_id} structure={self.structure_id}>"


class CooperationLink(TimestampMixin, SoftDeleteMixin, VersionedMixin, db.Model):
    """A cooperation between two structures of a map, with its need and possibility."""

    __tablename__ = "cooperation_links"
    # One link per pair per map, whatever the order the two structures were given in.
    __table_args__ = (UniqueConstraint("map_id", "pair_low_id", "pair_high_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("cooperation_maps.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    pair_low_id: Mapped[int]
    pair_high_id: Mapped[int]
    level: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="existant")
    direction: Mapped[str] = mapped_column(String(20), default="mutuel")
    frequency: Mapped[str | None] = mapped_column(String(20))
    trust_reliability: Mapped[int | None]
    trust_mission: Mapped[int | None]
    trust_dialogue: Mapped[int | None]
    value_influence: Mapped[int | None]
    value_involvement: Mapped[int | None]
    value_resources: Mapped[int | None]
    resources: Mapped[list[str]] = mapped_column(JSON, default=list)
    publics: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    desired_level: Mapped[int | None]
    feasibility: Mapped[str | None] = mapped_column(String(20))
    obstacles: Mapped[str | None] = mapped_column(Text)

    map: Mapped[CooperationMap] = relationship(back_populates="links")
    source: Mapped["Structure"] = relationship(foreign_keys=[source_id], lazy="joined")
    target: Mapped["Structure"] = relationship(foreign_keys=[target_id], lazy="joined")

    def set_pair(self, source_id: int, target_id: int) -> None:
        self.source_id, self.target_id = source_id, target_id
        self.pair_low_id, self.pair_high_id = sorted((source_id, target_id))

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    def __repr__(self) -> str:
        return f"<CooperationLink {self.id} {self.source_id}-{self.target_id} {self.status}>"


class MapSnapshot(db.Model):
    """A dated, labelled frozen copy of a map ("début de formation", "J+3 mois").

    `content` holds the analysis input as plain data (structures and links), so a snapshot
    stays readable whatever later happens to the map or the directory.
    """

    __tablename__ = "map_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("cooperation_maps.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    taken_at: Mapped[datetime]
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    content: Mapped[dict] = mapped_column(JSON)

    map: Mapped[CooperationMap] = relationship()
    taken_by: Mapped["User | None"] = relationship()

    def __repr__(self) -> str:
        return f"<MapSnapshot {self.id} map={self.map_id} {self.label!r}>"


ACTIVITY_ACTIONS = ("add", "update", "remove", "restore", "move", "import")
ACTIVITY_KINDS = ("structure", "link", "map")


class MapActivity(db.Model):
    """One change of a map's content, as the live feed tells it: who, what, at which version.

    Written by maps.services.touch with every bump of content_version, so the feed can say
    what changed since the version a screen shows. `label` is the structure's name or the
    pair « A – B », as it was at the time.
    """

    __tablename__ = "map_activity"
    __table_args__ = (Index("ix_map_activity_map_version", "map_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    map_id: Mapped[int] = mapped_column(ForeignKey("cooperation_maps.id"))
    version: Mapped[int]  # the map's content_version once this change was made
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    structure_id: Mapped[int | None]
    other_id: Mapped[int | None]  # a link's second structure
    label: Mapped[str] = mapped_column(String(300), default="")
    # The browser tab the change came from (live.js's X-Screen): that tab shows it already.
    screen: Mapped[str | None] = mapped_column(String(40))

    actor: Mapped["User | None"] = relationship()

    def __repr__(self) -> str:
        return f"<MapActivity map={self.map_id} v{self.version} {self.action} {self.kind}>"
