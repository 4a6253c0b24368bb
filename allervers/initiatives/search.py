"""Full-text search of initiatives with each database's own engine, and the base's filters.

SQLite: the FTS5 table `initiatives_fts` (title and text, accents removed by its tokenizer),
ranked by bm25 with the title weighing five times the text. PostgreSQL: the stored column
`search_vector` (`to_tsvector('french', search_text)`) and its GIN index, ranked by ts_rank.
Either way every word of the query must be found, as a prefix ("marche" finds "marché" and
"marchés"). Both are created by migrations (0007, 0010), outside the models.
"""

from dataclasses import dataclass, field

from sqlalchemy import Select, exists, func, literal_column, select, text
from sqlalchemy.orm import selectinload

from allervers.core.forms import parse_int, search_words
from allervers.directory.models import Structure, normalise
from allervers.extensions import db
from allervers.initiatives.models import (
    STATUSES,
    Effect,
    Initiative,
    InitiativePublic,
    InitiativeTechnique,
)

MAX_WORDS = 8
# What a card shows, loaded with the page of results (not one query per card).
CARD_LOADING = (
    selectinload(Initiative.techniques),
    selectinload(Initiative.publics),
    selectinload(Initiative.structure),
)
FRENCH = literal_column("'french'::regconfig")
# to_tsvector('french', search_text), stored by migration 0010 (PostgreSQL) and GIN-indexed.
VECTOR = literal_column("initiatives.search_vector")
SORTS = {
    "pertinence": "Pertinence",
    "recentes": "Les plus récentes",
    "effets": "Le plus d'effets suivis",
}


def words(query: str) -> list[str]:
    """The query's words, accents and punctuation removed (at most MAX_WORDS)."""
    return normalise(query).split()[:MAX_WORDS]


