"""Reads for triage: tags and team members a viewer may pick from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Idea, Vote
from portal.pagecache import remember
from portal.permissions import Role, can_see_internal
from portal.triage.models import InternalNote, Tag
from portal.triage.statuses import ordered_statuses


def tags_for_viewer(viewer: Any) -> list[Tag]:
    """All tags for the team; public tags only for everyone else (kept until the next write)."""
    stmt = select(Tag).order_by(Tag.name)
    team = can_see_internal(viewer)
    if not team:
        stmt = stmt.where(Tag.internal.is_(False))
    return remember(f"tags:{'team' if team else 'public'}", lambda: list(db.session.scalars(stmt)))


def team_members() -> list[User]:
    """People an idea can be assigned to."""
    roles = [Role.DEVELOPER.value, Role.DESIGNER.value, Role.ADMIN.value]
    return list(db.session.scalars(
        select(User).where(User.role.in_(roles), User.banned_at.is_(None)).order_by(User.display_name)))


def triage_panel(idea: Idea, viewer: Any) -> dict[str, Any]:
    """What the idea page's team panel needs; nothing at all for customers and visitors."""
    if not can_see_internal(viewer):
        return {}
    notes = db.session.scalars(select(InternalNote).options(joinedload(InternalNote.author))
                               .where(InternalNote.idea_id == idea.id).order_by(InternalNote.created_at)).all()
    on_behalf = db.session.scalars(select(Vote).options(joinedload(Vote.user))
                                   .where(Vote.idea_id == idea.id, Vote.on_behalf_by_id.is_not(None))
                                   .order_by(Vote.created_at)).all()
    return {"notes": notes, "on_behalf_votes": on_behalf, "statuses": ordered_statuses(include_retired=False),
            "all_tags": tags_for_viewer(viewer), "team": team_members()}
