"""Recording audit entries inside the caller's transaction, so an action and its record commit together."""

from __future__ import annotations

from typing import Any

from portal.audit.models import AuditEntry
from portal.extensions import db


def record(actor: Any, action: str, target: Any, summary: str = "", *, before: dict | None = None,
           after: dict | None = None) -> AuditEntry:
    """Add an audit entry for `action` on `target` (flushes, never commits)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None), action=action, target_type=type(target).__name__.lower(),
        target_id=getattr(target, "id", None), summary=summary[:300], before=before, after=after,
    )
    db.session.add(entry)
    return entry
