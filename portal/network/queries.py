"""Reads of the network: who is connected, counts, requests waiting, and people who care about the same ideas."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.network.models import Connection, ConnectionStatus

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
