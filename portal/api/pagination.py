"""Cursor pagination: opaque cursors that name the last row seen, so a page never repeats or skips a row when
new rows arrive meanwhile, and a `Link: <…>; rel="next"` header to follow."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, and_, or_
from sqlalchemy.sql.elements import ColumnElement

from portal.api.problems import ApiProblem
from portal.extensions import db

CURSOR_MAX = 500


@dataclass(frozen=True)
class Order:
    """A list's order: columns (the last one unique) and whether each runs downwards."""

    columns: Sequence[tuple[ColumnElement[Any], bool]]


@dataclass
class CursorPage:
    items: list[Any]
    next_cursor: str | None


def _plain(value: Any) -> Any:
    return {"t": value.isoformat()} if isinstance(value, datetime) else value


def _typed(value: Any) -> Any:
    return datetime.fromisoformat(value["t"]) if isinstance(value, dict) else value


def encode_cursor(kind: str, values: Sequence[Any]) -> str:
    raw = json.dumps({"k": kind, "v": [_plain(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _bad_cursor() -> ApiProblem:
    return ApiProblem(400, "The cursor is not valid for this list; start again without one.",
                      errors={"cursor": "Use the `next_cursor` of the previous page of this same list."})


def decode_cursor(raw: str, kind: str, size: int) -> list[Any]:
    """The values a cursor names, or a 400 problem when it was not made for this list."""
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        values = [_typed(v) for v in data["v"]]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise _bad_cursor() from exc
    if len(raw) > CURSOR_MAX or data.get("k") != kind or len(values) != size:
        raise _bad_cursor()
    return values


def _fits(value: Any, column: ColumnElement[Any]) -> bool:
    """Whether a cursor value can be compared with the column at all (else the database would refuse it)."""
    expected = getattr(column.type, "impl", column.type).python_type  # a TypeDecorator answers for its base type
    if isinstance(value, bool):
        return False
    if expected is float:
        return isinstance(value, float) and math.isfinite(value) or isinstance(value, int) and abs(value) < 2**53
    if expected is int:
        return isinstance(value, int) and abs(value) < 2**63
    if expected is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    return False  # no list orders by any other kind of column


def _after(order: Order, values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after `values` in `order`: (a, b) > (x, y) written out, which every database can index."""
    clauses = []
    for i, (column, descending) in enumerate(order.columns):
        equal = [col == values[j] for j, (col, _) in enumerate(order.columns[:i])]
        step = column < values[i] if descending else column > values[i]
        clauses.append(and_(*equal, step))
    return or_(*clauses)


def keyset_page(stmt: Select, order: Order, kind: str, key: Callable[[Any], Sequence[Any]], cursor: str | None,
                limit: int) -> CursorPage:
    """One page of `stmt` in `order`, starting after the row the cursor names."""
    if cursor:
        values = decode_cursor(cursor, kind, len(order.columns))
        if not all(_fits(value, column) for value, (column, _) in zip(values, order.columns, strict=True)):
            raise _bad_cursor()
        stmt = stmt.where(_after(order, values))
    ordering = [col.desc() if descending else col.asc() for col, descending in order.columns]
    rows = list(db.session.scalars(stmt.order_by(None).order_by(*ordering).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return CursorPage(rows, encode_cursor(kind, key(rows[-1])) if more and rows else None)


def next_link(cursor: str) -> str:
    """The Link header value for the next page: this request's address with the new cursor."""
    args = request.args.to_dict()
    args["cursor"] = cursor
    url = url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)
    return f'<{url}>; rel="next"'
