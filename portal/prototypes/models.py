"""Products and the prototypes people give feedback on."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db


class Stage(enum.StrEnum):
    CONCEPT = "concept"
    PROTOTYPE = "prototype"
    PILOT = "pilot"
    PRODUCTION = "production"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Product(db.Model):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    tagline: Mapped[str] = mapped_column(String(160), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    prototypes: Mapped[list[Prototype]] = relationship(
        back_populates="product", order_by="Prototype.created_at", passive_deletes=True
    )


class Prototype(db.Model):
    __tablename__ = "prototype"
    __table_args__ = (
        CheckConstraint("stage IN ('concept', 'prototype', 'pilot', 'production')", name="stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    version_label: Mapped[str] = mapped_column(String(40), default="")
    stage: Mapped[str] = mapped_column(String(20), default=Stage.CONCEPT.value)
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    demo_url: Mapped[str] = mapped_column(String(500), default="")
    cover_image: Mapped[str | None] = mapped_column(String(100))
    open_for_feedback: Mapped[bool] = mapped_column(default=True)
    idea_count: Mapped[int] = mapped_column(default=0)
    # The version this prototype was made from (screens, pins and carried ideas); see portal/screens.
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("prototype.id", ondelete="SET NULL"),
                                                            index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    product: Mapped[Product] = relationship(back_populates="prototypes")
    previous_version: Mapped[Prototype | None] = relationship(remote_side="Prototype.id")

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)
