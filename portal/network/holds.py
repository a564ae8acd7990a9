"""A new account's connection requests wait, unseen, until it has contributed something others can see."""

from __future__ import annotations

from sqlalchemy import exists, or_, select, update

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
    """The person just contributed something others see: their held requests reach their addressees.

    Called by the services that publish an idea or a comment, inside their transaction; one UPDATE when
    nothing is held, which is nearly always."""
    released = db.session.execute(
        update(Connection).where(Connection.requester_id == user.id, Connection.status == ConnectionStatus.HELD.value)
        .values(status=ConnectionStatus.PENDING.value).returning(Connection.addressee_id, Connection.message)).all()
    for addressee_id, message in released:
        tell(Event.CONNECTION_REQUEST, db.session.get(User, addressee_id), actor=user, excerpt=message)
    return len(released)
