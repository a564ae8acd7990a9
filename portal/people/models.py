"""People who chose to leave the directory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db


class DirectoryExit(db.Model):
    """Present while the person keeps out of /people, the leaderboards and people searches."""

    __tablename__ = "directory_exit"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    left_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
