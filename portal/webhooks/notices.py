"""Telling the admins that an endpoint was disabled: under the bell and by email, in the worker's transaction."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.urls import external_url
from portal.extensions import db
from portal.notifications.models import Delivery, Notification
from portal.notifications.outbox import enqueue
from portal.permissions import Role, can_manage_webhooks
from portal.webhooks.models import WebhookEndpoint

NOTICE = "webhook_disabled"


def endpoint_disabled(endpoint: WebhookEndpoint) -> int:
    """Write a notification and an email for each admin; answer how many were told."""
    admins = db.session.scalars(select(User).where(User.role == Role.ADMIN.value, User.banned_at.is_(None))
                                .order_by(User.id))
    headline = f"Webhook endpoint {endpoint.url[:120]} was disabled"
    excerpt = (f"{endpoint.disabled_reason} Fix the receiver, then enable it again under Admin → Webhooks; "
               "deliveries still waiting are sent once it is enabled.")
    link = external_url("webhooks.show", endpoint_id=endpoint.id)
    told = 0
    for admin in admins:
        if not can_manage_webhooks(admin):
            continue
        db.session.add(Notification(user_id=admin.id, event=NOTICE, about=headline[:200], excerpt=excerpt,
                                    delivery=Delivery.INSTANT.value))
        enqueue(admin, NOTICE, headline, "webhook_disabled", headline=headline, excerpt=excerpt, link=link,
                endpoint=endpoint)
        told += 1
    return told
