"""The daily digest: one email per person gathering the notifications they chose to hear about once a day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.events import note_link
from portal.notifications.models import Delivery, Event, Notification
from portal.notifications.outbox import enqueue
from portal.notifications.text import headline


def _waiting_users() -> list[int]:
    return list(db.session.scalars(
        select(Notification.user_id).where(Notification.delivery == Delivery.DIGEST.value,
                                           Notification.digested_at.is_(None)).distinct().order_by(Notification.user_id)
    ))


def _digest_for(user_id: int, now: datetime) -> int:
    # Taking the rows by marking them makes two digest runs at once send each item once.
    ids = db.session.scalars(
        update(Notification).where(Notification.user_id == user_id, Notification.delivery == Delivery.DIGEST.value,
                                   Notification.digested_at.is_(None))
        .values(digested_at=now).returning(Notification.id)
    ).all()
    user = db.session.get(User, user_id)
    if not ids or user is None:
        db.session.commit()
        return 0
    items = db.session.scalars(select(Notification).where(Notification.id.in_(ids)).order_by(Notification.id)).all()
    entries = [{
        "headline": headline(Event(n.event), actor=n.actor.display_name if n.actor else None,
                             title=n.idea.title if n.idea else "a deleted idea", about=n.about),
        "excerpt": n.excerpt, "link": note_link(n), "at": n.created_at,
    } for n in items]
    count = len(entries)
    enqueue(user, "digest", f"Your daily digest: {count} update{'s' if count != 1 else ''}", "digest",
            unsubscribe_event="all", entries=entries)
    db.session.commit()
    return 1


def send_digests(now: datetime | None = None) -> int:
    """Write each waiting person's digest into the outbox; answer how many digests were written."""
    now = now or utcnow()
    return sum(_digest_for(user_id, now) for user_id in _waiting_users())
