"""What happened, and who hears about it: each function runs inside the transaction of the change itself.

Notification rows and instant emails are written before the caller commits, so a change and the news of it
are stored together or not at all. Nobody hears about their own action, and nobody hears of something they
may not see (a hidden idea, an internal note).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import Select, and_, insert, select

from portal.accounts.models import User
from portal.core.text import slugify
from portal.core.urls import external_url
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.markup import plain_text
from portal.notifications.follows import follower_ids, followers_of, watcher_ids
from portal.notifications.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Event,
    Notification,
    NotificationPreference,
    introduction_ask_args,
)
from portal.notifications.outbox import enqueue
from portal.notifications.text import headline
from portal.permissions import can_see_internal, can_view_idea, is_team

EXCERPT_LEN = 300


def idea_link(idea: Idea, comment_id: int | None = None) -> str:
    return external_url("ideas.show", idea_id=idea.id, slug=slugify(idea.title) or "idea",
                        _anchor=f"comment-{comment_id}" if comment_id else None)


def note_link(note: Notification) -> str:
    """Where a notification leads: its idea, or for news about the person's network, their connections page."""
    if note.idea is not None:
        return idea_link(note.idea, note.comment_id)
    if note.event in {e.value for e in Event if e.about_people}:
        event = Event(note.event)
        args = introduction_ask_args(note) if event is Event.INTRODUCTION_ASKED else {}
        return external_url(event.people_page, **args)
    return ""


def _recipients(user_ids: Iterable[int] | Select, actor: User | None, idea: Idea,
                event: Event) -> list[tuple[User, Delivery]]:
    """The people to tell, each with how they chose to hear of `event`, in one query (their choice joined in).

    `user_ids` may be a SELECT of ids (an idea's followers), so the ids need no query of their own.
    """
    if not isinstance(user_ids, Select):
        user_ids = {uid for uid in user_ids if uid is not None}
        if not user_ids:
            return []
    choice = NotificationPreference
    stmt = (select(User, choice.delivery)
            .outerjoin(choice, and_(choice.user_id == User.id, choice.event == event.value))
            .where(User.id.in_(user_ids), User.banned_at.is_(None)).order_by(User.id))
    if actor is not None:
        stmt = stmt.where(User.id != actor.id)
    may_see = can_see_internal if event is Event.INTERNAL_NOTE else (lambda u: can_view_idea(u, idea))
    default = DEFAULT_DELIVERY[event]
    return [(person, Delivery(delivery) if delivery else default) for person, delivery in db.session.execute(stmt)
            if may_see(person) and (not event.team_only or is_team(person))]


def notify(event: Event, user_ids: Iterable[int] | Select, *, actor: User | None, idea: Idea,
           comment: Comment | None = None, about: str = "", excerpt: str = "") -> set[int]:
    """Tell each listed person (except the actor) about an event, under the bell and by email as they chose;
    returns the ids of the people told."""
    rows = []
    for person, delivery in _recipients(user_ids, actor, idea, event):
        rows.append({"user_id": person.id, "event": event.value, "actor_id": actor.id if actor else None,
                     "idea_id": idea.id, "comment_id": comment.id if comment else None, "about": about[:200],
                     "excerpt": excerpt, "delivery": delivery.value})
        if delivery is Delivery.INSTANT:
            _email(person, event, actor, idea, comment, about, excerpt)
    if rows:
        # One INSERT for everyone told: objects added to the session go in one statement each on SQLite (its
        # RETURNING cannot be matched to rows in bulk), so an idea's followers would cost a query apiece. A Core
        # statement does not autoflush: the flush puts what the notes point at (a new comment) in first.
        db.session.flush()
        db.session.execute(insert(Notification.__table__), rows)
    return {row["user_id"] for row in rows}


def _email(person: User, event: Event, actor: User | None, idea: Idea, comment: Comment | None, about: str,
           excerpt: str) -> None:
    title = headline(event, actor=actor.display_name if actor else None, title=idea.title, about=about)
    enqueue(person, event.value, title, event.email_template, unsubscribe_event=event, event=event, headline=title,
            excerpt=excerpt, link=idea_link(idea, comment.id if comment else None), idea=idea,
            site=current_app.config["SITE_NAME"])


def _excerpt(html: str) -> str:
    return plain_text(html, EXCERPT_LEN)


# --- the events ---------------------------------------------------------------------------------------------

def idea_posted(actor: User, idea: Idea, mentioned: Iterable[int] = ()) -> None:
    """A new (or newly approved) idea: the product's watchers and anyone mentioned in it hear of it."""
    excerpt = _excerpt(idea.body_html)
    told = notify(Event.MENTION, mentioned, actor=actor, idea=idea, excerpt=excerpt)
    notify(Event.NEW_IDEA, set(watcher_ids(idea.product_id)) - told, actor=actor, idea=idea, excerpt=excerpt)


def comment_posted(actor: User, idea: Idea, comment: Comment, mentioned: Iterable[int] = ()) -> None:
    """A public comment: the person replied to, the people mentioned, then the idea's followers."""
    excerpt = _excerpt(comment.body_html)
    told: set[int] = set()
    if comment.parent_id is not None:
        parent = db.session.get(Comment, comment.parent_id)
        if parent is not None and not parent.is_deleted:
            told |= notify(Event.REPLY, [parent.author_id], actor=actor, idea=idea, comment=comment,
                           excerpt=excerpt)
    told |= notify(Event.MENTION, set(mentioned) - told, actor=actor, idea=idea, comment=comment, excerpt=excerpt)
    notify(Event.COMMENT, followers_of(idea.id, excluding=told), actor=actor, idea=idea, comment=comment,
           excerpt=excerpt)


def mentioned_in_edit(actor: User, idea: Idea, mentioned: Iterable[int], comment: Comment | None = None) -> None:
    """People newly mentioned by an edit hear of it; those mentioned before are not told again."""
    html = comment.body_html if comment is not None else idea.body_html
    notify(Event.MENTION, mentioned, actor=actor, idea=idea, comment=comment, excerpt=_excerpt(html))


def status_changed(actor: User, idea: Idea, status_name: str, note_html: str) -> None:
    notify(Event.STATUS_CHANGED, followers_of(idea.id), actor=actor, idea=idea, about=status_name,
           excerpt=_excerpt(note_html))


def idea_merged(actor: User, duplicate: Idea, original: Idea) -> None:
    notify(Event.MERGED, followers_of(duplicate.id), actor=actor, idea=duplicate, about=original.title)


def comment_marked_helpful(actor: User, idea: Idea, comment: Comment) -> None:
    """The comment's author hears that the idea's author or the team found it helpful, once per comment."""
    told = db.session.scalar(select(Notification.id).where(
        Notification.user_id == comment.author_id, Notification.comment_id == comment.id,
        Notification.event == Event.COMMENT_HELPFUL.value).limit(1))
    if told is None:  # unmarking and marking again is not news twice
        notify(Event.COMMENT_HELPFUL, [comment.author_id], actor=actor, idea=idea, comment=comment,
               excerpt=_excerpt(comment.body_html))


def internal_note_added(actor: User, idea: Idea, note_html: str, mentioned: Iterable[int] = ()) -> None:
    """Only the team hears of internal notes: team followers of the idea and team members mentioned."""
    notify(Event.INTERNAL_NOTE, set(follower_ids(idea.id)) | set(mentioned), actor=actor, idea=idea,
           excerpt=_excerpt(note_html))
