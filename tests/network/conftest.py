"""Helpers for network tests: people who have already contributed, and reading what someone was told."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.notifications.models import Notification
from tests.factories import make_idea, make_user


def contributor(role: str = "customer", **kwargs) -> User:
    """A person with a posted idea, so their requests are not held."""
    user = make_user(role, **kwargs)
    make_idea(author=user)
    return db.session.get(User, user.id)


def told(user: User) -> list[str]:
    return list(db.session.scalars(select(Notification.event).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))
