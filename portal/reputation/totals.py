"""Keeping each person's cached reputation total exact, inside the transaction of the change that moves it.

Every refresh is one INSERT ... SELECT ... ON CONFLICT statement per person: the total is counted from the
records by the database, so it always equals what `flask reputation recompute` would store."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import Insert, Integer, Select, bindparam, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from portal.core.models import utcnow
from portal.extensions import db
from portal.invitations.models import Invitation
from portal.reputation.models import ReputationTotal
from portal.reputation.queries import points_expression

# The statements take these parameters at execution; see _statement.
_PERSON = bindparam("person", type_=Integer)
_INVITEE = bindparam("invitee", type_=Integer)
_NOW = bindparam("computed_at", type_=ReputationTotal.computed_at.type)


def _upsert(dialect: str, rows: Select) -> Insert:
    """Upsert the (user_id, points, computed_at) rows selected by `rows` into the cache."""
    table = ReputationTotal.__table__
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(table).from_select(["user_id", "points", "computed_at"], rows)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={"points": stmt.excluded.points, "computed_at": stmt.excluded.computed_at})


@cache
def _statement(dialect: str, kind: str) -> Insert:
    """The refresh statement of one kind, built once per dialect and then only executed with parameters.

    Building its five counting subqueries costs far more Python than running it does, and a statement object
    that is reused also keeps its cache key, so SQLAlchemy goes straight to the compiled SQL.
    """
    if kind == "person":
        # SQLite reads ON CONFLICT after a bare SELECT as part of it, so the SELECT carries a WHERE.
        return _upsert(dialect, select(_PERSON, points_expression(_PERSON), _NOW).where(true()))
    invitation = aliased(Invitation)
    return _upsert(dialect, select(invitation.inviter_id, points_expression(invitation.inviter_id), _NOW)
                   .where(invitation.accepted_by_id == _INVITEE, invitation.inviter_id.is_not(None)).distinct())


def _store(kind: str, **params: int) -> None:
    db.session.flush()  # a Core statement does not autoflush, and the count must see this change's rows
    stmt = _statement(db.session.get_bind().dialect.name, kind)
    db.session.execute(stmt, {**params, "computed_at": utcnow()})


def refresh_totals(user_ids: Iterable[int | None]) -> None:
    """Recount some people's cached totals from the records, one statement each, in the caller's transaction."""
    for user_id in sorted({uid for uid in user_ids if uid is not None}):
        _store("person", person=user_id)


def refresh_inviter_of(invitee_id: int) -> None:
    """Recount the total of whoever invited this person (an invitee's first post earns them points)."""
    _store("inviter", invitee=invitee_id)
