"""Triage: statuses with a kind and a history, tags, internal notes and duplicate merges."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db


class StatusKind(enum.StrEnum):
    OPEN = "open"
    PLANNED = "planned"
    ACTIVE = "active"
    DONE = "done"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "Open", "planned": "Planned", "active": "In progress", "done": "Done",
                "closed": "Closed"}[self.value]

    @property
    def freezes_voting(self) -> bool:
        return self in (StatusKind.DONE, StatusKind.CLOSED)


class Status(db.Model):
    __tablename__ = "status"
    __table_args__ = (
        CheckConstraint("kind IN ('open', 'planned', 'active', 'done', 'closed')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#64748b")
    kind: Mapped[str] = mapped_column(String(10), default=StatusKind.OPEN.value)
    position: Mapped[int] = mapped_column(default=0)
    # The status every new idea starts in ("New"); exactly one status has it.
    is_initial: Mapped[bool] = mapped_column(default=False)
    # The status a merge gives duplicates ("Duplicate"), found by this flag so renaming it changes nothing.
    is_duplicate: Mapped[bool] = mapped_column(default=False)
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_enum(self) -> StatusKind:
        return StatusKind(self.kind)


class StatusChange(db.Model):
    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    from_status_id: Mapped[int | None] = mapped_column(ForeignKey("status.id"))
    to_status_id: Mapped[int] = mapped_column(ForeignKey("status.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    note_html: Mapped[str] = mapped_column(Text, default="")
    shipped_in_id: Mapped[int | None] = mapped_column(ForeignKey("prototype.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()
    from_status: Mapped[Status | None] = relationship(foreign_keys=[from_status_id])
    to_status: Mapped[Status] = relationship(foreign_keys=[to_status_id])
    shipped_in = relationship("Prototype")


idea_tag = Table(
    "idea_tag",
    db.metadata,
    Column("idea_id", ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#2454d6")
    # Internal tags are for the team only: never shown to customers or anonymous visitors.
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InternalNote(db.Model):
    __tablename__ = "internal_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()


class Merge(db.Model):
    """A duplicate merged into an original; kept after an undo so the history stays readable."""

    __tablename__ = "merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    duplicate_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
