"""Reads for the API: the site's own listings, limited to what the caller may see, one cursor page at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.api.pagination import CursorPage, Order, decode_cursor, encode_cursor, keyset_page
from portal.api.problems import ApiProblem
from portal.api.schemas import IdeaListQuery
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.ideas.queries import SORTS, idea_list
from portal.permissions import is_team
from portal.prototypes.models import Product, Prototype
from portal.search.queries import FULL_LOADING, SearchFilters, search_ideas
from portal.triage.models import Status, Tag

IDEA_ORDERS = {name: Order([(columns[0].element, True), (Idea.id, True)]) for name, (_, columns) in SORTS.items()}
IDEA_KEYS = {
    "top": lambda i: [i.vote_count, i.id],
    "trending": lambda i: [i.trending_score, i.id],
    "new": lambda i: [i.created_at, i.id],
    "discussed": lambda i: [i.comment_count, i.id],
}


def _search_filters(query: IdeaListQuery, viewer: Any) -> SearchFilters:
    def get(model: Any, row_id: int | None) -> Any:
        return db.session.get(model, row_id) if row_id else None

    tag = get(Tag, query.tag_id)
    return SearchFilters(product=get(Product, query.product_id), prototype=get(Prototype, query.prototype_id),
                         status=get(Status, query.status_id),
                         tag=tag if tag is not None and (not tag.internal or is_team(viewer)) else None)


def ideas_page(query: IdeaListQuery, viewer: Any) -> CursorPage:
    """The site's idea list (filters and sorts), or its search when `q` is given."""
    if query.q and query.q.strip():
        return _search_page(query, viewer)
    stmt = idea_list(viewer=viewer, product_id=query.product_id, prototype_id=query.prototype_id,
                     author_id=query.author_id, tag_id=query.tag_id, sort=query.sort)
    stmt = stmt.options(joinedload(Idea.assignee))  # the rest of what the API shows is loaded by idea_list
    if query.status_id is not None:
        stmt = stmt.where(Idea.status_id == query.status_id)
    return keyset_page(stmt, IDEA_ORDERS[query.sort], f"ideas:{query.sort}", IDEA_KEYS[query.sort], query.cursor,
                       query.limit)


def _search_page(query: IdeaListQuery, viewer: Any) -> CursorPage:
    """Search results are ranked, not ordered by a column: the cursor names the site's next result page (20 each)."""
    number = decode_cursor(query.cursor, "ideas:search", 1)[0] if query.cursor else 1
    if not isinstance(number, int) or not 1 <= number <= 500:
        raise ApiProblem(400, "The cursor is not valid for this list.", errors={"cursor": "Start again without it."})
    result = search_ideas(query.q, viewer, _search_filters(query, viewer), number, loading=FULL_LOADING)
    if query.author_id is not None:
        hits = [hit.idea for hit in result.hits if hit.idea.author_id == query.author_id]
    else:
        hits = [hit.idea for hit in result.hits]
    more = number < result.page.pages
    return CursorPage(hits, encode_cursor("ideas:search", [number + 1]) if more else None)


def visible_comments(idea: Idea, viewer: Any):
    """An idea's comments the viewer may see (the query form of can_view_comment), with deleted placeholders."""
    stmt = select(Comment).options(joinedload(Comment.author)).where(Comment.idea_id == idea.id)
    if not is_team(viewer):
        own = Comment.author_id == viewer.id if getattr(viewer, "is_authenticated", False) else false()
        stmt = stmt.where(Comment.hidden_at.is_(None), or_(Comment.pending_approval.is_(False), own))
    return stmt


COMMENT_ORDER = Order([(Comment.created_at, False), (Comment.id, False)])


def comments_page(idea: Idea, viewer: Any, cursor: str | None, limit: int) -> CursorPage:
    return keyset_page(visible_comments(idea, viewer), COMMENT_ORDER, "comments", lambda c: [c.created_at, c.id],
                       cursor, limit)


def voters_page(idea: Idea, cursor: str | None, limit: int) -> CursorPage:
    stmt = select(Vote).options(joinedload(Vote.user)).where(Vote.idea_id == idea.id)
    return keyset_page(stmt, Order([(Vote.id, False)]), "voters", lambda v: [v.id], cursor, limit)


def load_idea_details(ideas: list[Idea]) -> None:
    """Tags and status for a page of ideas in two queries rather than two per idea."""
    ids = [i.id for i in ideas]
    if ids:
        db.session.scalars(select(Idea).options(selectinload(Idea.tags), joinedload(Idea.status),
                                                joinedload(Idea.author), joinedload(Idea.assignee))
                           .where(Idea.id.in_(ids))).unique().all()
