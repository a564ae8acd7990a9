"""Reads for the webhook pages: endpoints with their delivery counts, one endpoint's log, one delivery's attempts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from portal.errors import NotFound
from portal.extensions import db
from portal.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

RETRYING = "retrying"
STATES = ("queued", RETRYING, "sending", "sent", "failed")


@dataclass(frozen=True)
class EndpointRow:
    endpoint: WebhookEndpoint
    counts: dict[str, int]


def _state():
    return case((WebhookDelivery.status == DeliveryStatus.QUEUED.value,
                 case((WebhookDelivery.attempts > 0, RETRYING), else_="queued")), else_=WebhookDelivery.status)


def delivery_counts(endpoint_id: int | None = None) -> dict[int, dict[str, int]]:
    """Deliveries per endpoint and state in one GROUP BY ("queued" never tried, "retrying" tried and waiting)."""
    state = _state()
    stmt = select(WebhookDelivery.endpoint_id, state, func.count()).group_by(WebhookDelivery.endpoint_id, state)
    if endpoint_id is not None:
        stmt = stmt.where(WebhookDelivery.endpoint_id == endpoint_id)
    counts: dict[int, dict[str, int]] = {}
    for owner, name, count in db.session.execute(stmt):
        counts.setdefault(owner, dict.fromkeys(STATES, 0))[name] = count
    return counts


def endpoint_rows() -> list[EndpointRow]:
    endpoints = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))
    counts = delivery_counts()
    return [EndpointRow(e, counts.get(e.id, dict.fromkeys(STATES, 0))) for e in endpoints]


def parse_state(raw: str | None) -> str | None:
    return raw if raw in STATES else None


def deliveries(endpoint_id: int, state: str | None = None) -> Select:
    """One endpoint's deliveries, newest first, optionally in one state."""
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id).order_by(
        WebhookDelivery.id.desc())
    if state == RETRYING:
        return stmt.where(WebhookDelivery.status == DeliveryStatus.QUEUED.value, WebhookDelivery.attempts > 0)
    if state == DeliveryStatus.QUEUED.value:
        return stmt.where(WebhookDelivery.status == state, WebhookDelivery.attempts == 0)
    return stmt.where(WebhookDelivery.status == state) if state else stmt


def delivery_with_attempts(delivery_id: int) -> WebhookDelivery:
    delivery = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                                 .options(selectinload(WebhookDelivery.attempt_log),
                                          selectinload(WebhookDelivery.endpoint)))
    if delivery is None:
        raise NotFound()
    return delivery


def can_redeliver(delivery: WebhookDelivery) -> bool:
    return delivery.status != DeliveryStatus.SENDING.value
