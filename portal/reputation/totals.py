"""Keeping each person's cached reputation total exact, inside the transaction of the change that moves it.

Every refresh is one INSERT ... SELECT ... ON CONFLICT statement per person: the total is counted from the
records by the database, so it always equals what `flask reputation recompute` would store. A vote, the hottest
change, moves the total and the stored count of the person's counted votes by one UPDATE, counting nothing."""

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
from portal.reputation.queries import all_counted_votes, least, points_expression
from portal.reputation.scoring import RULES_BY_KEY

# The statements take these parameters at execution; see _statement.
_PERSON = bindparam("person", type_=Integer)
_INVITEE = bindparam("invitee", type_=Integer)
_NOW = bindparam("computed_at", type_=ReputationTotal.computed_at.type)


def _upsert(dialect: str, rows: Select) -> Insert:
    """Upsert the (user_id, points, votes_counted, computed_at) rows selected by `rows` into the cache."""
    table = ReputationTotal.__table__
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(table).from_select(["user_id", "points", "votes_counted", "computed_at"], rows)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={"points": stmt.excluded.points, "votes_counted": stmt.excluded.votes_counted,
              "computed_at": stmt.excluded.computed_at})


@cache
def _statement(dialect: str, kind: str) -> Insert:
    """The refresh statement of one kind, built once per dialect and then only executed with parameters.

    Building its five counting subqueries costs far more Python than running it does, and a statement object
    that is reused also keeps its cache key, so SQLAlchemy goes straight to the compiled SQL.
    """
    if kind == "person":
        # SQLite reads ON CONFLICT after a bare SELECT as part of it, so the SELECT carries a WHERE.
        return _upsert(dialect, select(_PERSON, points_expression(_PERSON), all_counted_votes(_PERSON), _NOW)
                       .where(true()))
    invitation = aliased(Invitation)
    inviter = invitation.inviter_id
    return _upsert(dialect, select(inviter, points_expression(inviter), all_counted_votes(inviter), _NOW)
                   .where(invitation.accepted_by_id == _INVITEE, inviter.is_not(None)).distinct())


def _store(kind: str, **params: int) -> None:
    db.session.flush()  # a Core statement does not autoflush, and the count must see this change's rows
    stmt = _statement(db.session.get_bind().dialect.name, kind)
    db.session.execute(stmt, {**params, "computed_at": utcnow()})


_VOTES = RULES_BY_KEY["votes"]


@cache
def _vote_moved(added: bool) -> Update:
    """Count one vote more (or less) for the votes rule and move the total by what that earns: the rule's points
    for the new count less its points for the old one (nothing past the cap). SET reads the row as it was."""
    total = ReputationTotal.__table__.c
    after = total.votes_counted + (1 if added else -1)
    earned = least(after * _VOTES.points, _VOTES.cap) - least(total.votes_counted * _VOTES.points, _VOTES.cap)
    return (update(ReputationTotal.__table__).where(total.user_id == _PERSON)
            .values(votes_counted=after, points=total.points + earned, computed_at=_NOW)
            .returning(total.user_id))


def vote_changed(voter_id: int, *, added: bool) -> None:
    """After a vote on someone else's visible idea went in or out: move the voter's total by what it changed.

    The stored count of their counted votes moves by one in the same UPDATE, which locks the row: one person's
    votes in parallel are counted one after another, each seeing the one before, and nothing is recounted (a
    prolific author's votes, mostly on their own ideas, took milliseconds to count on every vote).
    """
    moved = db.session.execute(_vote_moved(added), {"person": voter_id, "computed_at": utcnow()}).first()
    if moved is None:
        refresh_totals([voter_id])  # no total yet: count it whole


def refresh_totals(user_ids: Iterable[int | None]) -> None:
    """Recount some people's cached totals from the records, one statement each, in the caller's transaction."""
    for user_id in sorted({uid for uid in user_ids if uid is not None}):
        _store("person", person=user_id)


def refresh_inviter_of(invitee_id: int) -> None:
    """Recount the total of whoever invited this person (an invitee's first post earns them points)."""
    _store("inviter", invitee=invitee_id)
