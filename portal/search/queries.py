"""The one search function, over SQLite FTS5 or a PostgreSQL tsvector, and similar ideas for the new-idea form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from sqlalchemy import (
    CTE,
    ColumnElement,
    Float,
    Integer,
    Select,
    TextClause,
    bindparam,
    case,
    column,
    func,
    literal_column,
    select,
    table,
    text,
    true,
    union,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import defer, joinedload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from portal.core.pagination import Page
from portal.core.text import parse_id
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.queries import audience_of, tag_for_viewer, visible_ideas, visible_to
from portal.pagecache import not_for_keeping, remember
from portal.prototypes.models import Product, Prototype
from portal.prototypes.queries import product_by_slug, prototype_by_slug
from portal.search.text import fts5_query, highlight, rough_stem, search_terms
from portal.triage.models import Status, Tag, idea_tag

PER_PAGE = 20
SIMILAR_MAX = 5
SNIPPET_WORDS = 30

# What the search page shows of each result: no author, and no description (the snippet comes from the index),
# so neither is loaded; twenty authors' whole rows were a tenth of a search's time.
PAGE_LOADING: tuple[LoaderOption, ...] = (
    defer(Idea.body), defer(Idea.body_html), joinedload(Idea.prototype), joinedload(Idea.status),
    selectinload(Idea.tags))
# Everything an idea's full description needs (the JSON API's).
FULL_LOADING: tuple[LoaderOption, ...] = (
    joinedload(Idea.author), joinedload(Idea.prototype), joinedload(Idea.status), selectinload(Idea.tags))
# Title above body above comments. bm25 column weights on SQLite; setweight A/B/C and these rank weights
# ({D, C, B, A}) on PostgreSQL.
BM25_WEIGHTS = "10.0, 4.0, 1.0"  # title, body, comments — PG_WEIGHTS holds the same ratios
PG_WEIGHTS = "{0.0, 0.1, 0.4, 1.0}"
PG_TITLE_WEIGHTS = "{0.0, 0.0, 0.1, 1.0}"
# How many matches one search scores (issue 7). Scoring every match of a common word costs time in proportion
# to how many ideas hold it (at 100,000 ideas "battery" matches 3,400, "children" 47,000), so a search scores a
# bounded pool: up to POOL_SIZE matches, plus up to TITLE_POOL_SIZE more whose title holds every word (see _pool).
# With more matches than that, the results are the best of the pool, and the pager says "Page 1 of 10+".
POOL_SIZE = 200
TITLE_POOL_SIZE = 100


@dataclass
class SearchFilters:
    """Filters from the query string, each resolved to a row the viewer may use, or None (ignored)."""

    product: Product | None = None
    prototype: Prototype | None = None
    status: Status | None = None
    tag: Tag | None = None

    @classmethod
    def parse(cls, args: Any, viewer: Any) -> SearchFilters:
        status_id = parse_id(args.get("status"))
        return cls(product=product_by_slug(args.get("product", "")),
                   prototype=prototype_by_slug(args.get("prototype", "")),
                   status=db.session.get(Status, status_id) if status_id else None,
                   tag=tag_for_viewer(args.get("tag"), viewer))

    @property
    def shape(self) -> tuple[bool, bool, bool, bool]:
        """Which filters are set: with the audience, all a search statement's structure depends on."""
        return (self.product is not None, self.prototype is not None, self.status is not None, self.tag is not None)

    @property
    def params(self) -> dict[str, int]:
        rows = {"product_id": self.product, "prototype_id": self.prototype, "status_id": self.status,
                "tag_id": self.tag}
        return {name: row.id for name, row in rows.items() if row is not None}


def _filtered(stmt: Select, shape: tuple[bool, bool, bool, bool]) -> Select:
    """The filters `shape` says are set, each comparing with a bind parameter (see SearchFilters.params)."""
    product, prototype, status, tag = shape
    if product:
        stmt = stmt.where(Idea.product_id == bindparam("product_id"))
    if prototype:
        stmt = stmt.where(Idea.prototype_id == bindparam("prototype_id"))
    if status:
        stmt = stmt.where(Idea.status_id == bindparam("status_id"))
    if tag:
        stmt = stmt.where(Idea.id.in_(select(idea_tag.c.idea_id).where(idea_tag.c.tag_id == bindparam("tag_id"))))
    return stmt


@dataclass
class SearchHit:
    idea: Idea
    title: Markup
    snippet: Markup


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    page: Page
    hits: list[SearchHit] = field(default_factory=list)
    message: str = ""


