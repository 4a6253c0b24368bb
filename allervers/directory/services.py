"""Queries and operations on the directory of structures; the only directory code that commits."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from allervers.auth.models import User
from allervers.core import vocab
from allervers.core.database import reserve_ids
from allervers.core.models import EditConflictError
from allervers.core.timeutil import utcnow
from allervers.directory import matching
from allervers.directory.models import (
    ReferentAttachment,
    Structure,
    StructureMerge,
    StructurePublic,
    normalise,
)
from allervers.extensions import db
from allervers.maps.access import visible_maps
from allervers.maps.models import CooperationLink, CooperationMap, MapEntry

if TYPE_CHECKING:
    from allervers.directory.forms import ListFilters


class SiretTakenError(ValueError):
    """Another structure (live, deleted or merged) already has this SIRET: a warning, as a
    head office's SIRET may be shared (data·inclusion allows it); the person confirms."""

    def __init__(self, owner: Structure | None) -> None:
        self.owner = owner
        super().__init__(siret_message(owner))


class LikelyDuplicateError(Exception):
    """Structures that look like the one being created: the person confirms or uses one."""

    def __init__(self, duplicates: list[Structure]) -> None:
        self.duplicates = duplicates
        super().__init__("Cette structure est peut-être déjà dans l'annuaire.")


class MergeError(ValueError):
    """A merge or an undo that cannot be done; the message says why."""


class ImportConflictError(ValueError):
    """The directory changed between the import preview and its confirmation."""


# ----- reading --------------------------------------------------------------------------------


def live_structures():
    return select(Structure).where(Structure.deleted_at.is_(None))


def structure_choices() -> list[tuple[int, str]]:
    """(id, "Name — Commune") for a select, sorted by name."""
    query = (
        select(Structure.id, Structure.name, Structure.commune)
        .where(Structure.deleted_at.is_(None))
        .order_by(func.lower(Structure.name))
    )
    return [
        (sid, f"{name} — {commune}" if commune else name)
        for sid, name, commune in db.session.execute(query)
    ]


def get_live(structure_id: int | None) -> Structure | None:
    structure = db.session.get(Structure, structure_id) if structure_id else None
    return structure if structure and not structure.is_deleted else None


def find_same(name: str, commune: str | None) -> Structure | None:
    """A live structure with the same normalised name in the same commune."""
    wanted_name, wanted_commune = normalise(name), normalise(commune)
    candidates = db.session.scalars(
        live_structures().where(Structure.search_text.contains(wanted_name))
    )
    for candidate in candidates:
        if (
            normalise(candidate.name) == wanted_name
            and normalise(candidate.commune) == wanted_commune
        ):
            return candidate
    return None


def likely_duplicates(
    name: str, acronym: str | None, commune: str | None, exclude_id: int | None = None
) -> list[Structure]:
    """Live structures that may be this one: a close name (« CCAS Fleury » / « CCAS de
    Fleury-les-Aubrais »), the same acronym, and no other commune (directory/matching.py)."""
    return [c.structure for c in matching.duplicates_of(name, acronym, commune, exclude_id)]


def siret_owner(siret: str | None, exclude_id: int | None = None) -> Structure | None:
    """The first structure that has this SIRET, whatever its state (several may have it: a
    head office's SIRET is shared by its establishments that have none of their own)."""
    if not siret:
        return None
    query = select(Structure).where(Structure.siret == siret)
    if exclude_id:
        query = query.where(Structure.id != exclude_id)
    return db.session.scalar(query.order_by(Structure.id).limit(1))


def siret_message(owner: Structure | None) -> str:
    if owner is None:
        return "Ce SIRET est déjà celui d'une autre structure de l'annuaire."
    where = f" ({owner.commune})" if owner.commune else ""
    message = f"Ce SIRET est déjà celui de « {owner.name} »{where}"
    if owner.merged_into_id:
        kept = db.session.get(Structure, owner.merged_into_id)
        return f"{message}, fusionnée dans « {kept.name} » : utilisez cette dernière."
    if owner.is_deleted:
        return f"{message}, supprimée : un formateur peut la restaurer."
    return (
        f"{message} : si c'est la même structure, utilisez-la. Si c'est le SIRET de son "
        "siège, partagé, cochez « Ce n'est pas un doublon »."
    )


