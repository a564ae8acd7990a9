"""Keeping each person's cached reputation total exact, inside the transaction of the change that moves it.

Every refresh is one INSERT ... SELECT ... ON CONFLICT statement per person: the total is counted from the
records by the database, so it always equals what `flask reputation recompute` would store."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, literal, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from portal.core.models import utcnow
from portal.extensions import db
from portal.invitations.models import Invitation
from portal.reputation.models import ReputationTotal
from portal.reputation.queries import points_expression


def _store(rows: Select) -> None:
    """Upsert (user_id, points, computed_at) rows selected by `rows` into the cache."""
    db.session.flush()  # a Core statement does not autoflush, and the count must see this change's rows
    table = ReputationTotal.__table__
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).from_select(["user_id", "points", "computed_at"], rows)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={"points": stmt.excluded.points, "computed_at": stmt.excluded.computed_at}))


def _row(person: ColumnElement[int]) -> tuple:
    return person, points_expression(person), literal(utcnow(), ReputationTotal.computed_at.type)


def refresh_totals(user_ids: Iterable[int | None]) -> None:
    """Recount some people's cached totals from the records, one statement each, in the caller's transaction."""
    for user_id in sorted({uid for uid in user_ids if uid is not None}):
        # SQLite reads ON CONFLICT after a bare SELECT as part of it, so the SELECT carries a WHERE.
        _store(select(*_row(literal(user_id))).where(true()))


def refresh_inviter_of(invitee_id: int) -> None:
    """Recount the total of whoever invited this person (an invitee's first post earns them points)."""
    invitation = aliased(Invitation)
    _store(select(*_row(invitation.inviter_id)).where(invitation.accepted_by_id == invitee_id,
                                                      invitation.inviter_id.is_not(None)).distinct())
