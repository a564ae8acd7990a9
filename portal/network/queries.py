"""Reads of the network: who is connected, counts, requests waiting, and people who care about the same ideas."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from portal.accounts.models import User
from portal.extensions import db
from portal.network.models import Block, Connection, ConnectionStatus, Introduction

ACCEPTED = ConnectionStatus.ACCEPTED.value


def _pair(a_id: int, b_id: int) -> tuple[int, int]:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def connection_between(a_id: int, b_id: int) -> Connection | None:
    """The one row for a pair of people, whatever its state."""
    low, high = _pair(a_id, b_id)
    return db.session.scalar(select(Connection).where(Connection.low_user_id == low,
                                                      Connection.high_user_id == high))


def are_connected(a_id: int, b_id: int) -> bool:
    """Whether two people have an accepted connection."""
    if a_id == b_id:
        return False
    low, high = _pair(a_id, b_id)
    return db.session.scalar(select(Connection.id).where(
        Connection.low_user_id == low, Connection.high_user_id == high, Connection.status == ACCEPTED)) is not None


def connection_count(user_id: int) -> int:
    """How many accepted connections a person has."""
    return db.session.scalar(select(func.count(Connection.id)).where(
        or_(Connection.low_user_id == user_id, Connection.high_user_id == user_id),
        Connection.status == ACCEPTED)) or 0


def is_blocked_either_way(a_id: int, b_id: int) -> bool:
    """Whether either of two people has blocked the other."""
    return db.session.scalar(select(Block.blocker_id).where(or_(
        (Block.blocker_id == a_id) & (Block.blocked_id == b_id),
        (Block.blocker_id == b_id) & (Block.blocked_id == a_id))).limit(1)) is not None


def incoming_requests(user_id: int) -> list[Connection]:
    """Requests and introductions waiting for this person's answer, newest first (held ones stay unseen)."""
    waiting_me = or_((Connection.addressee_id == user_id) & Connection.addressee_accepted.is_(False),
                     (Connection.requester_id == user_id) & Connection.requester_accepted.is_(False))
    return list(db.session.scalars(
        select(Connection).where(Connection.status == ConnectionStatus.PENDING.value, waiting_me)
        .options(joinedload(Connection.requester), joinedload(Connection.addressee),
                 joinedload(Connection.introduction).joinedload(Introduction.host))
        .order_by(Connection.requested_at.desc())))


def sent_requests(user_id: int) -> list[Connection]:
    """Requests this person sent that are not answered yes: a declined one still reads "sent"."""
    return list(db.session.scalars(
        select(Connection).where(Connection.requester_id == user_id, Connection.requester_accepted.is_(True),
                                 Connection.introduction_id.is_(None),
                                 Connection.status.in_(("held", "pending", "declined")))
        .options(joinedload(Connection.addressee)).order_by(Connection.requested_at.desc())))


def waiting_on_others(user_id: int) -> list[Connection]:
    """Introductions this person accepted that wait for the other side."""
    return list(db.session.scalars(
        select(Connection).where(
            Connection.introduction_id.is_not(None), Connection.status.in_(("pending", "declined")),
            or_((Connection.requester_id == user_id) & Connection.requester_accepted.is_(True),
                (Connection.addressee_id == user_id) & Connection.addressee_accepted.is_(True)))
        .options(joinedload(Connection.requester), joinedload(Connection.addressee))
        .order_by(Connection.requested_at.desc())))


def connections_of(user_id: int, limit: int = 500) -> list[tuple[Connection, User]]:
    """A person's accepted connections with the other person, most recent first."""
    other = aliased(User)
    return list(db.session.execute(
        select(Connection, other).join(other, other.id == case(
            (Connection.low_user_id == user_id, Connection.high_user_id), else_=Connection.low_user_id))
        .where(or_(Connection.low_user_id == user_id, Connection.high_user_id == user_id),
               Connection.status == ACCEPTED)
        .order_by(Connection.accepted_at.desc(), Connection.id.desc()).limit(limit)))


def blocked_by(user_id: int) -> list[User]:
    return list(db.session.scalars(select(User).join(Block, Block.blocked_id == User.id)
                                   .where(Block.blocker_id == user_id).order_by(User.display_name)))


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    return db.session.get(Block, (blocker_id, blocked_id)) is not None
