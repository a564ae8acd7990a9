"""Jinja globals and filters: permission predicates, relative times, idea URLs."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Flask, request, url_for

from portal import permissions
from portal.core.text import slugify
from portal.pagecache.fragments import vote_of, vote_state
from portal.permissions import Role
from portal.prototypes.models import Stage

_UNITS = (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400), ("day", 86400),
          ("hour", 3600), ("minute", 60))


def timeago(value: datetime | None, now: datetime | None = None) -> str:
    """'3 days ago' style text for a timestamp."""
    if value is None:
        return ""
    seconds = ((now or datetime.now(UTC)) - value).total_seconds()
    for name, size in _UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {name}{'s' if count != 1 else ''} ago"
    return "just now"


def idea_url(idea, **kwargs) -> str:
    """Canonical address of an idea: its id and a readable slug."""
    slug = slugify(idea.title) or "idea"
    return url_for("ideas.show", idea_id=idea.id, slug=slug, **kwargs)


def url_with(**changes) -> str:
    """The current page's path and query string with some arguments replaced (None removes one)."""
    args = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    # Built from the path, not url_for: query arguments must never become route or url_for arguments.
    return request.path + (f"?{urlencode(args)}" if args else "")


def here() -> str:
    """The current path and query string, for links that bring a person back to this page."""
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(permissions.JINJA_PREDICATES)
    app.jinja_env.globals.update(Role=Role, Stage=Stage, idea_url=idea_url, url_with=url_with, here=here,
                             vote_of=vote_of, vote_state=vote_state)
    app.jinja_env.filters["timeago"] = timeago
    app.jinja_env.filters["isoformat"] = lambda d: d.isoformat() if d else ""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