def already_listed(keys: list[tuple]) -> list[Structure | None]:
    """For each identity of an import (importer.identity): the structure of that
    data·inclusion source and id (whatever its state: the pair is unique), or a live one of
    that name in that commune. A SIRET alone never designates a structure: data·inclusion
    allows a head office's SIRET on several. Two queries for the whole file."""
    pairs = sorted({(key[1], key[2]) for key in keys if key[0] == "di"})
    by_pair: dict[tuple[str, str], Structure] = {}
    for start in range(0, len(pairs), 500):
        chunk = set(pairs[start : start + 500])
        ids = {di_id for _source, di_id in chunk}
        query = select(Structure).where(Structure.di_id.in_(ids))
        by_pair.update(
            ((s.di_source, s.di_id), s)
            for s in db.session.scalars(query)
            if (s.di_source, s.di_id) in chunk
        )
    names = live_structures().with_only_columns(Structure.id, Structure.name, Structure.commune)
    by_name: dict[tuple[str, str], int] = {}
    if any(key[0] == "name" for key in keys):
        for structure_id, name, commune in db.session.execute(names.order_by(Structure.id)):
            by_name.setdefault((normalise(name), normalise(commune)), structure_id)
    found = []
    for key in keys:
        if key[0] == "di":
            found.append(by_pair.get((key[1], key[2])))
        else:
            same_name = by_name.get((key[1], key[2]))
            found.append(db.session.get(Structure, same_name) if same_name else None)
    return found


def communes_named(commune: str) -> list[str]:
    """The communes spelled in the directory that read as `commune` ("orleans" → "Orléans")."""
    wanted = normalise(commune)
    if not wanted:
        return []
    spelled = db.session.scalars(
        select(Structure.commune).distinct().where(Structure.search_text.contains(wanted))
    )
    return [name for name in spelled if name and normalise(name) == wanted]


SORT_ORDERS = {
    # search_text starts with the normalised name: an accent-blind sort by name.
    "nom": (Structure.search_text, Structure.id),
    "commune": (Structure.commune.is_(None), func.lower(Structure.commune), Structure.search_text),
    "recent": (Structure.created_at.desc(), Structure.id.desc()),
}


def list_query(filters: "ListFilters") -> Select:
    """The structures matching the search and filters of the list (and of its CSV export)."""
    query = select(Structure) if filters.with_deleted else live_structures()
    for word in normalise(filters.q).split():
        query = query.where(Structure.search_text.like(f"%{word}%"))
    if filters.typology:
        query = query.where(Structure.typology == filters.typology)
    if filters.sector:
        query = query.where(Structure.sector == filters.sector)
    if filters.departement:
        query = query.where(Structure.departement == filters.departement)
    if filters.commune:
        query = query.where(Structure.commune.in_(communes_named(filters.commune)))
    if filters.public:
        serving = select(StructurePublic.structure_id).where(
            StructurePublic.public_code == filters.public
        )
        query = query.where(Structure.id.in_(serving))
    return query.order_by(*SORT_ORDERS[filters.sort])


def departements() -> list[str]:
    """The départements the directory has structures in, for the list's filter."""
    query = live_structures().with_only_columns(Structure.departement).distinct()
    return sorted(code for code in db.session.scalars(query) if code)


def commune_spelling(typed: str, departement: str | None = None) -> str | None:
    """The directory's spelling of a commune typed in any case, with or without accents
    ("orleans" → "Orléans"), among live structures (of the département, when given); None
    when no structure is there."""
    wanted = normalise(typed)
    if not wanted:
        return None
    query = live_structures().with_only_columns(Structure.commune).distinct()
    query = query.where(Structure.commune.is_not(None))
    if departement:
        query = query.where(Structure.departement == departement)
    names = db.session.scalars(query)
    return min((name for name in names if normalise(name) == wanted), default=None)


def for_export(query: Select):
    """The list's structures, read in batches with their publics."""
    options = query.options(selectinload(Structure.publics))
    return db.session.scalars(options.execution_options(yield_per=500))


def maps_showing(structure: Structure, viewer: User) -> list[CooperationMap]:
    """The maps `viewer` may open on which the structure appears (or is the focal one)."""
    on_map = select(MapEntry.map_id).where(
        MapEntry.structure_id == structure.id, MapEntry.deleted_at.is_(None)
    )
    query = visible_maps(viewer).where(
        or_(CooperationMap.id.in_(on_map), CooperationMap.focal_structure_id == structure.id)
    )
    return list(db.session.scalars(query.order_by(CooperationMap.title)))


LINKS_SHOWN = 50


def links_of(structure: Structure, viewer: User) -> list[CooperationLink]:
    """Its cooperation links on the maps `viewer` may open, strongest first (at most 50)."""
    maps = visible_maps(viewer).with_only_columns(CooperationMap.id)
    query = (
        select(CooperationLink)
        .where(
            CooperationLink.map_id.in_(maps),
            CooperationLink.deleted_at.is_(None),
            or_(
                CooperationLink.source_id == structure.id, CooperationLink.target_id == structure.id
            ),
        )
        .order_by(CooperationLink.level.desc().nulls_last(), CooperationLink.id)
        .limit(LINKS_SHOWN)
    )
    return list(db.session.scalars(query))