def _tsquery(terms: list[str], *, any_term: bool = False, prefix: bool = False) -> tuple[str, dict[str, str]]:
    """PostgreSQL: a tsquery expression over bound terms, and the terms to bind."""
    params = {f"t{i}": term for i, term in enumerate(terms)}
    # Terms are letters and digits only (search_terms), so appending the prefix operator is safe.
    one = "to_tsquery('english', :{} || ':*')" if prefix else "plainto_tsquery('english', :{})"
    return (" || " if any_term else " && ").join(one.format(name) for name in params), params


def _hits(terms: list[str], *, any_term: bool = False, title_only: bool = False, prefix: bool = False):
    """A subquery of (idea_id, score) for every idea whose indexed text matches, higher score first.

    Unbounded, unlike _pool: only similar_ideas uses it, whose OR of title words needs the ideas sharing most of
    them, which a pool taken in index order could miss.

    With `prefix`, each term also matches words its stem begins ("noise" finds "noisy"), for similar ideas.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        match = fts5_query(terms, any_term=any_term, columns="{title body}" if title_only else "", prefix=prefix)
        # Same proportions as PG_TITLE_WEIGHTS (title 1.0, body 0.1), so both databases rank alike.
        weights = "10.0, 1.0, 0.0" if title_only else BM25_WEIGHTS
        sql = text(f"SELECT rowid AS idea_id, -bm25(idea_search, {weights}) AS score FROM idea_search "
                   "WHERE idea_search MATCH :match").bindparams(match=match)
    else:
        tsquery, params = _tsquery(terms, any_term=any_term, prefix=prefix)
        document = "ts_filter(document, '{a,b}')" if title_only else "document"
        weights = PG_TITLE_WEIGHTS if title_only else PG_WEIGHTS
        sql = text(f"SELECT idea_id, ts_rank_cd('{weights}', document, q, 1) AS score "
                   f"FROM idea_search, ({'SELECT ' + tsquery} AS q) AS query "
                   f"WHERE document @@ q AND {document} @@ q").bindparams(**params)
    return sql.columns(idea_id=Integer, score=Float).subquery("hits")


def _ranked(terms: list[str], viewer: Any, **match: bool) -> Select:
    hits = _hits(terms, **match)
    stmt = (select(Idea).join(hits, hits.c.idea_id == Idea.id)
            .options(joinedload(Idea.author), joinedload(Idea.prototype), joinedload(Idea.status),
                     selectinload(Idea.tags))
            .order_by(hits.c.score.desc(), Idea.vote_count.desc(), Idea.id.desc()))
    return visible_ideas(stmt, viewer)


Restrict = Callable[[Select], Select]


@dataclass(frozen=True)
class _SearchStatements:
    """One shape of search, built once and then only run with parameters (terms, filters, viewer, offset).

    A search is a large statement: building it, and SQLAlchemy computing its cache key, cost more Python than
    SQLite spends running it. A statement object that is reused keeps its cache key.
    """

    page: Select  # the ideas on one page of the pool, best match first, each with the pool's size
    count: Select  # the pool's size, for a page past the last


@lru_cache(maxsize=256)
def _search_statements(dialect: str, term_count: int, audience: str, shape: tuple[bool, bool, bool, bool],
                       loading: tuple[LoaderOption, ...], sizes: tuple[int, int, int]) -> _SearchStatements:
    """`sizes` (PER_PAGE, POOL_SIZE, TITLE_POOL_SIZE) are read when a search runs, so they are part of the key."""
    per_page, pool_size, title_pool_size = sizes

    def restrict(stmt: Select) -> Select:
        return _filtered(visible_to(stmt, audience, bindparam("viewer_id")), shape)

    if dialect == "sqlite":
        found = _sqlite_pool(restrict, pool_size, title_pool_size)
    else:
        found = _postgresql_pool(term_count, restrict, pool_size, title_pool_size)
    # MATERIALIZED: the pool is found first, on its own, so PostgreSQL cannot plan its LIMITs together with the
    # page's sort and joins (which would read every match again).
    pool = found.cte("pool").prefix_with("MATERIALIZED")
    return _SearchStatements(page=_ranked_page(pool, per_page, loading),
                             count=select(func.count()).select_from(pool))


def _search_params(terms: list[str], viewer: Any, filters: SearchFilters, dialect: str) -> dict[str, Any]:
    """What the statements of _search_statements are run with, besides the page's offset."""
    if dialect == "sqlite":
        params: dict[str, Any] = {"match_any": fts5_query(terms), "match_title": fts5_query(terms, columns="{title}"),
                                  "match_scored": fts5_query(terms)}
    else:
        params = {f"t{i}": term for i, term in enumerate(terms)}
    return {**params, **filters.params, "viewer_id": getattr(viewer, "id", None)}


