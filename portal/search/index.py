"""Keeping the full-text index in step with ideas and their public comments.

The index is one row per idea holding its title, its body and the text of its public comments (not deleted,
hidden or waiting for approval). Internal notes are never indexed. Whether an idea itself may be seen (hidden,
pending, merged) is decided when searching, so the team can still find what customers cannot.

Services call `reindex_idea` inside their own transaction; it only flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select, text

from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.markup import plain_text

# to_tsvector refuses documents over 1 MB; nobody searches the 200th page of a thread anyway.
COMMENTS_MAX = 200_000


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _public_comments(idea_id: int) -> str:
    bodies = db.session.scalars(
        select(Comment.body_html).where(Comment.idea_id == idea_id, Comment.deleted_at.is_(None),
                                        Comment.hidden_at.is_(None), Comment.pending_approval.is_(False))
        .order_by(Comment.id)
    )
    return "\n".join(plain_text(body) for body in bodies)[:COMMENTS_MAX]


def reindex_idea(idea_id: int) -> None:
    """Write one idea's row of the index again, or remove it when the idea is gone. Flushes, never commits."""
    db.session.flush()
    key = "rowid" if _dialect() == "sqlite" else "idea_id"
    db.session.execute(text(f"DELETE FROM idea_search WHERE {key} = :id"), {"id": idea_id})
    row = db.session.execute(select(Idea.title, Idea.body_html).where(Idea.id == idea_id)).first()
    if row is None:
        return
    # The words readers see, not the Markdown source: link targets and stripped markup are not searchable.
    db.session.execute(
        text(f"INSERT INTO idea_search ({key}, title, body, comments) VALUES (:id, :title, :body, :comments)"),
        {"id": idea_id, "title": row.title, "body": plain_text(row.body_html or ""),
         "comments": _public_comments(idea_id)},
    )


def index_new_comment(idea_id: int, body_html: str) -> None:
    """Add a new public comment's words to its idea's row in one statement (it is the newest, so it goes last)."""
    key = "rowid" if _dialect() == "sqlite" else "idea_id"
    updated = db.session.execute(
        text(f"UPDATE idea_search SET comments = substr(CASE WHEN comments = '' THEN :words "
             f"ELSE comments || :newline || :words END, 1, :most) WHERE {key} = :id"),
        {"id": idea_id, "words": plain_text(body_html), "newline": "\n", "most": COMMENTS_MAX},
    )
    if updated.rowcount == 0:  # no row yet (an index being rebuilt): write it whole
        reindex_idea(idea_id)


def reindex_ideas(idea_ids: Iterable[int]) -> None:
    for idea_id in sorted(set(idea_ids)):
        reindex_idea(idea_id)


def reindex_author(user_id: int) -> None:
    """Reindex every idea a person wrote or commented on (a ban hides or brings back their words)."""
    db.session.flush()
    commented = select(Comment.idea_id).where(Comment.author_id == user_id)
    reindex_ideas(db.session.scalars(select(Idea.id).where(or_(Idea.author_id == user_id, Idea.id.in_(commented)))))


def rebuild_index() -> int:
    """Empty the index and write every idea into it again; commits. Returns the number of ideas indexed."""
    db.session.execute(text("DELETE FROM idea_search"))
    ids = list(db.session.scalars(select(Idea.id).order_by(Idea.id)))
    reindex_ideas(ids)
    db.session.commit()
    return len(ids)
