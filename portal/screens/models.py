"""Screens of a prototype, pins on them, and ideas carried forward into a newer version of a prototype."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.prototypes.models import Prototype

CAPTION_MAX = 160
# Without JavaScript the screen is a form image input shown at this width at most (scrolling sideways on a phone),
# so the click's pixel coordinates it submits convert to fractions of the image exactly.
NOJS_WIDTH = 640


class Screen(db.Model):
    """An image of a prototype: a UI screenshot, or a photo or render of hardware from one angle."""

    __tablename__ = "screen"
    __table_args__ = (Index("ix_screen_prototype_position", "prototype_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototype.id", ondelete="CASCADE"))
    caption: Mapped[str] = mapped_column(String(CAPTION_MAX), default="")
    position: Mapped[int] = mapped_column(default=0)
    image: Mapped[str] = mapped_column(String(100))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    # A draft screen only the team sees (and pins on) until it is published.
    team_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The screen of the previous version this one was copied from when the version was made.
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("screen.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    prototype: Mapped[Prototype] = relationship()

    @property
    def label(self) -> str:
        return self.caption or f"Screen {self.position + 1}"

    @property
    def nojs_size(self) -> tuple[int, int]:
        width = min(self.width, NOJS_WIDTH)
        return width, max(1, round(self.height * width / self.width))


class Pin(db.Model):
    """A spot (w = h = 0) or a rectangle on a screen, as fractions of its width and height, holding an idea or
    a comment on one."""

    __tablename__ = "pin"
    __table_args__ = (
        CheckConstraint("x >= 0 AND x <= 1 AND y >= 0 AND y <= 1", name="inside"),
        CheckConstraint("w >= 0 AND h >= 0 AND x + w <= 1.000001 AND y + h <= 1.000001", name="size"),
        Index("ix_pin_screen_idea", "screen_id", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    screen_id: Mapped[int] = mapped_column(ForeignKey("screen.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    w: Mapped[float] = mapped_column(Float, default=0.0)
    h: Mapped[float] = mapped_column(Float, default=0.0)
    # Set when the screen's image was replaced after the pin was placed: its spot may no longer be right.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "Doesn't apply to this version": kept for the record, not shown on the image.
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("pin.id", ondelete="SET NULL"), index=True)
    addressed_in_id: Mapped[int | None] = mapped_column(ForeignKey("prototype.id", ondelete="SET NULL"), index=True)
    addressed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    screen: Mapped[Screen] = relationship()
    idea: Mapped[Idea] = relationship()
    comment: Mapped[Comment | None] = relationship()
    author: Mapped[User | None] = relationship()
    addressed_in: Mapped[Prototype | None] = relationship()

    @property
    def is_area(self) -> bool:
        return self.w > 0 and self.h > 0

    @property
    def center(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2


class CarriedIdea(db.Model):
    """An idea carried forward into a newer version: it keeps its votes and history and is listed there too."""

    __tablename__ = "carried_idea"

    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True)
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototype.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)
    carried_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    prototype: Mapped[Prototype] = relationship()
