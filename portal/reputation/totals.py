"""Keeping each person's cached reputation total exact, inside the transaction of the change that moves it.

Every refresh is one INSERT ... SELECT ... ON CONFLICT statement per person: the total is counted from the
records by the database, so it always equals what `flask reputation recompute` would store."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sqlalchemy import Insert, Integer, Select, Update, bindparam, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from portal.core.models import utcnow
from portal.extensions import db
from portal.invitations.models import Invitation
from portal.reputation.models import ReputationTotal
from portal.reputation.queries import counted_records, least, points_expression
from portal.reputation.scoring import RULES_BY_KEY

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


_VOTES = RULES_BY_KEY["votes"]
_LOCK = select(ReputationTotal.user_id).where(ReputationTotal.user_id == _PERSON).with_for_update()


@cache
def _vote_moved(added: bool) -> Update:
    """Move a total by what one vote more (or less) on someone else's idea earns: the votes rule's points for the
    count now (counted one past the cap) less its points for the count before."""
    # The count in a derived table, read twice there but counted once.
    count = select(counted_records(_VOTES, _PERSON, past_cap=1).label("n")).subquery()
    before = count.c.n - 1 if added else count.c.n + 1
    earned = select(least(count.c.n * _VOTES.points, _VOTES.cap) - least(before * _VOTES.points, _VOTES.cap)
                    ).scalar_subquery()
    return (update(ReputationTotal).where(ReputationTotal.user_id == _PERSON)
            .values(points=ReputationTotal.points + earned, computed_at=_NOW))


def vote_changed(voter_id: int, *, added: bool) -> None:
    """After a vote on someone else's visible idea went in or out: move the voter's total by what it changed.

    Only the votes rule moves, so the total moves by that rule's difference instead of being recounted (a
    prolific author's recount reads every idea and vote of theirs: 8 ms a vote). The total's row is locked first,
    so that one person's votes in parallel are counted one after another, each seeing the one before.
    """
    db.session.flush()
    if db.session.execute(_LOCK, {"person": voter_id}).first() is None:
        refresh_totals([voter_id])  # no total yet: count it whole
        return
    db.session.execute(_vote_moved(added), {"person": voter_id, "computed_at": utcnow()})


def refresh_totals(user_ids: Iterable[int | None]) -> None:
    """Recount some people's cached totals from the records, one statement each, in the caller's transaction."""
    for user_id in sorted({uid for uid in user_ids if uid is not None}):
        _store("person", person=user_id)


def refresh_inviter_of(invitee_id: int) -> None:
    """Recount the total of whoever invited this person (an invitee's first post earns them points)."""
    _store("inviter", invitee=invitee_id)