def _full(anywhere: CTE, pool_size: int) -> ColumnElement[bool]:
    """Whether the first tier filled up. If not, it holds every match and the title tier would find nothing new,
    so its scan is skipped: PostgreSQL tests this once, before the scan; SQLite through the scan's LIMIT."""
    return select(func.count()).select_from(anywhere).scalar_subquery() >= pool_size


def _sqlite_pool(restrict: Restrict, pool_size: int, title_pool_size: int) -> Select:
    """The candidates one search ranks: matching ideas the viewer may see and the filters keep, with their scores
    and votes (`idea_id`, `score`, `votes`), so that ranking them reads no other table.

    Two tiers, each bounded: up to POOL_SIZE matches anywhere, and up to TITLE_POOL_SIZE ideas holding every word
    in their title, the strongest sign of relevance, so that a flood of ideas mentioning a common word in passing
    cannot push out the ones about it. FTS5 walks its doclists by rowid (the idea id) in either direction for
    free, so SQLite takes the newest. With fewer matches than POOL_SIZE, every match is ranked.
    """
    index = table("idea_search", column("rowid", Integer))
    key = index.c.rowid
    # A correlated subquery, not a join: the FTS5 table stays the outer loop whatever the filters, so the
    # newest matches come first and each costs one lookup of its idea.
    allowed = restrict(select(Idea.id).where(Idea.id == key)).scalar_subquery().is_not(None)

    def matching(name: str) -> TextClause:
        return text(f"idea_search MATCH :{name}")

    def newest(name: str, limit: int | ColumnElement[int]) -> Select:
        found = select(key.label("idea_id")).where(matching(name), allowed)
        return select(found.order_by(key.desc()).limit(limit).subquery().c.idea_id)

    anywhere = newest("match_any", pool_size).cte("anywhere")
    # SQLite tests a condition on a subquery row by row, but a LIMIT once, before it reads anything.
    titled = newest("match_title", case((_full(anywhere, pool_size), title_pool_size), else_=0))
    candidates = union(select(anywhere.c.idea_id), titled).cte("candidates")
    # Ids first, scores after: bm25() recounts the whole doclist of every word in each query that calls it,
    # and only scores rows of a query matching its own expression (a title-only match would score the title
    # alone). So one query scores every candidate, reading the matches back to the oldest candidate; `+ 0` keeps
    # the ids a filter, not lookups FTS5 would each run as a new query.
    score = literal_column(f"-bm25(idea_search, {BM25_WEIGHTS})", Float)
    return (select(key.label("idea_id"), score.label("score"), Idea.vote_count.label("votes"))
            .select_from(index.join(Idea, Idea.id == key))
            .where(matching("match_scored"),
                   key >= select(func.min(candidates.c.idea_id)).scalar_subquery(),
                   (key + literal_column("0")).in_(select(candidates.c.idea_id))))


def _postgresql_pool(term_count: int, restrict: Restrict, pool_size: int, title_pool_size: int) -> Select:
    """As _sqlite_pool, found where PostgreSQL finds matches cheapest. A GIN index yields an unordered set and
    reading its rows is what costs, so each tier takes the first rows it reads (table order, a subset as arbitrary
    as its own gin_fuzzy_search_limit returns): ordering the matches by anything, even by id, would mean reading
    every one."""
    index = table("idea_search", column("idea_id", Integer), column("title"), column("document"))
    key = index.c.idea_id
    tsquery, _ = _tsquery([""] * term_count)  # the terms come as parameters t0, t1, ...
    query = text(f"SELECT {tsquery} AS q").columns(column("q")).subquery("query")
    score = func.ts_rank_cd(literal_column(f"'{PG_WEIGHTS}'"), index.c.document, query.c.q, 1, type_=Float)
    # `+ 0`: the two keys no longer look sorted alike, so PostgreSQL cannot merge-join the primary keys (testing
    # every row of the index on the way). It reads the matches (a GIN bitmap, or for a very common word a plain
    # scan that soon has enough) and looks each idea up.
    scored = restrict(select(key.label("idea_id"), score.label("score"), Idea.vote_count.label("votes"))
                      .select_from(index.join(query, true()).join(Idea, Idea.id == key + literal_column("0"))))
    # The very expression of the index idea_search_title_gin (migration 3c9d2e7f1a40), or it is not used.
    title = func.to_tsvector(literal_column("'english'"), index.c.title)
    anywhere = scored.where(index.c.document.op("@@")(query.c.q)).limit(pool_size).cte("anywhere")
    titled = scored.where(title.op("@@")(query.c.q), _full(anywhere, pool_size)).limit(title_pool_size).subquery()
    # UNION: an idea in both tiers has the same score in each, and is a candidate once.
    return union(select(anywhere.c.idea_id, anywhere.c.score, anywhere.c.votes),
                 select(titled.c.idea_id, titled.c.score, titled.c.votes))


