"""Reads for the admin pages: how many ideas use each status and each tag."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.ideas.models import Idea
from portal.triage.models import idea_tag


def ideas_per_status() -> dict[int, int]:
    """Status id -> number of ideas in it (statuses nobody uses are absent)."""
    rows = db.session.execute(select(Idea.status_id, func.count()).group_by(Idea.status_id))
    return {status_id: count for status_id, count in rows}


def ideas_per_tag() -> dict[int, int]:
    """Tag id -> number of ideas carrying it (unused tags are absent)."""
    rows = db.session.execute(select(idea_tag.c.tag_id, func.count()).group_by(idea_tag.c.tag_id))
    return {tag_id: count for tag_id, count in rows}
