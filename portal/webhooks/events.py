"""Webhook events, written as outbox rows inside the transaction of the change they describe.

Services call these next to their notification events, before they commit: the change and its deliveries are
stored together or not at all, and the worker sends them after commit. With no endpoint listening, an event costs
one small query.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.core.text import slugify
from portal.core.urls import external_url
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.triage.models import Status, StatusChange
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _person(user: User | None) -> dict[str, Any] | None:
    return {"id": user.id, "name": user.display_name} if user is not None else None


def _status(status: Any) -> dict[str, Any] | None:
    return {"id": status.id, "name": status.name, "kind": status.kind} if status is not None else None


def idea_url(idea: Idea) -> str:
    return external_url("ideas.show", idea_id=idea.id, slug=slugify(idea.title) or "idea")


def idea_data(idea: Idea) -> dict[str, Any]:
    """An idea as receivers see it: what anyone may read on its page (public tags only, no internal notes)."""
    return {
        "id": idea.id,
        "title": idea.title,
        "description": idea.body,
        "url": idea_url(idea),
        "status": _status(idea.status),
        "product": {"id": idea.product.id, "name": idea.product.name, "slug": idea.product.slug},
        "prototype": {"id": idea.prototype.id, "name": idea.prototype.name, "slug": idea.prototype.slug},
        "author": _person(idea.author),
        "votes": idea.vote_count,
        "comments": idea.comment_count,
        "tags": [tag.name for tag in idea.tags if not tag.internal],
        "created_at": _iso(idea.created_at),
        "edited_at": _iso(idea.edited_at),
    }


# Whether any integration listens at all: a column a hot write reads beside what it locks anyway, so that with
# no webhooks (most installations) it needs no statement of its own to find no one to tell.
ANYONE_LISTENING = exists().where(WebhookEndpoint.active.is_(True))


def _endpoints_for(event: WebhookEvent) -> list[WebhookEndpoint]:
    active = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))
                                .order_by(WebhookEndpoint.id))
    return [endpoint for endpoint in active if endpoint.wants(event.value)]


def envelope(uid: str, event: str, data: dict[str, Any], at: datetime) -> str:
    """The JSON body: the delivery's id (the same on every retry), the event's type and time, and its data."""
    return json.dumps({"id": uid, "type": event, "created_at": _iso(at), "data": data}, ensure_ascii=False,
                      separators=(",", ":"), sort_keys=False)


def new_uid() -> str:
    return "evt_" + uuid.uuid4().hex


def emit(event: WebhookEvent, data: Callable[[], dict[str, Any]], idea: Idea | None = None) -> list[WebhookDelivery]:
    """Queue one delivery per active endpoint subscribed to `event`; `data` is only built when someone listens.

    Nothing is sent about an idea the public can't see (hidden, or held for approval): integrations often post
    into shared channels, and the approval or restoring is what makes it news."""
    if idea is not None and (idea.hidden_at is not None or idea.pending_approval):
        return []
    endpoints = _endpoints_for(event)
    if not endpoints:
        return []
    now = utcnow()
    body = data()
    made = []
    for endpoint in endpoints:
        uid = new_uid()
        delivery = WebhookDelivery(uid=uid, endpoint_id=endpoint.id, event=event.value,
                                   payload=envelope(uid, event.value, body, now), next_attempt_at=now, created_at=now)
        db.session.add(delivery)
        made.append(delivery)
    return made


# --- the events, one function per kind, called by the services ------------------------------------------------

def _fresh(idea: Idea) -> Idea:
    db.session.flush()  # counters moved by SQL expressions must be read back before they are described
    db.session.refresh(idea, ["vote_count", "comment_count", "status"])
    return idea


def idea_created(idea: Idea) -> None:
    emit(WebhookEvent.IDEA_CREATED, lambda: {"idea": idea_data(_fresh(idea))}, idea)


def idea_updated(actor: User, idea: Idea) -> None:
    emit(WebhookEvent.IDEA_UPDATED, lambda: {"idea": idea_data(_fresh(idea)), "actor": _person(actor)}, idea)


def idea_status_changed(actor: User, idea: Idea, change: StatusChange) -> None:
    """A move to another status (a note without a move is not one), with the public note that came with it."""
    if change.from_status_id == change.to_status_id:
        return
    emit(WebhookEvent.IDEA_STATUS_CHANGED, lambda: {
        "idea": idea_data(_fresh(idea)), "from_status": _status(db.session.get(Status, change.from_status_id))
        if change.from_status_id else None, "to_status": _status(db.session.get(Status, change.to_status_id)),
        "note": change.note, "actor": _person(actor)}, idea)


def idea_merged(actor: User, duplicate: Idea, original: Idea) -> None:
    emit(WebhookEvent.IDEA_MERGED, lambda: {
        "idea": idea_data(_fresh(duplicate)), "merged_into": idea_data(_fresh(original)), "actor": _person(actor)},
        original)


def comment_created(idea: Idea, comment: Comment) -> None:
    def data() -> dict[str, Any]:
        return {"comment": {"id": comment.id, "body": comment.body, "author": _person(comment.author),
                            "parent_id": comment.parent_id, "created_at": _iso(comment.created_at),
                            "url": f"{idea_url(idea)}#comment-{comment.id}"},
                "idea": idea_data(_fresh(idea))}
    emit(WebhookEvent.COMMENT_CREATED, data, idea)


def vote_changed(voter: User, idea: Idea, *, added: bool, on_behalf: bool = False) -> None:
    event = WebhookEvent.VOTE_CREATED if added else WebhookEvent.VOTE_REMOVED
    emit(event, lambda: {"idea": idea_data(_fresh(idea)), "voter": _person(voter), "on_behalf": on_behalf}, idea)
