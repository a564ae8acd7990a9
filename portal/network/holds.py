"""A new account's connection requests wait, unseen, until it has contributed something others can see."""

from __future__ import annotations

from sqlalchemy import exists, or_, select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.network.events import tell
from portal.network.models import Connection, ConnectionStatus
from portal.notifications.models import Event


def has_contributed(user: User) -> bool:
    """An idea or comment others can see: until then a new account's requests wait."""
    idea = exists().where(Idea.author_id == user.id, Idea.hidden_at.is_(None), Idea.pending_approval.is_(False))
    comment = exists().where(Comment.author_id == user.id, Comment.hidden_at.is_(None),
                             Comment.deleted_at.is_(None), Comment.pending_approval.is_(False))
    return bool(db.session.scalar(select(or_(idea, comment))))


def release_held_requests(user: User) -> int:
    """Once a new account has contributed, its held requests reach their addressees (flushes; no commit)."""
    if not has_contributed(user):
        return 0
    rows = db.session.scalars(select(Connection).where(
        Connection.requester_id == user.id, Connection.status == ConnectionStatus.HELD.value).with_for_update()).all()
    for row in rows:
        row.status = ConnectionStatus.PENDING.value
        tell(Event.CONNECTION_REQUEST, row.addressee, actor=user, excerpt=row.message)
    db.session.flush()
    return len(rows)
