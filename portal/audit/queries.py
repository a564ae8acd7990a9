"""Reads of the audit log: the filtered, newest-first list and the choices its filters offer."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.extensions import db


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def audit_log(*, actor_id: int | None = None, action: str | None = None, since: date | None = None,
              until: date | None = None) -> Select:
    """Entries newest first; `since` and `until` are whole UTC days, both included."""
    stmt = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if since is not None:
        stmt = stmt.where(AuditEntry.created_at >= _start_of(since))
    if until is not None and until < date.max:
        stmt = stmt.where(AuditEntry.created_at < _start_of(until + timedelta(days=1)))
    return stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def audit_actors() -> list[User]:
    """Everyone who appears in the log as an actor, by name."""
    acted = select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(acted)).order_by(User.display_name, User.id)))


def audit_actions() -> list[str]:
    """The distinct actions recorded so far, alphabetically."""
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
