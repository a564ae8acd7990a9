"""Re-rendering stored Markdown, so a change to the allow-list reaches text written before it."""

from __future__ import annotations

from sqlalchemy import select

from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.ideas.services import EXCERPT_LEN
from portal.markup import plain_text, render_markdown
from portal.notifications.mentions import find_mentions, mention_links
from portal.prototypes.models import Product, Prototype
from portal.triage.models import InternalNote, StatusChange

# model, source column, rendered column
RENDERED = [
    (Product, "description", "description_html"),
    (Prototype, "description", "description_html"),
    (Idea, "body", "body_html"),
    (Comment, "body", "body_html"),
    (StatusChange, "note", "note_html"),
    (InternalNote, "body", "body_html"),
]
BATCH = 500
# Texts whose @mentions are looked up again: people join, rename or are banned after a text was written.
# Nobody is notified: re-rendering is not a new mention.
MENTIONING = (Idea, Comment, InternalNote)


def _links(row: Idea | Comment | InternalNote, source: str) -> dict[str, str | None] | None:
    if "@" not in source:
        return None
    idea = row if isinstance(row, Idea) else db.session.get(Idea, row.idea_id)
    try:
        return mention_links(find_mentions(source, idea))
    except ValidationError:
        return None


def _render(source: str, mentions: dict[str, str | None] | None = None) -> str:
    try:
        return render_markdown(source, mentions=mentions)
    except ValidationError:
        # Text that was accepted under older limits is kept readable, shown as escaped plain text.
        return render_markdown("```\n" + source.replace("```", "ʼʼʼ") + "\n```")


def rerender_all() -> dict[str, int]:
    """Re-render every Markdown column in batches; returns how many rows of each kind were rendered."""
    counts: dict[str, int] = {}
    for model, source, target in RENDERED:
        done, last_id = 0, 0
        while rows := db.session.scalars(
            select(model).where(model.id > last_id).order_by(model.id).limit(BATCH)
        ).all():
            for row in rows:
                text = getattr(row, source)
                html = _render(text, _links(row, text) if model in MENTIONING else None)
                setattr(row, target, html)
                if model is Idea:
                    row.excerpt = plain_text(html, EXCERPT_LEN)
            last_id = rows[-1].id
            done += len(rows)
            db.session.commit()
        counts[model.__tablename__] = done
    return counts