def members(structure: Structure) -> list[User]:
    """The professionals who say they work there."""
    query = select(User).where(User.structure_id == structure.id, User.is_enabled)
    return list(db.session.scalars(query.order_by(User.name)))


def merges_into(structure: Structure) -> list[StructureMerge]:
    query = select(StructureMerge).where(StructureMerge.kept_id == structure.id)
    return list(db.session.scalars(query.order_by(StructureMerge.merged_at.desc())))


def merge_of(structure: Structure) -> StructureMerge | None:
    """The merge, not undone, that absorbed this structure."""
    query = select(StructureMerge).where(
        StructureMerge.merged_id == structure.id, StructureMerge.undone_at.is_(None)
    )
    return db.session.scalar(query)


def merge_candidates(kept: Structure, search: str) -> list[Structure]:
    """What a formateur may absorb into `kept`: probable duplicates, or what the search finds."""
    if not search:
        return likely_duplicates(kept.name, kept.acronym, kept.commune, exclude_id=kept.id)
    query = live_structures().where(Structure.id != kept.id)
    for word in normalise(search).split():
        query = query.where(Structure.search_text.like(f"%{word}%"))
    return list(db.session.scalars(query.order_by(Structure.search_text).limit(30)))


# ----- creating and editing -------------------------------------------------------------------


def build_structure(*, publics: list[str] | None = None, **fields) -> Structure:
    """A new Structure (not yet committed) with its derived fields filled in."""
    structure = Structure(**fields)
    structure.publics = [StructurePublic(public_code=code) for code in publics or []]
    structure.refresh_derived()
    return structure


def find_or_create(
    name: str, commune: str | None, postal_code: str | None, created_by_id: int | None = None
) -> Structure:
    """The structure a person typed while joining: the existing record when there is one
    (the same name in the same commune, or the matcher's sure match)."""
    existing = find_same(name, commune) or matching.match(name, commune).sure
    if existing:
        return existing
    structure = build_structure(
        name=name.strip(),
        commune=(commune or "").strip() or None,
        postal_code=(postal_code or "").strip() or None,
        typology="Autre",
        created_by_id=created_by_id,
    )
    db.session.add(structure)
    db.session.flush()
    return structure


def create_structure(
    fields: dict, publics: list[str], by: User, allow_duplicates: bool = False
) -> Structure:
    """A new structure, unless its SIRET is another's or it looks like one already listed
    and the person has not confirmed it is not a duplicate."""
    owner = siret_owner(fields.get("siret"))
    if owner and not allow_duplicates:
        raise SiretTakenError(owner)
    duplicates = likely_duplicates(fields["name"], fields.get("acronym"), fields.get("commune"))
    if duplicates and not allow_duplicates:
        raise LikelyDuplicateError(duplicates)
    return save_structure(None, fields, publics, by, allow_shared_siret=True)


def _set_publics(structure: Structure, codes: list[str]) -> None:
    # Keep the rows that stay: replacing them would delete and insert the same primary key.
    current = {item.public_code: item for item in structure.publics}
    structure.publics = [current.get(code) or StructurePublic(public_code=code) for code in codes]


def save_structure(
    structure: Structure | None,
    fields: dict,
    publics: list[str],
    by: User,
    expected_version: int | None = None,
    allow_shared_siret: bool = False,
) -> Structure:
    """Create (structure=None) or update a structure; the sector given overrides the derived one."""
    owner = siret_owner(fields.get("siret"), structure.id if structure else None)
    if owner and not allow_shared_siret:
        raise SiretTakenError(owner)
    if structure is None:
        structure = Structure(created_by_id=by.id)
        db.session.add(structure)
    elif expected_version is not None and structure.version != expected_version:
        raise EditConflictError
    fields = dict(fields)
    sector = fields.pop("sector", None)
    for name, value in fields.items():
        setattr(structure, name, value)
    structure.has_custom_sector = bool(sector) and sector != vocab.typology_sector(
        structure.typology
    )
    if structure.has_custom_sector:
        structure.sector = sector
    _set_publics(structure, publics)
    structure.refresh_derived()
    _commit_or_explain(fields.get("siret"), structure.id)
    return structure


def _commit_or_explain(siret: str | None, structure_id: int | None) -> None:
    """Two people saving at the same instant: the database's checks decide, we say why."""
    try:
        db.session.commit()  # a lost race raises EditConflictError (ConflictAwareSession)
    except IntegrityError:
        db.session.rollback()
        raise SiretTakenError(siret_owner(siret, structure_id)) from None


