"""People who use the portal."""

from __future__ import annotations

from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db
from portal.permissions import Role, Visibility

# Contact details, each with its own `<field>_visibility` column.
CONTACT_FIELDS = ("email", "phone", "website", "linkedin", "github", "mastodon")


class Shown:
    """What lists and avatars show of anyone with a `role` and a `display_name`: a User, or a cached snapshot of
    one (network.caring.Person)."""

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


class User(Shown, UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("role IN ('customer', 'developer', 'designer', 'admin')", name="role"),
        *(CheckConstraint(f"{field}_visibility IN ('me', 'connections', 'members', 'everyone')",
                          name=f"{field}_visibility") for field in CONTACT_FIELDS),
    )

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
    # The business card: where the person is, how to reach them, and who may see each contact detail
    # (a Visibility value; can_see_contact in permissions.py is the one rule that reads them).
    location: Mapped[str] = mapped_column(String(100), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    linkedin: Mapped[str] = mapped_column(String(300), default="", server_default="")
    github: Mapped[str] = mapped_column(String(300), default="", server_default="")
    mastodon: Mapped[str] = mapped_column(String(300), default="", server_default="")
    email_visibility: Mapped[str] = mapped_column(String(12), default=Visibility.ME.value, server_default="me")
    phone_visibility: Mapped[str] = mapped_column(String(12), default=Visibility.ME.value, server_default="me")
    website_visibility: Mapped[str] = mapped_column(String(12), default=Visibility.ME.value, server_default="me")
    linkedin_visibility: Mapped[str] = mapped_column(String(12), default=Visibility.ME.value, server_default="me")
    github_visibility: Mapped[str] = mapped_column(String(12), default=Visibility.ME.value, server_default="me")
    mastodon_visibility: Mapped[str] = mapped_column(String(12), default=Visibility.ME.value, server_default="me")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A contact account is made by the team when recording a vote on someone's behalf; it has no usable
    # password until the person signs up with that email and so claims it.
    is_contact: Mapped[bool] = mapped_column(default=False)
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ban_reason: Mapped[str] = mapped_column(String(200), default="")
    # Posting, voting and commenting follow the idea unless the person turned that off.
    auto_follow: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    # Part of every session and remember-me cookie (see get_id): raising it ends all of the account's sessions.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Set when the person opened a link sent to `email`; until then, where the site requires it, they only read.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        """Flask-Login's id, kept in the session and the remember-me cookie: a cookie from before the last
        version bump names an old version, and the user loader turns it away."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Sign the account out everywhere at their next request (inside the caller's transaction).

        A SQL expression, not `+= 1` in Python, so two bumps at once both count."""
        self.session_version = User.session_version + 1

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to sign in inactive accounts
        return not self.is_banned and not self.is_contact

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class SignInThrottle(db.Model):
    """Recent failed sign-ins for one email address or one client address, and the lock they earned.

    In the database, so every server process sees the same counts and a restart forgets nothing. The key is
    an HMAC of the address, not the address: people type passwords into the email field, and client
    addresses are personal data."""

    __tablename__ = "sign_in_throttle"
    __table_args__ = (CheckConstraint("scope IN ('account', 'address')", name="scope"),)

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After this the row means nothing any more: counting starts afresh and a purge may delete it.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Guest(AnonymousUserMixin):
    """The signed-out visitor, so templates and rules never test for None."""

    id = None
    role = None
    display_name = "Guest"
    is_team = False
    is_banned = False
