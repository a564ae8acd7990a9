"""Invitations sent by members to people not yet on the portal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db
from portal.prototypes.models import Prototype

NOTE_MAX = 500


class Invitation(db.Model):
    """One address invited by one member, optionally to one prototype; used once, by whoever signs up with it."""

    __tablename__ = "invitation"
    __table_args__ = (
        # The daily cap counts an inviter's recent invitations; the list shows them newest first.
        Index("ix_invitation_inviter_created", "inviter_id", "created_at"),
        Index("ix_invitation_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inviter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    prototype_id: Mapped[int | None] = mapped_column(ForeignKey("prototype.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Unique: a person is credited to one inviter, the one whose link they joined through.
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), unique=True)

    inviter: Mapped[User] = relationship(foreign_keys=[inviter_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    prototype: Mapped[Prototype | None] = relationship()

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None
