"""What an import needs between the preview and the confirmation: the uploaded file and what became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db


class ImportBatch(db.Model):
    """An uploaded CSV of ideas kept between its preview and the admin's confirmation."""

    __tablename__ = "import_batch"
    __table_args__ = (CheckConstraint("status IN ('previewed', 'imported')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="previewed")
    row_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
