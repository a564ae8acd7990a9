"""Marking comments helpful, and rebuilding the cached reputation totals from the records."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.notifications import events
from portal.permissions import can_mark_helpful, require
from portal.reputation.models import HelpfulMark, ReputationTotal
from portal.reputation.queries import counts_by_user
from portal.reputation.scoring import score
from portal.reputation.totals import refresh_totals


def set_helpful(actor: User, comment: Comment, helpful: bool) -> bool:
    """Mark (or unmark) a comment helpful as the idea's author or a team member; returns whether it is marked."""
    idea = db.session.get(Idea, comment.idea_id)
    require(idea is not None and can_mark_helpful(actor, idea, comment),
            "Only the idea's author and the team can mark comments helpful.")
    mark = db.session.get(HelpfulMark, comment.id)
    if helpful and mark is None:
        db.session.add(HelpfulMark(comment_id=comment.id, marked_by_id=actor.id))
    elif not helpful and mark is not None:
        db.session.delete(mark)
    else:
        return helpful
    try:
        db.session.flush()
    except IntegrityError:  # someone else marked it at the same moment: it is marked, as asked
        db.session.rollback()
        return True
    if helpful:
        events.comment_marked_helpful(actor, idea, comment)
    refresh_totals([comment.author_id])
    db.session.commit()
    return helpful


def helpful_comment_ids(comment_ids: Iterable[int]) -> set[int]:
    ids = list(comment_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(HelpfulMark.comment_id).where(HelpfulMark.comment_id.in_(ids))))


def _upsert(values: list[dict]) -> None:
    table = ReputationTotal.__table__
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(values)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={"points": stmt.excluded.points, "votes_counted": stmt.excluded.votes_counted,
              "computed_at": stmt.excluded.computed_at}))


def recompute_all(batch: int = 500) -> int:
    """Rebuild every cached total from the records (`flask reputation recompute`); returns people counted."""
    counts = counts_by_user()
    now = utcnow()
    rows = [{"user_id": user_id, "points": score(c).total, "votes_counted": c.get("votes", 0), "computed_at": now}
            for user_id, c in counts.items()]
    db.session.execute(delete(ReputationTotal).where(ReputationTotal.user_id.not_in(list(counts) or [0])))
    for start in range(0, len(rows), batch):
        _upsert(rows[start:start + batch])
    db.session.commit()
    return len(rows)