def singular(word: str) -> str:
    """A light French stemmer for SQLite's prefix search: « marches » also finds « marché »
    (PostgreSQL's French dictionary does this itself)."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def matching(query: Select, search: str) -> tuple[Select, object | None]:
    """`query` kept to the initiatives matching every word; and a rank to order by (or None)."""
    found = words(search)
    if not found:
        return query, None
    if db.session.get_bind().dialect.name == "sqlite":
        expression = " ".join(f'"{singular(word)}"*' for word in found)
        hits = (
            select(
                literal_column("rowid").label("id"),
                literal_column("bm25(initiatives_fts, 5.0, 1.0)").label("rank"),
            )
            .select_from(text("initiatives_fts"))
            .where(text("initiatives_fts MATCH :expression").bindparams(expression=expression))
            .subquery()
        )
        return query.join(hits, hits.c.id == Initiative.id), hits.c.rank.asc()
    terms = func.to_tsquery(FRENCH, " & ".join(f"{word}:*" for word in found))
    return query.where(VECTOR.op("@@")(terms)), func.ts_rank(VECTOR, terms).desc()


@dataclass
class Filters:
    q: str = ""
    technique: str = ""
    public: str = ""
    secteur: str = ""
    departement: str = ""
    commune: str = ""
    statut: str = ""
    structure: int | None = None
    avec_effets: bool = False
    tri: str = "pertinence"
    active: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> "Filters":
        structure = parse_int(args.get("structure")) or None
        filters = cls(
            q=search_words(args),
            technique=args.get("technique", "").strip(),
            public=args.get("public", "").strip(),
            secteur=args.get("secteur", "").strip(),
            departement=args.get("departement", "").strip().upper()[:3],
            commune=args.get("commune", "").strip()[:120],
            statut=args.get("statut", "") if args.get("statut", "") in STATUSES else "",
            structure=structure,
            avec_effets=args.get("avec_effets") == "1",
            tri=args.get("tri", "") if args.get("tri", "") in SORTS else "pertinence",
        )
        return filters


def filtered(query: Select, filters: Filters) -> tuple[Select, object | None]:
    """The visible initiatives `query` narrowed by every filter, and the search rank."""
    if filters.technique:
        query = query.where(
            exists().where(
                InitiativeTechnique.initiative_id == Initiative.id,
                InitiativeTechnique.technique_code == filters.technique,
            )
        )
    if filters.public:
        query = query.where(
            exists().where(
                InitiativePublic.initiative_id == Initiative.id,
                InitiativePublic.public_code == filters.public,
            )
        )
    if filters.statut:
        query = query.where(Initiative.status == filters.statut)
    if filters.structure:
        query = query.where(Initiative.structure_id == filters.structure)
    if filters.avec_effets:
        query = query.where(Initiative.effects_count > 0)
    if filters.secteur or filters.departement or filters.commune:
        carrier = select(Structure.id).where(Structure.id == Initiative.structure_id)
        if filters.secteur:
            carrier = carrier.where(Structure.sector == filters.secteur)
        if filters.departement:
            carrier = carrier.where(Structure.departement == filters.departement)
        if filters.commune:
            carrier = carrier.where(Structure.search_text.contains(normalise(filters.commune)))
        query = query.where(carrier.exists())
    return matching(query, filters.q)


def ordered(query: Select, rank, sort: str) -> Select:
    """Reference cases first, then the chosen order (relevance needs a search)."""
    keys = [Initiative.is_reference.desc()]
    if sort == "effets":
        keys.append(Initiative.effects_count.desc())
    elif sort == "pertinence" and rank is not None:
        keys.append(rank)
    keys += [Initiative.updated_at.desc(), Initiative.id.desc()]
    return query.order_by(*keys)


def facet_counts(query: Select) -> dict[str, dict[str, int]]:
    """How many of the listed initiatives fall under each filter value (never more than the
    viewer may see: `query` is already the visible, filtered set)."""
    ids = query.with_only_columns(Initiative.id).order_by(None).subquery()
    counts: dict[str, dict[str, int]] = {}

    def count(name: str, column, *joins):
        statement = select(column, func.count()).select_from(ids)
        for target, condition in joins:
            statement = statement.join(target, condition)
        statement = statement.group_by(column)
        counts[name] = {str(value): number for value, number in db.session.execute(statement)}

    count(
        "technique",
        InitiativeTechnique.technique_code,
        (InitiativeTechnique, InitiativeTechnique.initiative_id == ids.c.id),
    )
    count(
        "public",
        InitiativePublic.public_code,
        (InitiativePublic, InitiativePublic.initiative_id == ids.c.id),
    )
    count("statut", Initiative.status, (Initiative, Initiative.id == ids.c.id))
    count(
        "secteur",
        Structure.sector,
        (Initiative, Initiative.id == ids.c.id),
        (Structure, Structure.id == Initiative.structure_id),
    )
    count(
        "departement",
        Structure.departement,
        (Initiative, Initiative.id == ids.c.id),
        (Structure, Structure.id == Initiative.structure_id),
    )
    with_effects = (
        select(func.count())
        .select_from(ids)
        .join(Initiative, Initiative.id == ids.c.id)
        .where(Initiative.effects_count > 0)
    )
    counts["avec_effets"] = {"1": db.session.scalar(with_effects) or 0}
    return counts


def latest_effects(initiative_ids: list[int], per_initiative: int = 2) -> dict[int, list[Effect]]:
    """The most recent effects of each listed initiative, for the cards (one query)."""
    if not initiative_ids:
        return {}
    newest_first = (Effect.observed_on.desc(), Effect.id.desc())
    # Numbered in the database: an initiative followed for years has hundreds of effects.
    ranked = (
        select(
            Effect.id,
            func.row_number()
            .over(partition_by=Effect.initiative_id, order_by=newest_first)
            .label("rank"),
        )
        .where(Effect.initiative_id.in_(initiative_ids), Effect.deleted_at.is_(None))
        .subquery()
    )
    query = (
        select(Effect)
        .join(ranked, ranked.c.id == Effect.id)
        .where(ranked.c.rank <= per_initiative)
        .order_by(Effect.initiative_id, *newest_first)
    )
    latest: dict[int, list[Effect]] = {}
    for effect in db.session.scalars(query):
        bucket = latest.setdefault(effect.initiative_id, [])
        if len(bucket) < per_initiative:
            bucket.append(effect)
    return latest
