"""Ideas, the votes on them and the comments under them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db
from portal.prototypes.models import Product, Prototype

TITLE_MIN, TITLE_MAX = 4, 120
BODY_MAX = 10_000
COMMENT_MAX = 5_000


# The stored column behind each list order (portal.ideas.queries.SORTS).
LIST_ORDERS = {"top": "vote_count", "trending": "trending_score", "new": "created_at", "discussed": "comment_count"}
# What every list filters on, for the partial indexes: merged duplicates and hidden ideas are never listed.
LISTED = "merged_into_id IS NULL AND hidden_at IS NULL"


def _listed_index(name: str, *columns: str) -> Index:
    return Index(name, *columns, postgresql_where=text(LISTED), sqlite_where=text(LISTED))


class Idea(db.Model):
    __tablename__ = "idea"
    __table_args__ = (
        # One index per list order of a product and a prototype, with the id tiebreak, over the ideas lists show:
        # a page is a short walk down an index, never a sort of every idea (scanned backwards for DESC).
        *(_listed_index(f"ix_idea_{scope}_{name}", f"{scope}_id", column, "id")
          for scope in ("product", "prototype") for name, column in LIST_ORDERS.items()),
        # The triage inbox reads New ideas, then the rest, oldest first.
        Index("ix_idea_status_created", "status_id", "created_at", "id"),
        Index("ix_idea_created", "created_at", "id"),
        # The roadmap's columns (by votes) and the changelog (newest shipped first).
        Index("ix_idea_status_votes", "status_id", "vote_count", "id"),
        Index("ix_idea_status_shipped", "status_id", "shipped_at", "id"),
        # Only merged duplicates: an index over every idea's NULL here made SQLite's planner (without statistics)
        # walk all of them for "merged_into_id IS NULL" instead of the list's own index.
        Index("ix_idea_merged_into_id", "merged_into_id", postgresql_where=text("merged_into_id IS NOT NULL"),
              sqlite_where=text("merged_into_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Denormalised from the prototype so a product's list is one indexed range, not a join.
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototype.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(String(300), default="")
    vote_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    # Sum of 2**(age of each vote/comment in half-lives since an epoch): comparing sums ranks by
    # recent activity with exponential decay, without ever recomputing old rows.
    trending_score: Mapped[float] = mapped_column(Float(precision=53), default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Triage and moderation state.
    status_id: Mapped[int] = mapped_column(ForeignKey("status.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    shipped_in_id: Mapped[int | None] = mapped_column(ForeignKey("prototype.id", ondelete="SET NULL"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("idea.id", ondelete="SET NULL"))
    comments_locked: Mapped[bool] = mapped_column(default=False)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(200), default="")
    pending_approval: Mapped[bool] = mapped_column(default=False)
    # When it last moved into (or was noted in) a done status; kept by set_status for the changelog and roadmap.
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    product: Mapped[Product] = relationship()
    prototype: Mapped[Prototype] = relationship(foreign_keys=[prototype_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    status = relationship("Status")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    shipped_in: Mapped[Prototype | None] = relationship(foreign_keys=[shipped_in_id])
    tags = relationship("Tag", secondary="idea_tag", order_by="Tag.name")
    merged_into: Mapped[Idea | None] = relationship(remote_side="Idea.id", foreign_keys=[merged_into_id])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Vote(db.Model):
    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set while a merge has moved this vote from a duplicate, so undoing the merge can move it back.
    moved_from_idea_id: Mapped[int | None] = mapped_column(ForeignKey("idea.id", ondelete="SET NULL"), index=True)
    # A vote recorded by a team member for feedback given elsewhere; shown to the team only.
    on_behalf_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Comment(db.Model):
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(200), default="")
    pending_approval: Mapped[bool] = mapped_column(default=False)

    author: Mapped[User] = relationship()

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
