"""Webhook endpoints the admins register, the deliveries queued for them, and every attempt at sending one."""

from __future__ import annotations

import enum
import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db


class WebhookEvent(enum.StrEnum):
    """What an endpoint can subscribe to; `ping` is only ever sent by "Send a test ping"."""

    IDEA_CREATED = "idea.created"
    IDEA_UPDATED = "idea.updated"
    IDEA_STATUS_CHANGED = "idea.status_changed"
    IDEA_MERGED = "idea.merged"
    COMMENT_CREATED = "comment.created"
    VOTE_CREATED = "vote.created"
    VOTE_REMOVED = "vote.removed"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    WebhookEvent.IDEA_CREATED: "A new idea is posted (or approved)",
    WebhookEvent.IDEA_UPDATED: "An idea's title or description is edited",
    WebhookEvent.IDEA_STATUS_CHANGED: "An idea moves to another status",
    WebhookEvent.IDEA_MERGED: "An idea is merged into another",
    WebhookEvent.COMMENT_CREATED: "A public comment is posted (or approved)",
    WebhookEvent.VOTE_CREATED: "Someone votes",
    WebhookEvent.VOTE_REMOVED: "Someone withdraws a vote",
}
PING = "ping"


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class WebhookEndpoint(db.Model):
    """A URL that hears about the events it subscribed to, signed with its own secret."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Space-separated event names: a handful of short words, read whole with the endpoint.
    events: Mapped[str] = mapped_column(String(500), default="")
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    # Failed attempts since the last success; reaching the limit disables the endpoint.
    failure_streak: Mapped[int] = mapped_column(default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_reason: Mapped[str] = mapped_column(String(300), default="")
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User | None] = relationship()

    @property
    def event_list(self) -> list[str]:
        return self.events.split()

    def wants(self, event: str) -> bool:
        return event in self.event_list


class WebhookDelivery(db.Model):
    """One event for one endpoint, written in the event's transaction; `uid` is the id receivers dedupe on."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_endpoint_id_id", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=DeliveryStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()
    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", order_by="WebhookAttempt.id", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_retrying(self) -> bool:
        return self.status == DeliveryStatus.QUEUED.value and self.attempts > 0

    @property
    def pretty_payload(self) -> str:
        """The body indented for reading; what is sent is the compact original, byte for byte."""
        try:
            return json.dumps(json.loads(self.payload), indent=2, ensure_ascii=False)
        except ValueError:
            return self.payload


class WebhookAttempt(db.Model):
    """One try at a delivery: when, the answer's status code, how long it took and how the answer began."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    worker: Mapped[str] = mapped_column(String(100), default="")
    ok: Mapped[bool] = mapped_column(default=False)
    status_code: Mapped[int | None] = mapped_column()
    duration_ms: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    response_start: Mapped[str] = mapped_column(Text, default="")

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")