def delete_structure(structure: Structure) -> None:
    structure.deleted_at = utcnow()
    db.session.commit()


def restore_structure(structure: Structure) -> None:
    if structure.merged_into_id:
        raise MergeError(
            "Cette structure a été fusionnée dans une autre : annulez la fusion pour la retrouver."
        )
    structure.deleted_at = None
    db.session.commit()


def import_structures(
    rows: list[dict], by: User, updates: list[tuple[Structure, dict]] = ()
) -> list[Structure]:
    """Create the structures of a confirmed CSV import, and update those a newer
    data·inclusion file changes (only the fields the file gives), all of them or none."""
    created = [build_structure(created_by_id=by.id, **row) for row in rows]
    # Every column known before the insert: nothing to read back, one prepared statement.
    now = utcnow()
    for structure, ident in zip(created, reserve_ids(Structure, len(created)) or (), strict=False):
        structure.id, structure.created_at, structure.updated_at = ident, now, now
        structure.version = 1
    db.session.add_all(created)
    for structure, fields in updates:
        fields = dict(fields)
        publics = fields.pop("publics", None)
        for name, value in fields.items():
            setattr(structure, name, value)
        if publics is not None:
            _set_publics(structure, publics)
        structure.refresh_derived()
    try:
        db.session.commit()
    except (IntegrityError, EditConflictError):
        db.session.rollback()
        raise ImportConflictError(
            "Une structure du fichier a été ajoutée ou modifiée dans l'annuaire entre-temps : "
            "rien n'a été importé. Envoyez de nouveau le fichier pour voir l'aperçu à jour."
        ) from None
    return created


# ----- merging duplicates ---------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A column pointing at a structure. `unique_with`: the columns that, with this one, are
    unique (a structure is on a map once), so a row whose twin already points at the kept
    structure is set aside (soft-deleted) instead of moved."""

    model: type
    column: str
    unique_with: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.model.__tablename__}.{self.column}"


# Every reference to a structure that a merge repoints. A domain that adds one adds it here.
# Links have two columns and an unordered pair to keep unique: see _plan_links().
REFERENCES = (
    Reference(User, "structure_id"),
    Reference(ReferentAttachment, "structure_id"),
    Reference(CooperationMap, "focal_structure_id"),
    Reference(MapEntry, "structure_id", unique_with=("map_id",)),
)
LINKS_KEY = "cooperation_links"
PUBLICS_KEY = "structure_publics"


@dataclass
class Outcome:
    """What a merge does to the rows of one reference."""

    moved: list = field(default_factory=list)
    set_aside: list = field(default_factory=list)  # soft-deleted: the kept structure has a twin
    revived: list = field(default_factory=list)  # the kept structure's twin, restored

    def record(self) -> dict:
        return {
            "moved": [row.id for row in self.moved],
            "set_aside": [row.id for row in self.set_aside],
            "revived": [row.id for row in self.revived],
        }


@dataclass
class MergePlan:
    kept: Structure
    merged: Structure
    outcomes: dict[str, Outcome]
    link_moves: list[tuple[CooperationLink, int, int]]  # (link, new source, new target)
    publics_added: list[str]

    def count(self, key: str, kind: str = "moved") -> int:
        return len(getattr(self.outcomes[key], kind))

    @property
    def users(self) -> list[User]:
        return self.outcomes["users.structure_id"].moved


def _classify(outcome: Outcome, row, twin) -> None:
    """Kept structure's row wins; if it was deleted and ours was not, it comes back instead."""
    if twin is None:
        outcome.moved.append(row)
    elif not row.is_deleted:
        outcome.set_aside.append(row)
        if twin.is_deleted:
            outcome.revived.append(twin)


def _plan_reference(reference: Reference, merged_id: int, kept_id: int) -> Outcome:
    model, column = reference.model, getattr(reference.model, reference.column)
    outcome = Outcome()
    for row in db.session.scalars(select(model).where(column == merged_id).order_by(model.id)):
        twin = None
        if reference.unique_with:
            same_scope = [getattr(model, c) == getattr(row, c) for c in reference.unique_with]
            twin = db.session.scalar(select(model).where(column == kept_id, *same_scope))
        _classify(outcome, row, twin)
    return outcome