def _ranked_page(pool: CTE, per_page: int, loading: tuple[LoaderOption, ...]) -> Select:
    """The ideas on one page of the pool (from the `offset` parameter), best match first, each with the pool's
    size (`total`).

    The page is cut from the pool's ids before any idea is loaded, so authors, prototypes and statuses are
    joined for 20 rows, not for every candidate.
    """
    ranked = (select(pool.c.idea_id, pool.c.score, pool.c.votes, func.count().over().label("total"))
              .order_by(pool.c.score.desc(), pool.c.votes.desc(), pool.c.idea_id.desc())
              .limit(per_page).offset(bindparam("offset", type_=Integer))).subquery("ranked")
    return (select(Idea, ranked.c.total).join(ranked, ranked.c.idea_id == Idea.id).options(*loading)
            .order_by(ranked.c.score.desc(), ranked.c.votes.desc(), Idea.id.desc()))


def _search_page(terms: list[str], viewer: Any, filters: SearchFilters, page: int,
                 loading: tuple[LoaderOption, ...]) -> Page:
    """One page of the pool (see _sqlite_pool), ranked."""
    dialect = db.session.get_bind().dialect.name
    statements = _search_statements(dialect, len(terms), audience_of(viewer), filters.shape, loading,
                                    (PER_PAGE, POOL_SIZE, TITLE_POOL_SIZE))
    params = _search_params(terms, viewer, filters, dialect)
    rows = db.session.execute(statements.page, {**params, "offset": (page - 1) * PER_PAGE}).all()
    total = rows[0].total if rows else 0
    if not rows and page > 1:  # past the last page: the pool's size is on no row, so count it
        total = db.session.scalar(statements.count, params) or 0
    # A full pool means there may be more matches than were ranked: "Page 1 of 10+".
    return Page(items=[row.Idea for row in rows], page=page, per_page=PER_PAGE, total=total,
                capped=total >= POOL_SIZE)


@lru_cache(maxsize=2)
def _indexed_text_statement(key: str) -> TextClause:
    # Built once, the ids bound: a statement with its ids written in would be compiled afresh for every search
    # and push a new entry into the engine's cache of compiled statements each time.
    return text(f"SELECT {key}, body, comments FROM idea_search WHERE {key} IN :ids").bindparams(
        bindparam("ids", expanding=True))


