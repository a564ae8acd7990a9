"""People who use the portal."""

from __future__ import annotations

from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db
from portal.permissions import Role


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (CheckConstraint("role IN ('customer', 'developer', 'designer', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index makes addresses unique case-insensitively on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.CUSTOMER.value, index=True)
    company: Mapped[str] = mapped_column(String(100), default="")
    job_title: Mapped[str] = mapped_column(String(100), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    show_website: Mapped[bool] = mapped_column(default=False)
    show_email: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A contact account is made by the team when recording a vote on someone's behalf; it has no usable
    # password until the person signs up with that email and so claims it.
    is_contact: Mapped[bool] = mapped_column(default=False)
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ban_reason: Mapped[str] = mapped_column(String(200), default="")
    # Posting, voting and commenting follow the idea unless the person turned that off.
    auto_follow: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to sign in inactive accounts
        return not self.is_banned and not self.is_contact

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_team(self) -> bool:
        return self.role_enum.is_team

    @property
    def initials(self) -> str:
        parts = self.display_name.split()
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class Guest(AnonymousUserMixin):
    """The signed-out visitor, so templates and rules never test for None."""

    id = None
    role = None
    display_name = "Guest"
    is_team = False
    is_banned = False