def _plan_links(merged_id: int, kept_id: int) -> tuple[Outcome, list]:
    outcome, moves = Outcome(), []
    query = select(CooperationLink).where(
        or_(CooperationLink.source_id == merged_id, CooperationLink.target_id == merged_id)
    )
    for link in db.session.scalars(query.order_by(CooperationLink.id)):
        source, target = (
            kept_id if end == merged_id else end for end in (link.source_id, link.target_id)
        )
        if source == target:  # a link between the two duplicates links nothing any more
            if not link.is_deleted:
                outcome.set_aside.append(link)
            continue
        low, high = sorted((source, target))
        twin = db.session.scalar(
            select(CooperationLink).where(
                CooperationLink.map_id == link.map_id,
                CooperationLink.pair_low_id == low,
                CooperationLink.pair_high_id == high,
                CooperationLink.id != link.id,
            )
        )
        _classify(outcome, link, twin)
        if twin is None:
            moves.append((link, source, target))
    return outcome, moves


def plan_merge(kept: Structure, merged: Structure) -> MergePlan:
    """What merging `merged` into `kept` will change, computed without changing anything."""
    if kept.id == merged.id or kept.is_deleted or merged.is_deleted:
        raise MergeError("Choisissez deux structures différentes, toutes deux dans l'annuaire.")
    outcomes = {ref.key: _plan_reference(ref, merged.id, kept.id) for ref in REFERENCES}
    outcomes[LINKS_KEY], moves = _plan_links(merged.id, kept.id)
    present = set(kept.public_codes)
    added = [code for code in merged.public_codes if code not in present]
    return MergePlan(kept, merged, outcomes, moves, added)


def merge_structures(plan: MergePlan, by: User) -> StructureMerge:
    """Repoint every reference from plan.merged to plan.kept, and record how to undo it."""
    now = utcnow()
    kept, merged = plan.kept, plan.merged
    repointed = {key: outcome.record() for key, outcome in plan.outcomes.items()}
    # The ends before the move, for the undo: one of them is the merged structure.
    repointed[LINKS_KEY]["moved"] = [
        [ln.id, ln.source_id, ln.target_id] for ln, _s, _t in plan.link_moves
    ]
    repointed[PUBLICS_KEY] = {"added": plan.publics_added}
    for reference in REFERENCES:
        for row in plan.outcomes[reference.key].moved:
            setattr(row, reference.column, kept.id)
    for link, source, target in plan.link_moves:
        link.set_pair(source, target)
    for outcome in plan.outcomes.values():
        for row in outcome.set_aside:
            row.deleted_at = now
        for row in outcome.revived:
            row.deleted_at = None
    kept.publics.extend(StructurePublic(public_code=code) for code in plan.publics_added)
    merged.merged_into_id, merged.deleted_at = kept.id, now
    merge = StructureMerge(
        kept_id=kept.id, merged_id=merged.id, merged_by_id=by.id, merged_at=now, repointed=repointed
    )
    db.session.add(merge)
    _commit_merge()
    return merge


def undo_merge(merge: StructureMerge) -> None:
    """Put back every row the merge moved, set aside or revived, and the merged structure."""
    if merge.undone_at:
        raise MergeError("Cette fusion a déjà été annulée.")
    kept, merged = merge.kept, merge.merged
    if kept.merged_into_id:
        raise MergeError(
            f"« {kept.name} » a depuis été fusionnée à son tour : annulez d'abord cette fusion-là."
        )
    now, record = utcnow(), merge.repointed
    for reference in REFERENCES:
        done = record.get(reference.key, {})
        for row in _rows(reference.model, done.get("moved")):
            if getattr(row, reference.column) == kept.id:
                setattr(row, reference.column, merged.id)
        _undo_deletions(reference.model, done, now)
    links = record.get(LINKS_KEY, {})
    for link_id, source, target in links.get("moved", []):
        link = db.session.get(CooperationLink, link_id)
        if link is not None:
            link.set_pair(source, target)
    _undo_deletions(CooperationLink, links, now)
    added = set(record.get(PUBLICS_KEY, {}).get("added", []))
    kept.publics = [item for item in kept.publics if item.public_code not in added]
    merged.merged_into_id, merged.deleted_at = None, None
    merge.undone_at = now
    _commit_merge()


def _commit_merge() -> None:
    try:
        db.session.commit()
    except (EditConflictError, IntegrityError):
        db.session.rollback()
        raise MergeError(
            "Une carte ou une fiche concernée a changé au même moment : rien n'a été modifié. "
            "Rechargez la page, puis recommencez."
        ) from None


def _rows(model: type, ids: list[int] | None) -> list:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids))))


def _undo_deletions(model: type, done: dict, now) -> None:
    for row in _rows(model, done.get("set_aside")):
        row.deleted_at = None
    for row in _rows(model, done.get("revived")):
        row.deleted_at = now