def _indexed_text(idea_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The plain text of each idea's description and public comments, as the index holds them."""
    if not idea_ids:
        return {}
    key = "rowid" if db.session.get_bind().dialect.name == "sqlite" else "idea_id"
    rows = db.session.execute(_indexed_text_statement(key), {"ids": idea_ids})
    return {row[0]: (row[1] or "", row[2] or "") for row in rows}


def _marked(title: str, terms: list[str], body: str, comments: str) -> tuple[Markup, Markup]:
    """A hit's title and snippet with the words marked."""
    # The index holds the text readers see (portal.search.index): no need to strip the HTML again.
    snippet = highlight(body, terms, max_words=SNIPPET_WORDS)
    if "<mark>" not in snippet and "<mark>" in (from_comments := highlight(comments, terms, max_words=SNIPPET_WORDS)):
        snippet = Markup("In the comments: ") + from_comments
    return highlight(title, terms), snippet


@dataclass(frozen=True)
class _Answer:
    """One page of one search for one audience, as kept until the next write: the ideas' ids in rank order,
    their marked titles and snippets, and the pool's size. Plain values: unpickled from the cache each time."""

    ids: tuple[int, ...]
    marked: tuple[tuple[Markup, Markup], ...]
    total: int


def _answer_key(terms: list[str], viewer: Any, filters: SearchFilters, page: int) -> str:
    # Everything the answer depends on besides the data (whose version the cache key carries): who may see
    # what (a member also sees their own ideas awaiting approval), the filters, the page and the words.
    audience = audience_of(viewer)
    who = f"{audience}:{viewer.id}" if audience == "member" else audience
    chosen = ",".join(f"{name}={value}" for name, value in sorted(filters.params.items()))
    return f"search:{who}:{chosen}:{page}:{' '.join(terms)}"


@lru_cache(maxsize=32)
def _by_ids(loading: tuple[LoaderOption, ...], audience: str) -> Select:
    # The visibility rule again, though a kept answer held only ideas the viewer could see: every write makes a
    # new content version, but a migration does not, and with Redis kept answers outlive a release.
    stmt = select(Idea).where(Idea.id.in_(bindparam("ids", expanding=True))).options(*loading)
    return visible_to(stmt, audience, bindparam("viewer_id"))


def _ideas_in_order(ids: tuple[int, ...], viewer: Any, loading: tuple[LoaderOption, ...]) -> list[Idea]:
    if not ids:
        return []
    params = {"ids": list(ids), "viewer_id": getattr(viewer, "id", None)}
    found = {idea.id: idea for idea in db.session.scalars(_by_ids(loading, audience_of(viewer)), params).unique()}
    return [found[idea_id] for idea_id in ids if idea_id in found]


def search_ideas(query: str | None, viewer: Any, filters: SearchFilters | None = None, page: int = 1,
                 loading: tuple[LoaderOption, ...] = PAGE_LOADING) -> SearchResults:
    """Ideas the viewer may see matching every word of `query`, best match first, 20 a page, words marked.

    At most POOL_SIZE matches are ranked (see _pool); with more, `page.capped` is set. `loading` says what is
    loaded with each idea: what the search page shows, unless told otherwise.
    """
    terms = search_terms(query)
    empty = Page(items=[], page=page, per_page=PER_PAGE, total=0)
    if not terms:
        message = "Type a few words to search for." if not (query or "").strip() else \
            "Those words are too common to search for. Try something more specific."
        return SearchResults(query or "", terms, empty, message=message)
    filters = filters or SearchFilters()
    ranked: list[Idea] = []

    def run() -> _Answer:
        result_page = _search_page(terms, viewer, filters, page, loading)
        ranked.extend(result_page.items)
        texts = _indexed_text([idea.id for idea in result_page.items])
        return _Answer(ids=tuple(idea.id for idea in result_page.items), total=result_page.total,
                       marked=tuple(_marked(idea.title, terms, *texts.get(idea.id, ("", "")))
                                    for idea in result_page.items))

    try:
        # The same search again before anything is written (a popular word, the next visitor, the back button)
        # skips the ranking: its ideas are read by id, a tenth of the work.
        answer = remember(_answer_key(terms, viewer, filters, page), run)
    except DBAPIError:  # a last resort: the terms are built to be valid for both engines
        db.session.rollback()
        not_for_keeping()  # a passing fault (a dropped connection) must not answer the next visitors too
        return SearchResults(query or "", terms, empty, message="That search could not be run. Try other words.")
    ideas = ranked or _ideas_in_order(answer.ids, viewer, loading)
    marked = dict(zip(answer.ids, answer.marked, strict=True))
    hits = [SearchHit(idea=idea, title=marked[idea.id][0], snippet=marked[idea.id][1]) for idea in ideas]
    result_page = Page(items=ideas, page=page, per_page=PER_PAGE, total=answer.total,
                       capped=answer.total >= POOL_SIZE)
    message = "" if answer.total else "No ideas match that search."
    return SearchResults(query or "", terms, result_page, hits, message)


SIMILAR_CANDIDATES = 25
# Words that say nothing about what an idea is, so they must not make a title look like another one.
SIMILAR_IGNORED = frozenset({"much", "many", "make", "makes", "made", "would", "could", "please", "also", "like",
                             "get", "gets", "need", "want", "let", "lets", "way", "thing", "things", "really"})


def similar_ideas(title: str | None, viewer: Any, product_id: int | None = None,
                  limit: int = SIMILAR_MAX) -> list[Idea]:
    """Visible ideas sharing any word with `title`, title matches first: what someone may be about to repost."""
    terms = [term for term in search_terms(title) if term not in SIMILAR_IGNORED]
    if not terms:
        return []
    stmt = _ranked(terms, viewer, any_term=True, title_only=True, prefix=True)
    if product_id is not None:
        stmt = stmt.where(Idea.product_id == product_id)
    try:
        candidates = list(db.session.scalars(stmt.limit(SIMILAR_CANDIDATES)).unique())
    except DBAPIError:
        db.session.rollback()
        return []
    # Both engines find the candidates; the same rule orders them everywhere: how many of the typed words the
    # title shares first (a duplicate is mostly its title), then the engine's own score.
    stems = {rough_stem(term) for term in terms}
    return sorted(candidates, key=lambda idea: -_title_overlap(idea.title, stems))[:limit]


def _title_overlap(title: str, stems: set[str]) -> int:
    words = {rough_stem(word) for word in search_terms(title)}
    return sum(1 for stem in stems if any(word.startswith(stem) or stem.startswith(word) for word in words))
