"""The content version: one row whose token changes with every committed write that can change a page."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class ContentVersion(db.Model):
    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random rather than a counter: emptied tables or a restored backup can never bring back an old value,
    # so a page cached under it can never be served again.
    token: Mapped[str] = mapped_column(String(32))
