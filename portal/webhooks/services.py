"""Admins' writes on webhooks: endpoints, their secrets, redelivering, test pings, the private-address setting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import update

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.moderation.models import Setting
from portal.notifications.delivery import worker_name
from portal.permissions import can_manage_webhooks, require
from portal.webhooks.delivery import Outcome, post
from portal.webhooks.delivery import record as record_attempt
from portal.webhooks.destinations import (
    ALLOW_PRIVATE_KEY,
    UnsafeDestination,
    check_destination,
    check_url_shape,
    private_allowed,
)
from portal.webhooks.events import envelope, new_uid
from portal.webhooks.models import PING, DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from portal.webhooks.signing import new_secret

DESCRIPTION_MAX = 200


def _events(chosen: Iterable[str]) -> str:
    known = [event.value for event in WebhookEvent]
    picked = [name for name in known if name in set(chosen)]
    if not picked:
        raise ValidationError({"events": "Choose at least one event to send."})
    return " ".join(picked)


def _url(raw: str) -> str:
    """Shape and destination both: refused at save time as it would be at send time."""
    try:
        url = check_url_shape(raw)
        check_destination(url)
    except UnsafeDestination as exc:
        raise ValidationError({"url": str(exc)}) from exc
    return url


def get_endpoint(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound()
    return endpoint


def save_endpoint(actor: User, endpoint: WebhookEndpoint | None, *, url: str, description: str,
                  events: Iterable[str]) -> WebhookEndpoint:
    """Register an endpoint (endpoint=None; a secret is made for it) or change one's URL, description and events."""
    require(can_manage_webhooks(actor))
    fields, errors = {}, {}
    checks = (("url", lambda: _url(url)), ("events", lambda: _events(events)),
              ("description", lambda: clean_text(description, "description", max_len=DESCRIPTION_MAX)))
    for name, check in checks:  # every field's problem at once, not one per submission
        try:
            fields[name] = check()
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    before = None
    if endpoint is None:
        endpoint = WebhookEndpoint(secret=new_secret(), created_by_id=actor.id, active=True)
        db.session.add(endpoint)
    else:
        before = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    for key, value in fields.items():
        setattr(endpoint, key, value)
    endpoint.updated_at = utcnow()
    db.session.flush()
    record(actor, "webhook.create" if before is None else "webhook.edit", endpoint, fields["url"][:200],
           before=before, after=fields)
    db.session.commit()
    return endpoint


def delete_endpoint(actor: User, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint with its delivery log; nothing more is sent to it."""
    require(can_manage_webhooks(actor))
    record(actor, "webhook.delete", endpoint, endpoint.url[:200], before={"url": endpoint.url,
                                                                           "events": endpoint.events})
    db.session.delete(endpoint)
    db.session.commit()


def rotate_secret(actor: User, endpoint: WebhookEndpoint) -> str:
    """Give the endpoint a new signing secret at once; the old one stops working with the next attempt."""
    require(can_manage_webhooks(actor))
    endpoint.secret = new_secret()
    endpoint.updated_at = utcnow()
    record(actor, "webhook.rotate_secret", endpoint, endpoint.url[:200])
    db.session.commit()
    return endpoint.secret


def set_active(actor: User, endpoint: WebhookEndpoint, active: bool) -> None:
    """Enable (deliveries that waited are sent, the failure count starts again) or pause an endpoint."""
    require(can_manage_webhooks(actor))
    if active and not endpoint.active:
        try:
            check_destination(endpoint.url)
        except UnsafeDestination as exc:
            raise ValidationError({"url": f"{exc} Change the URL before enabling it."}) from exc
    before = {"active": endpoint.active}
    endpoint.active = active
    endpoint.failure_streak, endpoint.failing_since = 0, None
    endpoint.disabled_at = None if active else utcnow()
    endpoint.disabled_reason = "" if active else "Paused by an admin."
    record(actor, "webhook.enable" if active else "webhook.disable", endpoint, endpoint.url[:200],
           before=before, after={"active": active})
    db.session.commit()


def redeliver(actor: User, delivery_id: int) -> WebhookDelivery:
    """Queue a delivery again with the same id and body (receivers may dedupe on the id); sent on the next round."""
    require(can_manage_webhooks(actor))
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFound()
    if delivery.status == DeliveryStatus.SENDING.value:
        raise ValidationError({"delivery": "A worker is sending this delivery right now; wait for its answer."})
    # Conditional on the state just read, so a worker that claimed it meanwhile keeps it and nothing goes twice.
    done = db.session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery.id, WebhookDelivery.status == delivery.status,
                                      WebhookDelivery.attempts == delivery.attempts)
        .values(status=DeliveryStatus.QUEUED.value, next_attempt_at=utcnow()))
    if done.rowcount != 1:
        db.session.rollback()
        raise ValidationError({"delivery": "This delivery changed a moment ago; look at it again."})
    record(actor, "webhook.redeliver", delivery, f"{delivery.event} {delivery.uid}")
    db.session.commit()
    db.session.refresh(delivery)
    return delivery


@dataclass(frozen=True)
class PingResult:
    delivery: WebhookDelivery
    outcome: Outcome


def send_ping(actor: User, endpoint: WebhookEndpoint) -> PingResult:
    """Send a signed `ping` now, while the admin waits, and log it like any delivery (it is not retried)."""
    require(can_manage_webhooks(actor))
    now, worker, uid = utcnow(), worker_name(), new_uid()
    body = envelope(uid, PING, {"endpoint": {"id": endpoint.id, "url": endpoint.url},
                                "message": "A test ping from the webhooks page."}, now)
    delivery = WebhookDelivery(uid=uid, endpoint_id=endpoint.id, event=PING, payload=body,
                               status=DeliveryStatus.SENDING.value, claimed_at=now, claimed_by=worker,
                               next_attempt_at=now, created_at=now)
    db.session.add(delivery)
    record(actor, "webhook.ping", endpoint, endpoint.url[:200])
    db.session.commit()
    delivery_id, url, secret = delivery.id, endpoint.url, endpoint.secret
    outcome = post(url, secret, uid, PING, body.encode())
    record_attempt(delivery_id, worker, outcome)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery.status == DeliveryStatus.QUEUED.value:  # a ping is a question asked now, not a message to keep
        delivery.status = DeliveryStatus.FAILED.value
        db.session.commit()
    return PingResult(delivery=delivery, outcome=outcome)


def set_private_allowed(actor: User, allowed: bool) -> None:
    """The admin setting that lets endpoints on loopback and private networks be saved and called."""
    require(can_manage_webhooks(actor))
    before = {"allow_private": private_allowed()}
    setting = db.session.get(Setting, ALLOW_PRIVATE_KEY) or Setting(key=ALLOW_PRIVATE_KEY)
    setting.value = "1" if allowed else "0"
    db.session.add(setting)
    record(actor, "settings.webhooks_allow_private", setting, "on" if allowed else "off", before=before,
           after={"allow_private": allowed})
    db.session.commit()
