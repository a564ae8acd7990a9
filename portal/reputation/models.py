"""Helpful marks on comments, and each person's cached reputation total."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db


class HelpfulMark(db.Model):
    """A comment the idea's author or the team found helpful: one mark per comment, whoever gave it."""

    __tablename__ = "helpful_mark"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    marked_by: Mapped[User | None] = relationship()


class ReputationTotal(db.Model):
    """A cache of each person's points for sorting lists; the records are the truth (`flask reputation
    recompute` rebuilds it exactly)."""

    __tablename__ = "reputation_total"
    __table_args__ = (Index("ix_reputation_total_points", "points"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    points: Mapped[int] = mapped_column(default=0)
    # The person's votes the votes rule counts, past its cap too: a vote moves the total by comparing this count
    # with the cap, where counting them (a prolific author's are mostly on their own ideas) took milliseconds.
    votes_counted: Mapped[int] = mapped_column(default=0, server_default="0")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
