"""Personal API tokens: named, scoped, stored only as a SHA-256 hash of a high-entropy secret."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db


class Scope(enum.StrEnum):
    READ = "read"
    WRITE = "write"
    TRIAGE = "triage"

    @property
    def description(self) -> str:
        return {
            "read": "Read ideas, comments, products and your notifications",
            "write": "Post and edit ideas and comments, vote, manage products (if your role allows)",
            "triage": "Team work: statuses, tags, assignees, merges, hiding, voters and votes on behalf",
        }[self.value]


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    # Only the SHA-256 of the secret is kept: a leaked database gives no usable token. The secret has 256 bits
    # of entropy, so a fast unsalted hash is enough (nothing to brute-force, unlike a password).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the token, shown in the list so its owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[Scope]:
        return frozenset(Scope(s) for s in self.scopes.split() if s in Scope.__members__.values())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
