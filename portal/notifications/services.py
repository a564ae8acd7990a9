"""Writes a person makes on their own notifications: settings, unsubscribing, marking things read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import update

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.errors import NotFound
from portal.extensions import db
from portal.notifications.models import Delivery, Event, Notification
from portal.notifications.preferences import save_preferences, turn_off
from portal.notifications.tokens import Unsubscribe


def save_settings(user: User, choices: Mapping[Event, Delivery], auto_follow: bool) -> None:
    """Store the email choices and the automatic-following switch together, in one transaction."""
    # save_preferences commits, so the switch is written first and committed with the choices.
    db.session.execute(update(User).where(User.id == user.id).values(auto_follow=auto_follow))
    save_preferences(user, choices)


@dataclass(frozen=True)
class UnsubscribeResult:
    user: User | None
    request: Unsubscribe


def unsubscribe(request: Unsubscribe) -> UnsubscribeResult:
    """Turn email off for what a verified token names; an account deleted since is simply nothing to do."""
    user = db.session.get(User, request.user_id)
    if user is not None:
        turn_off(user.id, request.events)
    return UnsubscribeResult(user, request)


def mark_read(user: User, notification_id: int) -> None:
    """Mark one of the person's own notifications read; anyone else's is not found."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound()
    if note.read_at is None:
        note.read_at = utcnow()
    db.session.commit()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the person read; answer how many were unread."""
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    return result.rowcount or 0
