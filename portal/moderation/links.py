"""Links from new accounts: a few per post until the account has standing, since link spam is what bots post."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import exists, or_, select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.permissions import has_trusted_standing, is_team

# Rendered, sanitized HTML (markup.py) quotes every attribute with double quotes.
_LINKED = re.compile(r'\b(?:href|src)="((?:https?:)?//[^"]*)"', re.IGNORECASE)
# Addresses left as text still advertise a site: they count too.
_WRITTEN = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def _host(url: str) -> str:
    return urlsplit(url if "//" in url else f"//{url}").netloc.lower()


def outward_links(html: str) -> int:
    """Distinct addresses of other sites in rendered HTML, linked or written out (our pages and @mentions don't
    count)."""
    own_host = _host(current_app.config.get("SITE_URL", ""))
    written = {url.rstrip(".,;:!?)") for url in _WRITTEN.findall(_TAG.sub(" ", html))}
    return sum(1 for url in set(_LINKED.findall(html)) | written if _host(url) != own_host)


def has_standing(user: User) -> bool:
    """The team, accounts older than LINKS_STANDING_HOURS with at least one post the team let through, and
    members in trusted standing (enough reputation)."""
    if is_team(user):
        return True
    age = timedelta(hours=float(current_app.config.get("LINKS_STANDING_HOURS", 24)))
    if user.created_at is None or user.created_at > utcnow() - age:
        return has_trusted_standing(user)
    approved_idea = exists().where(Idea.author_id == user.id, Idea.pending_approval.is_(False),
                                   Idea.hidden_at.is_(None))
    approved_comment = exists().where(Comment.author_id == user.id, Comment.pending_approval.is_(False),
                                      Comment.hidden_at.is_(None), Comment.deleted_at.is_(None))
    return bool(db.session.scalar(select(or_(approved_idea, approved_comment)))) or has_trusted_standing(user)


def check_links(actor: User, html: str, field: str = "body") -> None:
    """Refuse a post from an account without standing that links out more than LINKS_WITHOUT_STANDING times."""
    allowed = int(current_app.config.get("LINKS_WITHOUT_STANDING", 2))
    if outward_links(html) <= allowed or has_standing(actor):
        return
    raise ValidationError({field: (
        f"New accounts can include at most {allowed} link{'s' if allowed != 1 else ''} to other sites in one post. "
        "Remove some, or post them once your account has been around for a while."
    )})
