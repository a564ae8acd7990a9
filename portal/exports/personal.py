"""What the portal holds about one person, as JSON they download from their settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.notifications.models import Follow, Notification, NotificationPreference
from portal.webhooks.events import idea_url

# Secrets and internal bookkeeping, never part of a person's copy of their data.
_NOT_EXPORTED = {"password_hash", "session_version"}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _account(user: User) -> dict[str, Any]:
    return {column.key: _plain(getattr(user, column.key)) for column in User.__table__.columns
            if column.key not in _NOT_EXPORTED}


def _ideas(user: User) -> list[dict[str, Any]]:
    ideas = db.session.scalars(select(Idea).where(Idea.author_id == user.id).order_by(Idea.id))
    return [{"id": i.id, "title": i.title, "description": i.body, "url": idea_url(i), "votes": i.vote_count,
             "created_at": _plain(i.created_at), "edited_at": _plain(i.edited_at)} for i in ideas]


def _comments(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Comment).where(Comment.author_id == user.id, Comment.deleted_at.is_(None))
                              .order_by(Comment.id))
    return [{"id": c.id, "idea_id": c.idea_id, "reply_to": c.parent_id, "body": c.body,
             "created_at": _plain(c.created_at), "edited_at": _plain(c.edited_at)} for c in rows]


def _votes(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(select(Vote.idea_id, Idea.title, Vote.created_at).join(Idea, Idea.id == Vote.idea_id)
                              .where(Vote.user_id == user.id).order_by(Vote.id))
    return [{"idea_id": idea_id, "idea_title": title, "created_at": _plain(at)} for idea_id, title, at in rows]


def _follows(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.idea_id))
    return [{"idea_id": f.idea_id, "since": _plain(f.created_at)} for f in rows]


def _settings(user: User) -> dict[str, str]:
    rows = db.session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    return {p.event: p.delivery for p in rows}


def _notifications(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [{"event": n.event, "idea_id": n.idea_id, "about": n.about, "excerpt": n.excerpt,
             "created_at": _plain(n.created_at), "read_at": _plain(n.read_at)} for n in rows]


def personal_data(user: User) -> dict[str, Any]:
    """The person's account, ideas, comments, votes, follows, notification settings and notifications."""
    return {
        "exported_at": utcnow().isoformat(),
        "account": _account(user),
        "ideas": _ideas(user),
        "comments": _comments(user),
        "votes": _votes(user),
        "follows": _follows(user),
        "notification_settings": _settings(user),
        "notifications": _notifications(user),
    }
