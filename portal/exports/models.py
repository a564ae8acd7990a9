"""What an import needs between the preview and the confirmation, and while it runs: the uploaded file, how far
the import has gone, and what became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import UTCDateTime, utcnow
from portal.extensions import db


class ImportBatch(db.Model):
    """An uploaded CSV of ideas kept between its preview and the admin's confirmation."""

    __tablename__ = "import_batch"
    __table_args__ = (CheckConstraint("status IN ('previewed', 'importing', 'imported')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="previewed")
    row_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    # Progress of an import written in chunks: the ideas ready when it started, and the last CSV line written
    # (every row up to it is in); a failed chunk leaves both as they were and says why in `error`.
    total_count: Mapped[int] = mapped_column(default=0, server_default="0")
    done_line: Mapped[int] = mapped_column(default=0, server_default="0")
    error: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
