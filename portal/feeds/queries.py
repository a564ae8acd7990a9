"""Reads for the feeds: only what an anonymous visitor may see, newest first, capped."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Guest
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.queries import visible_ideas
from portal.triage.models import Status, StatusChange, StatusKind

FEED_LIMIT = 50


def public_idea(idea_id: int) -> Idea | None:
    """The idea when everyone may see it: not hidden, not held for approval, not merged into another."""
    return db.session.scalar(visible_ideas(select(Idea).where(Idea.id == idea_id), Guest()))


def new_ideas(*, product_id: int | None = None, prototype_id: int | None = None,
              limit: int = FEED_LIMIT) -> list[Idea]:
    stmt = select(Idea).options(joinedload(Idea.author), joinedload(Idea.prototype))
    if product_id is not None:
        stmt = stmt.where(Idea.product_id == product_id)
    if prototype_id is not None:
        stmt = stmt.where(Idea.prototype_id == prototype_id)
    stmt = visible_ideas(stmt, Guest()).order_by(Idea.created_at.desc(), Idea.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def status_changes(idea: Idea, limit: int = FEED_LIMIT) -> list[StatusChange]:
    """An idea's public status history (statuses and their notes are public), newest first."""
    stmt = (select(StatusChange)
            .options(joinedload(StatusChange.actor), joinedload(StatusChange.to_status),
                     joinedload(StatusChange.from_status), joinedload(StatusChange.shipped_in))
            .where(StatusChange.idea_id == idea.id)
            .order_by(StatusChange.created_at.desc(), StatusChange.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def shipped_ideas(*, product_id: int | None = None, limit: int = FEED_LIMIT) -> list[tuple[Idea, StatusChange]]:
    """Ideas now in a done status, each with the latest change that moved it (or noted it) there, newest first."""
    done = select(Status.id).where(Status.kind == StatusKind.DONE.value)
    latest = (select(func.max(StatusChange.id)).where(StatusChange.to_status_id.in_(done))
              .group_by(StatusChange.idea_id))
    stmt = (select(Idea, StatusChange).join(StatusChange, StatusChange.idea_id == Idea.id)
            .options(joinedload(Idea.author), joinedload(Idea.shipped_in), joinedload(StatusChange.to_status),
                     joinedload(StatusChange.shipped_in), joinedload(StatusChange.actor))
            .where(StatusChange.id.in_(latest), Idea.status_id.in_(done)))
    if product_id is not None:
        stmt = stmt.where(Idea.product_id == product_id)
    stmt = visible_ideas(stmt, Guest()).order_by(StatusChange.created_at.desc(), StatusChange.id.desc())
    return [(idea, change) for idea, change in db.session.execute(stmt.limit(limit)).unique().all()]
