"""Page-number pagination over select() statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from portal.extensions import db

MAX_PAGE = 100_000


def parse_page(raw: str | None) -> int:
    """Read ?page= leniently: anything that is not a sensible positive number means page 1."""
    try:
        page = int(raw or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), MAX_PAGE)


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: Select, page: int, per_page: int) -> Page:
    """Run one page of a statement plus a count of all its rows."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total)
