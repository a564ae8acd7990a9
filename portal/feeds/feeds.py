"""Atom documents built with feedgen from rows the queries chose; links absolute, times timezone-aware."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from flask import current_app, url_for
from markupsafe import Markup

from portal.ideas.models import Idea
from portal.templating import idea_url
from portal.triage.models import StatusChange

# Characters XML 1.0 cannot carry; lxml refuses them, so they are dropped rather than failing the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(value: str | None) -> str:
    return _NOT_XML.sub("", value or "")


def _permalink(idea: Idea) -> str:
    """An idea's address without its slug: stable across title edits, so it serves as an entry id."""
    return url_for("ideas.show", idea_id=idea.id, _external=True)


def _new_feed(title: str, page_url: str, self_url: str, subtitle: str) -> FeedGenerator:
    site = current_app.config["SITE_NAME"]
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(_x(f"{title} · {site}"))
    fg.subtitle(_x(subtitle))
    fg.link(href=page_url, rel="alternate", type="text/html")
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.author({"name": _x(site)})
    fg.language("en")
    return fg


def _finish(fg: FeedGenerator, times: Iterable[datetime], fallback: datetime | None) -> bytes:
    # The feed changed when its newest entry did; an empty feed keeps a fixed time rather than "now".
    fg.updated(max(times, default=None) or fallback or datetime(2000, 1, 1, tzinfo=UTC))
    return fg.atom_str(pretty=True)


def _entry(fg: FeedGenerator, entry_id: str, title: str, link: str, author: str, published: datetime,
           updated: datetime) -> FeedEntry:
    entry = fg.add_entry(order="append")
    entry.id(entry_id)
    entry.title(_x(title))
    entry.link(href=link, rel="alternate", type="text/html")
    entry.author({"name": _x(author)})
    entry.published(published)
    entry.updated(updated)
    return entry


def _idea_updated(idea: Idea) -> datetime:
    return max(idea.created_at, idea.edited_at or idea.created_at)


def ideas_feed(title: str, page_url: str, self_url: str, ideas: list[Idea], fallback: datetime | None) -> bytes:
    """New ideas, newest first, each with its rendered (sanitized) description."""
    fg = _new_feed(title, page_url, self_url, "New ideas, newest first.")
    for idea in ideas:
        entry = _entry(fg, _permalink(idea), idea.title, idea_url(idea, _external=True), idea.author.display_name,
                       idea.created_at, _idea_updated(idea))
        entry.summary(_x(idea.excerpt) or None)
        entry.content(_x(idea.body_html), type="html")
        entry.category(term=_x(idea.prototype.slug), label=_x(idea.prototype.name))
    return _finish(fg, (_idea_updated(i) for i in ideas), fallback)


def _change_title(change: StatusChange) -> str:
    if change.from_status is not None and change.from_status_id != change.to_status_id:
        return f"Moved from {change.from_status.name} to {change.to_status.name}"
    return f"Marked {change.to_status.name}"


def _shipped_html(prototype) -> Markup:
    if prototype is None:
        return Markup("")
    url = url_for("prototypes.prototype", slug=prototype.slug, _external=True)
    name = " ".join(part for part in (prototype.name, prototype.version_label) if part)
    return Markup('<p>Shipped in <a href="{}">{}</a>.</p>').format(url, name)


def status_feed(idea: Idea, changes: list[StatusChange]) -> bytes:
    """One idea's status changes with their public notes, newest first."""
    page = idea_url(idea, _external=True)
    self_url = url_for("feeds.idea_status", idea_id=idea.id, _external=True)
    fg = _new_feed(f"Status of “{idea.title}”", page, self_url, "Status updates from the team.")
    for change in changes:
        author = change.actor.display_name if change.actor else current_app.config["SITE_NAME"]
        entry = _entry(fg, f"{_permalink(idea)}#status-change-{change.id}", _change_title(change),
                       f"{page}#status-change-{change.id}", author, change.created_at, change.created_at)
        entry.content(_x(Markup(change.note_html) + _shipped_html(change.shipped_in)) or None, type="html")
    return _finish(fg, (c.created_at for c in changes), idea.created_at)


def changelog_feed(title: str, page_url: str, self_url: str, rows: list[tuple[Idea, StatusChange]],
                   fallback: datetime | None) -> bytes:
    """Ideas moved to a done status, newest first, with the shipping note and the prototype they shipped in."""
    fg = _new_feed(title, page_url, self_url, "What shipped, newest first.")
    for idea, change in rows:
        author = change.actor.display_name if change.actor else current_app.config["SITE_NAME"]
        entry = _entry(fg, f"{_permalink(idea)}#status-change-{change.id}", f"{change.to_status.name}: {idea.title}",
                       idea_url(idea, _external=True), author, change.created_at, change.created_at)
        entry.summary(_x(idea.excerpt) or None)
        shipped = _shipped_html(change.shipped_in or idea.shipped_in)
        # The stored note is already sanitized HTML (portal.markup); Markup keeps it from being escaped twice.
        entry.content(_x(Markup(change.note_html) + shipped) or _x(idea.body_html), type="html")
    return _finish(fg, (change.created_at for _, change in rows), fallback)
