"""News about a person's network, written in the transaction of the change: under the bell and by email."""

from __future__ import annotations

from flask import current_app

from portal.accounts.models import User
from portal.core.urls import external_url
from portal.extensions import db
from portal.notifications.models import Delivery, Event, Notification
from portal.notifications.outbox import enqueue
from portal.notifications.preferences import deliveries
from portal.notifications.text import headline, one_line


def tell(event: Event, person: User, *, actor: User | None, about: str = "", excerpt: str = "",
         link: str | None = None) -> None:
    """Tell one person about a network event, as their notification settings say; `link` overrides its page."""
    if person.is_banned or person.is_contact or (actor is not None and actor.id == person.id):
        return
    delivery = deliveries([person.id])[person.id][event]
    db.session.add(Notification(user_id=person.id, event=event.value, actor_id=actor.id if actor else None,
                                about=one_line(about, 200), excerpt=excerpt, delivery=delivery.value))
    if delivery is Delivery.INSTANT:
        title = headline(event, actor=actor.display_name if actor else None, title="", about=about)
        enqueue(person, event.value, title, event.email_template, unsubscribe_event=event, event=event,
                headline=title, excerpt=excerpt, link=link or external_url(event.people_page), idea=None, actor=actor,
                about=about, site=current_app.config["SITE_NAME"])
