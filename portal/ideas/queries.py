"""Reads for ideas: sorted lists, the current user's votes, comment threads."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote

SORTS = {
    "top": ("Top", (Idea.vote_count.desc(), Idea.id.desc())),
    "trending": ("Trending", (Idea.trending_score.desc(), Idea.id.desc())),
    "new": ("New", (Idea.created_at.desc(), Idea.id.desc())),
    "discussed": ("Most discussed", (Idea.comment_count.desc(), Idea.id.desc())),
}
DEFAULT_SORT = "trending"


def parse_sort(raw: str | None) -> str:
    return raw if raw in SORTS else DEFAULT_SORT


def idea_list(*, product_id: int | None = None, prototype_id: int | None = None, author_id: int | None = None,
              sort: str = DEFAULT_SORT) -> Select:
    """Ideas filtered by product, prototype or author, in the chosen order, with what a card shows."""
    stmt = select(Idea).options(joinedload(Idea.author), joinedload(Idea.prototype))
    if product_id is not None:
        stmt = stmt.where(Idea.product_id == product_id)
    if prototype_id is not None:
        stmt = stmt.where(Idea.prototype_id == prototype_id)
    if author_id is not None:
        stmt = stmt.where(Idea.author_id == author_id)
    return stmt.order_by(*SORTS[parse_sort(sort)][1])


def voted_idea_ids(user: Any, idea_ids: list[int]) -> set[int]:
    """Which of these ideas the user has voted for, in one query."""
    if not getattr(user, "is_authenticated", False) or not idea_ids:
        return set()
    rows = db.session.scalars(select(Vote.idea_id).where(Vote.user_id == user.id, Vote.idea_id.in_(idea_ids)))
    return set(rows)


def comment_threads(idea_id: int) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments oldest first, each with its replies."""
    comments = db.session.scalars(
        select(Comment).options(joinedload(Comment.author))
        .where(Comment.idea_id == idea_id).order_by(Comment.created_at, Comment.id)
    ).all()
    replies: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id is not None:
            replies[comment.parent_id].append(comment)
    return [(c, replies[c.id]) for c in comments if c.parent_id is None]


def comments_by(author_id: int, limit: int = 20) -> list[Comment]:
    """A person's latest visible comments, with the idea each belongs to."""
    return list(db.session.execute(
        select(Comment, Idea).join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.author_id == author_id, Comment.deleted_at.is_(None))
        .order_by(Comment.created_at.desc()).limit(limit)
    ).all())
