"""Who follows what, what each person was told, how they want to hear it, and the mail waiting to go out."""

from __future__ import annotations

import enum
import re
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db


class Event(enum.StrEnum):
    """Everything a person can be told about; each has its own delivery preference."""

    STATUS_CHANGED = "status_changed"
    COMMENT = "comment"
    MERGED = "merged"
    REPLY = "reply"
    MENTION = "mention"
    NEW_IDEA = "new_idea"
    INTERNAL_NOTE = "internal_note"
    CONNECTION_REQUEST = "connection_request"
    CONNECTION_ACCEPTED = "connection_accepted"
    INTRODUCTION = "introduction"
    INVITEE_JOINED = "invitee_joined"
    COMMENT_HELPFUL = "comment_helpful"
    INTRODUCTION_ASKED = "introduction_asked"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]

    @property
    def team_only(self) -> bool:
        return self in (Event.NEW_IDEA, Event.INTERNAL_NOTE, Event.INTRODUCTION_ASKED)

    @property
    def about_people(self) -> bool:
        """About the person's network rather than an idea: links to their connections page."""
        return self in (Event.CONNECTION_REQUEST, Event.CONNECTION_ACCEPTED, Event.INTRODUCTION, Event.INVITEE_JOINED,
                        Event.INTRODUCTION_ASKED)

    @property
    def people_page(self) -> str:
        """The endpoint news about the person's network leads to."""
        if self is Event.INTRODUCTION_ASKED:
            return "network.introduce"
        return "invitations.index" if self is Event.INVITEE_JOINED else "network.connections"

    @property
    def email_template(self) -> str:
        """The template under templates/emails/ an instant email for this event is written with."""
        return EMAIL_TEMPLATES.get(self, "notification")


EVENT_LABELS = {
    Event.STATUS_CHANGED: "An idea I follow changes status",
    Event.COMMENT: "Someone comments on an idea I follow",
    Event.MERGED: "An idea I follow is merged into another",
    Event.REPLY: "Someone replies to my comment",
    Event.MENTION: "Someone mentions me",
    Event.NEW_IDEA: "A new idea arrives on a product I watch",
    Event.INTERNAL_NOTE: "A team member writes an internal note on an idea I follow",
    Event.CONNECTION_REQUEST: "Someone asks to connect with me",
    Event.CONNECTION_ACCEPTED: "Someone accepts my connection request",
    Event.INTRODUCTION: "A team member introduces me to someone",
    Event.INVITEE_JOINED: "Someone joins through my invitation",
    Event.COMMENT_HELPFUL: "My comment is marked helpful",
    Event.INTRODUCTION_ASKED: "Someone asks me to introduce them to a person",
}
EMAIL_TEMPLATES = {
    Event.INVITEE_JOINED: "notifications/invitee_joined",
    Event.COMMENT_HELPFUL: "notifications/comment_helpful",
    Event.INTRODUCTION_ASKED: "notifications/introduction_asked",
}


ASKED_ABOUT = re.compile(r"\(#(\d{1,9})\)$")


def introduction_ask_args(note: Notification) -> dict[str, str | int]:
    """The introduction form's prefill for a host told of an ask: `about` ends with the other person's "(#id)"."""
    match = ASKED_ABOUT.search(note.about or "")
    args: dict[str, str | int] = {"first": note.actor_id} if note.actor_id else {}
    if match:
        args["second"] = int(match.group(1))
    if note.excerpt:
        args["note"] = note.excerpt
    return args


class Delivery(enum.StrEnum):
    INSTANT = "instant"
    DIGEST = "digest"
    OFF = "off"

    @property
    def label(self) -> str:
        return {"instant": "Email right away", "digest": "In the daily digest", "off": "No email"}[self.value]


# Comments on followed ideas can be many, so they wait for the digest unless a person asks otherwise; thanks
# for a helpful comment is good news that asks for nothing, so it waits for the digest too.
DEFAULT_DELIVERY = {event: Delivery.INSTANT for event in Event} | {Event.COMMENT: Delivery.DIGEST,
                                                                   Event.COMMENT_HELPFUL: Delivery.DIGEST}


class Follow(db.Model):
    __tablename__ = "follow"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductWatch(db.Model):
    """A team member who hears about every new idea on a product."""

    __tablename__ = "product_watch"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationPreference(db.Model):
    """A person's choice for one event; events without a row use DEFAULT_DELIVERY."""

    __tablename__ = "notification_preference"
    __table_args__ = (CheckConstraint("delivery IN ('instant', 'digest', 'off')", name="delivery"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    event: Mapped[str] = mapped_column(String(30), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10))


class Notification(db.Model):
    """One thing one person was told, shown under the bell; `delivery` says what happens by email."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_id_id", "user_id", "id"),
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_digest", "delivery", "digested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    # What the event said when it happened, kept as text so the notification reads the same after a status
    # is renamed or a comment edited: `about` is the new status or the idea merged into, `excerpt` the words.
    about: Mapped[str] = mapped_column(String(200), default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")
    delivery: Mapped[str] = mapped_column(String(10), default=Delivery.OFF.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    idea = relationship("Idea")
    comment = relationship("Comment")

    @property
    def event_enum(self) -> Event:
        return Event(self.event)


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    """An email written in the same transaction as its cause and sent by a worker after commit."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(100), default="")
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt_log: Mapped[list[OutboxAttempt]] = relationship(
        back_populates="message", order_by="OutboxAttempt.id", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_retrying(self) -> bool:
        return self.status == MessageStatus.QUEUED.value and self.attempts > 0


class OutboxAttempt(db.Model):
    """One try at sending a message: when, by which worker, and what the mail server said."""

    __tablename__ = "outbox_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    worker: Mapped[str] = mapped_column(String(100), default="")
    ok: Mapped[bool] = mapped_column(default=False)
    response: Mapped[str] = mapped_column(Text, default="")

    message: Mapped[OutboxMessage] = relationship(back_populates="attempt_log")
