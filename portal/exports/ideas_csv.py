"""The team's CSV of ideas, filtered exactly as the triage inbox is, with spreadsheet formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.ideas.models import Idea
from portal.permissions import can_see_author_emails
from portal.triage.inbox import InboxFilters, filtered_ideas
from portal.webhooks.events import idea_url

COLUMNS = ["id", "title", "description", "status", "tags", "votes", "comments", "product", "prototype",
           "author", "author_email", "assignee", "created_at", "edited_at", "url"]
# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500


def neutralise(value: str) -> str:
    """Prefix a would-be formula with an apostrophe, which spreadsheets show as text (OWASP's advice)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else ""


def idea_row(idea: Idea, viewer: Any) -> list[str]:
    """One idea as the CSV's cells (internal tags included: the export is for the team)."""
    return [
        str(idea.id), idea.title, idea.body, idea.status.name if idea.status else "",
        ", ".join(tag.name for tag in idea.tags), str(idea.vote_count), str(idea.comment_count),
        idea.product.name, idea.prototype.name, idea.author.display_name,
        idea.author.email if can_see_author_emails(viewer) else "",
        idea.assignee.display_name if idea.assignee else "", _when(idea.created_at), _when(idea.edited_at),
        idea_url(idea),
    ]


def _ideas(filters: InboxFilters, viewer: Any) -> Iterator[Idea]:
    """The inbox's ideas in its order, read in chunks so a large export never holds every row at once."""
    stmt = filtered_ideas(select(Idea), filters, viewer).order_by(Idea.created_at, Idea.id).options(
        selectinload(Idea.status), selectinload(Idea.tags), selectinload(Idea.product),
        selectinload(Idea.prototype), selectinload(Idea.author), selectinload(Idea.assignee))
    offset = 0
    while True:
        chunk = list(db.session.scalars(stmt.offset(offset).limit(CHUNK)))
        yield from chunk
        if len(chunk) < CHUNK:
            return
        offset += CHUNK


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """Each row as one CSV line, every cell neutralised; starts with a BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def export_ideas(filters: InboxFilters, viewer: Any) -> Iterator[str]:
    """The whole CSV: a header row, then one row per idea matching the inbox filters."""
    return csv_lines(chain([COLUMNS], (idea_row(idea, viewer) for idea in _ideas(filters, viewer))))
