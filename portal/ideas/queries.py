"""Reads for ideas: what a viewer may see, sorted lists, the viewer's votes, an idea's timeline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Select, bindparam, exists, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.core.text import parse_id
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.pagecache import remember
from portal.permissions import can_see_internal, can_view_comment, can_view_idea, is_team
from portal.screens.models import CarriedIdea
from portal.triage.models import StatusChange, Tag, idea_tag

SORTS = {
    "top": ("Top", (Idea.vote_count.desc(), Idea.id.desc())),
    "trending": ("Trending", (Idea.trending_score.desc(), Idea.id.desc())),
    "new": ("New", (Idea.created_at.desc(), Idea.id.desc())),
    "discussed": ("Most discussed", (Idea.comment_count.desc(), Idea.id.desc())),
}
DEFAULT_SORT = "trending"


def parse_sort(raw: str | None) -> str:
    return raw if raw in SORTS else DEFAULT_SORT


def visible_ideas(stmt: Select, viewer: Any) -> Select:
    """Limit a select of ideas to what the viewer may see; merged duplicates live on in their original."""
    return visible_to(stmt, audience_of(viewer), getattr(viewer, "id", None))


def audience_of(viewer: Any) -> str:
    """Which ideas a viewer may see depends only on this: "team", "member" (plus their own) or "visitor"."""
    if is_team(viewer):
        return "team"
    return "member" if getattr(viewer, "is_authenticated", False) else "visitor"


def visible_to(stmt: Select, audience: str, viewer_id: Any = None) -> Select:
    """visible_ideas for an audience; `viewer_id` (a member's) may be a bind parameter, for a statement built
    once and run for anyone in that audience."""
    stmt = stmt.where(Idea.merged_into_id.is_(None))
    if audience == "team":
        return stmt
    own = Idea.author_id == viewer_id if audience == "member" else false()
    return stmt.where(Idea.hidden_at.is_(None), or_(Idea.pending_approval.is_(False), own))


def tag_for_viewer(raw: str | None, viewer: Any) -> Tag | None:
    """A tag filter from the query string; internal tags do not exist for customers and visitors."""
    tag_id = parse_id(raw)  # digits that fit the id column, else no filter
    tag = db.session.get(Tag, tag_id) if tag_id else None
    return tag if tag is not None and (not tag.internal or can_see_internal(viewer)) else None


def idea_list(*, viewer: Any, product_id: int | None = None, prototype_id: int | None = None,
              author_id: int | None = None, tag_id: int | None = None, shipped_in_id: int | None = None,
              sort: str = DEFAULT_SORT) -> Select:
    """Ideas the viewer may see, filtered, in the chosen order, loaded with what a card shows."""
    stmt = select(Idea).options(joinedload(Idea.author), joinedload(Idea.prototype), joinedload(Idea.status),
                                selectinload(Idea.tags))
    filters = {Idea.product_id: product_id, Idea.author_id: author_id, Idea.shipped_in_id: shipped_in_id}
    for column, value in filters.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if prototype_id is not None:  # ideas carried forward into a newer version are listed under it too
        carried = select(CarriedIdea.idea_id).where(CarriedIdea.prototype_id == prototype_id)
        stmt = stmt.where(or_(Idea.prototype_id == prototype_id, Idea.id.in_(carried)))
    if tag_id is not None:
        stmt = stmt.where(Idea.id.in_(select(idea_tag.c.idea_id).where(idea_tag.c.tag_id == tag_id)))
    return visible_ideas(stmt, viewer).order_by(*SORTS[parse_sort(sort)][1])


# Built once (it runs on every signed-in page): building and keying a statement costs more than running this one.
_VOTED = select(Vote.idea_id).where(Vote.user_id == bindparam("user_id"),
                                    Vote.idea_id.in_(bindparam("idea_ids", expanding=True)))


# Whether the person `me` voted for the idea of the row: a column an idea page reads with the idea (know_votes).
VOTED_COLUMN = exists().where(Vote.idea_id == Idea.id, Vote.user_id == bindparam("me")).label("voted")


def know_votes(user_id: int, answers: dict[int, bool]) -> None:
    """Whether `user_id` voted for these ideas, read already in this request: voted_idea_ids asks no more."""
    known_for, known = getattr(g, "known_votes", (None, {}))
    g.known_votes = (user_id, {**known, **answers} if known_for == user_id else dict(answers))


def voted_idea_ids(user: Any, idea_ids: list[int]) -> set[int]:
    """Which of these ideas the user has voted for, in one query (none when this request knows already)."""
    if not getattr(user, "is_authenticated", False) or not idea_ids:
        return set()
    known_for, known = getattr(g, "known_votes", (None, {})) if has_request_context() else (None, {})
    if known_for == user.id and all(idea_id in known for idea_id in idea_ids):
        return {idea_id for idea_id in idea_ids if known[idea_id]}
    return set(db.session.scalars(_VOTED, {"user_id": user.id, "idea_ids": list(idea_ids)}))


def merged_duplicates(idea_id: int, viewer: Any) -> list[Idea]:
    """Ideas merged into this one that the viewer may see (a hidden duplicate stays hidden)."""
    duplicates = db.session.scalars(select(Idea).where(Idea.merged_into_id == idea_id).order_by(Idea.id))
    return [d for d in duplicates if can_view_idea(viewer, d)]


@dataclass
class TimelineEntry:
    """One item of an idea's public history: a comment thread or a status change."""

    at: datetime
    comment: Comment | None = None
    replies: list[Comment] = field(default_factory=list)
    change: StatusChange | None = None
    merged_from: Idea | None = None


def timeline(idea: Idea, viewer: Any, merged: list[Idea] | None = None) -> list[TimelineEntry]:
    """Comment threads (with those of merged duplicates) and status changes, oldest first.

    `merged` is merged_duplicates(idea.id, viewer) when the caller has read it already.
    """
    return timeline_and_commenters(idea, viewer, merged)[0]


def timeline_and_commenters(idea: Idea, viewer: Any,
                            merged: list[Idea] | None = None) -> tuple[list[TimelineEntry], set[int]]:
    """`timeline()`, and everyone who commented, whatever became of the comment (from the same rows)."""
    # A hidden (or held) duplicate takes its comments with it, for everyone who may not see it.
    duplicates = {d.id: d for d in (merged_duplicates(idea.id, viewer) if merged is None else merged)}
    comments = db.session.scalars(
        select(Comment).options(joinedload(Comment.author))
        .where(Comment.idea_id.in_([idea.id, *duplicates])).order_by(Comment.created_at, Comment.id)
    ).all()
    replies: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id is not None and can_view_comment(viewer, comment):
            replies[comment.parent_id].append(comment)
    # An opener the viewer may not see still holds its visible replies; the page shows it as a placeholder.
    entries = [TimelineEntry(at=c.created_at, comment=c, replies=replies[c.id], merged_from=duplicates.get(c.idea_id))
               for c in comments if c.parent_id is None and (can_view_comment(viewer, c) or replies[c.id])]
    changes = db.session.scalars(
        select(StatusChange).options(joinedload(StatusChange.actor), joinedload(StatusChange.to_status),
                                     joinedload(StatusChange.from_status), joinedload(StatusChange.shipped_in))
        .where(StatusChange.idea_id == idea.id)
    )
    entries += [TimelineEntry(at=change.created_at, change=change) for change in changes]
    return sorted(entries, key=lambda e: e.at), {c.author_id for c in comments}


def comments_by(author_id: int, viewer: Any, limit: int = 20) -> list[Any]:
    """A person's latest comments the viewer may see, with the idea each belongs to."""
    stmt = (select(Comment, Idea).join(Idea, Idea.id == Comment.idea_id)
            .where(Comment.author_id == author_id, Comment.deleted_at.is_(None)))
    if not is_team(viewer):
        stmt = stmt.where(Idea.hidden_at.is_(None), Comment.hidden_at.is_(None))
        if getattr(viewer, "id", None) != author_id:
            stmt = stmt.where(Idea.pending_approval.is_(False), Comment.pending_approval.is_(False))
    return list(db.session.execute(stmt.order_by(Comment.created_at.desc()).limit(limit)).all())


def merge_candidates(idea: Idea, query: str, limit: int = 10) -> list[Idea]:
    """Ideas of the same product whose title matches, or the one with that number, to merge `idea` into."""
    query = query.strip().lstrip("#")[:100]
    stmt = select(Idea).where(Idea.product_id == idea.product_id, Idea.id != idea.id, Idea.merged_into_id.is_(None))
    if query.isascii() and query.isdigit() and len(query) < 10:
        stmt = stmt.where(Idea.id == int(query))
    else:
        like = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(func.lower(Idea.title).like(like, escape="\\"))
    return list(db.session.scalars(stmt.order_by(Idea.vote_count.desc(), Idea.id).limit(limit)))


def idea_counts_by_prototype(product_id: int, viewer: Any) -> dict[int, int]:
    """How many ideas of each of a product's prototypes the viewer can see, in one grouped query.

    The counts are kept until the next write: what a viewer sees depends only on being team, or on being the
    author of ideas held for approval, so the key names the team, the person, or everyone else.
    """
    stmt = visible_ideas(select(Idea.prototype_id, func.count()).where(Idea.product_id == product_id), viewer)
    who = "team" if is_team(viewer) else getattr(viewer, "id", None) or "public"
    return remember(f"idea-counts:{product_id}:{who}",
                    lambda: dict(db.session.execute(stmt.group_by(Idea.prototype_id)).all()))
