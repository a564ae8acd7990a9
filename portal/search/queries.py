"""The one search function, over SQLite FTS5 or a PostgreSQL tsvector, and similar ideas for the new-idea form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import Float, Integer, Select, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import joinedload, selectinload

from portal.core.pagination import Page, paginate
from portal.core.text import parse_id
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.queries import tag_for_viewer, visible_ideas
from portal.markup import plain_text
from portal.prototypes.models import Product, Prototype
from portal.prototypes.queries import product_by_slug, prototype_by_slug
from portal.search.text import fts5_query, highlight, rough_stem, search_terms
from portal.triage.models import Status, Tag, idea_tag

PER_PAGE = 20
SIMILAR_MAX = 5
SNIPPET_WORDS = 30
# Title above body above comments. bm25 column weights on SQLite; setweight A/B/C and these rank weights
# ({D, C, B, A}) on PostgreSQL.
BM25_WEIGHTS = "10.0, 4.0, 1.0"  # title, body, comments — PG_WEIGHTS holds the same ratios
PG_WEIGHTS = "{0.0, 0.1, 0.4, 1.0}"
PG_TITLE_WEIGHTS = "{0.0, 0.0, 0.1, 1.0}"


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

    def apply(self, stmt: Select) -> Select:
        if self.product is not None:
            stmt = stmt.where(Idea.product_id == self.product.id)
        if self.prototype is not None:
            stmt = stmt.where(Idea.prototype_id == self.prototype.id)
        if self.status is not None:
            stmt = stmt.where(Idea.status_id == self.status.id)
        if self.tag is not None:
            stmt = stmt.where(Idea.id.in_(select(idea_tag.c.idea_id).where(idea_tag.c.tag_id == self.tag.id)))
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


def _hits(terms: list[str], *, any_term: bool = False, title_only: bool = False, prefix: bool = False):
    """A subquery of (idea_id, score) for ideas whose indexed text matches, higher score first.

    With `prefix`, each term also matches words its stem begins ("noise" finds "noisy"), for similar ideas.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        match = fts5_query(terms, any_term=any_term, columns="{title body}" if title_only else "", prefix=prefix)
        # Same proportions as PG_TITLE_WEIGHTS (title 1.0, body 0.1), so both databases rank alike.
        weights = "10.0, 1.0, 0.0" if title_only else BM25_WEIGHTS
        sql = text(f"SELECT rowid AS idea_id, -bm25(idea_search, {weights}) AS score FROM idea_search "
                   "WHERE idea_search MATCH :match").bindparams(match=match)
    else:
        params = {f"t{i}": term for i, term in enumerate(terms)}
        # Terms are letters and digits only (search_terms), so appending the prefix operator is safe.
        one = "to_tsquery('english', :{} || ':*')" if prefix else "plainto_tsquery('english', :{})"
        tsquery = (" || " if any_term else " && ").join(one.format(name) for name in params)
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


def _comments_text(idea_ids: list[int]) -> dict[int, str]:
    if not idea_ids:
        return {}
    key = "rowid" if db.session.get_bind().dialect.name == "sqlite" else "idea_id"
    rows = db.session.execute(text(f"SELECT {key}, comments FROM idea_search WHERE {key} IN "
                                   f"({', '.join(str(int(i)) for i in idea_ids)})"))
    return {row[0]: row[1] or "" for row in rows}


def _hit(idea: Idea, terms: list[str], comments: str) -> SearchHit:
    body = plain_text(idea.body_html)
    snippet = highlight(body, terms, max_words=SNIPPET_WORDS)
    if "<mark>" not in snippet and "<mark>" in (from_comments := highlight(comments, terms, max_words=SNIPPET_WORDS)):
        snippet = Markup("In the comments: ") + from_comments
    return SearchHit(idea=idea, title=highlight(idea.title, terms), snippet=snippet)


def search_ideas(query: str | None, viewer: Any, filters: SearchFilters | None = None, page: int = 1
                 ) -> SearchResults:
    """Ideas the viewer may see matching every word of `query`, best match first, 20 a page, words marked."""
    terms = search_terms(query)
    empty = Page(items=[], page=page, per_page=PER_PAGE, total=0)
    if not terms:
        message = "Type a few words to search for." if not (query or "").strip() else \
            "Those words are too common to search for. Try something more specific."
        return SearchResults(query or "", terms, empty, message=message)
    stmt = (filters or SearchFilters()).apply(_ranked(terms, viewer))
    try:
        # Counted ten pages ahead at most: a common word matches a large share of every idea.
        result_page = paginate(stmt, page, PER_PAGE, count_ahead=10)
    except DBAPIError:  # a last resort: the terms are built to be valid for both engines
        db.session.rollback()
        return SearchResults(query or "", terms, empty, message="That search could not be run. Try other words.")
    comments = _comments_text([idea.id for idea in result_page.items])
    hits = [_hit(idea, terms, comments.get(idea.id, "")) for idea in result_page.items]
    message = "" if result_page.total else "No ideas match that search."
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
