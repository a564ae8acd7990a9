"""Connections between people, the introductions team members make, blocks, and offer/need tags on profiles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db

MESSAGE_MAX = 300
NOTE_MAX = 500
TAG_MAX = 40


class ConnectionStatus(enum.StrEnum):
    # Sent by an account that has not contributed yet: invisible to the addressee until it does.
    HELD = "held"
    PENDING = "pending"
    ACCEPTED = "accepted"
    # Declining is silent: the requester still sees "request sent".
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Introduction(db.Model):
    """A team member (the host) introducing two people, with a note to both."""

    __tablename__ = "introduction"
    __table_args__ = (CheckConstraint("first_id <> second_id", name="two_people"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    host: Mapped[User | None] = relationship(foreign_keys=[host_id])
    first: Mapped[User] = relationship(foreign_keys=[first_id])
    second: Mapped[User] = relationship(foreign_keys=[second_id])


class Connection(db.Model):
    """One row per pair of people: a request, an introduction waiting for both, or an accepted connection.

    `low_user_id`/`high_user_id` are the pair in id order, so a unique constraint keeps A->B and B->A from
    both existing, on every database."""

    __tablename__ = "connection"
    __table_args__ = (
        UniqueConstraint("low_user_id", "high_user_id", name="uq_connection_pair"),
        CheckConstraint("requester_id <> addressee_id", name="two_people"),
        CheckConstraint("low_user_id < high_user_id", name="pair_order"),
        CheckConstraint("status IN ('held', 'pending', 'accepted', 'declined', 'withdrawn')", name="status"),
        Index("ix_connection_addressee_status", "addressee_id", "status"),
        Index("ix_connection_requester_requested", "requester_id", "requested_at"),
        Index("ix_connection_high_status", "high_user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    addressee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    low_user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    high_user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=ConnectionStatus.PENDING.value)
    message: Mapped[str] = mapped_column(String(MESSAGE_MAX), default="")
    introduction_id: Mapped[int | None] = mapped_column(ForeignKey("introduction.id", ondelete="SET NULL"),
                                                        index=True)
    # A plain request is wanted by its requester from the start; an introduction waits for both people.
    requester_accepted: Mapped[bool] = mapped_column(default=True)
    addressee_accepted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The latest time the requester asked: the daily cap counts these.
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept after a withdrawal, so asking again someone who declined stays silently declined.
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    addressee: Mapped[User] = relationship(foreign_keys=[addressee_id])
    introduction: Mapped[Introduction | None] = relationship()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        if self.requester_id is not None and self.addressee_id is not None:
            self.low_user_id, self.high_user_id = sorted((self.requester_id, self.addressee_id))

    @property
    def status_enum(self) -> ConnectionStatus:
        return ConnectionStatus(self.status)

    @property
    def is_accepted(self) -> bool:
        return self.status == ConnectionStatus.ACCEPTED.value

    def other_id(self, user_id: int) -> int:
        return self.addressee_id if user_id == self.requester_id else self.requester_id

    def accepted_by(self, user_id: int) -> bool:
        return self.requester_accepted if user_id == self.requester_id else self.addressee_accepted


class Block(db.Model):
    """The blocker sees nothing more from the blocked person: no requests, no introductions."""

    __tablename__ = "block"
    __table_args__ = (CheckConstraint("blocker_id <> blocked_id", name="two_people"),)

    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    blocked: Mapped[User] = relationship(foreign_keys=[blocked_id])


class TagKind(enum.StrEnum):
    OFFER = "offer"
    NEED = "need"


class ProfileTag(db.Model):
    """What a person can offer ("battery testing") or is looking for, one tag a row, stored lower-cased."""

    __tablename__ = "profile_tag"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "name", name="uq_profile_tag_user_kind_name"),
        CheckConstraint("kind IN ('offer', 'need')", name="kind"),
        Index("ix_profile_tag_kind_name", "kind", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(TAG_MAX))
    position: Mapped[int] = mapped_column(default=0)
