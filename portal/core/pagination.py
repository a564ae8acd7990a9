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
    # True when counting stopped at a cap: there are at least `total` rows ("Page 1 of 50+").
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: Select, page: int, per_page: int, count_ahead: int | None = None) -> Page:
    """Run one page of a statement plus a count of its rows.

    With `count_ahead`, counting stops that many pages past this one, so a page never counts a whole large table.
    """
    offset = (page - 1) * per_page
    counted = stmt.order_by(None)
    cap = None if count_ahead is None else offset + per_page * (count_ahead + 1) + 1
    if cap is not None:
        counted = counted.limit(cap)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset(offset)).unique())
    if cap is not None and total >= cap:
        return Page(items=items, page=page, per_page=per_page, total=cap - 1, capped=True)
    return Page(items=items, page=page, per_page=per_page, total=total)
