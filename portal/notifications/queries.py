"""Reads for the bell and /notifications: one person's notifications, newest first, with what they point at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, url_for
from sqlalchemy import bindparam, case, exists, func, literal, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.pagination import Page, paginate
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.notifications.models import Event, Follow, Notification, introduction_ask_args
from portal.notifications.text import headline
from portal.permissions import can_view_comment, can_view_idea, is_team

PER_PAGE = 25
# The badge reads "99+" beyond this, so counting stops there: a neglected inbox costs no more than a busy one.
BADGE_CAP = 100
UNSEEN = "An update about an idea you can no longer see"


@dataclass(frozen=True)
class Item:
    """A notification as its reader may see it: no title or words of things they may no longer see."""

    note: Notification
    headline: str
    excerpt: str
    idea: Idea | None
    comment_id: int | None
    # For news about the person's network, which has no idea to open.
    link: str = ""

    @property
    def unread(self) -> bool:
        return self.note.read_at is None


# Built once: the bell is on every signed-in page.
_UNREAD = select(func.count()).select_from(
    select(Notification.id).where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
    .limit(BADGE_CAP).subquery())


# The bell's count as a column of the statement that loads the signed-in person (see portal._load_user).
UNREAD_COLUMN = _UNREAD.scalar_subquery()


def unread_count(user: Any) -> int:
    """Unread notifications for the bell, up to BADGE_CAP (served by the (user_id, read_at) index)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0



def notifications_page(user: User, page: int, per_page: int = PER_PAGE) -> Page:
    """One page of the person's notifications, newest first, with actor, idea and comment loaded alongside."""
    stmt = (select(Notification).where(Notification.user_id == user.id)
            .options(joinedload(Notification.actor), joinedload(Notification.idea), joinedload(Notification.comment))
            .order_by(Notification.id.desc()))
    result = paginate(stmt, page, per_page)
    result.items = [present(note, user) for note in result.items]
    return result


def _event(note: Notification) -> Event | None:
    return Event(note.event) if note.event in Event.__members__.values() else None


def _may_see(note: Notification, event: Event, viewer: User) -> tuple[bool, bool]:
    """Whether the viewer may still see the idea, and the words (comment, note or excerpt)."""
    idea_ok = note.idea is not None and can_view_idea(viewer, note.idea)
    # Someone who left the team keeps their old internal-note notifications, but no longer their words.
    if event.team_only and not is_team(viewer):
        return idea_ok, False
    comment: Comment | None = note.comment
    words_ok = idea_ok and (comment is None or (not comment.is_deleted and can_view_comment(viewer, comment)))
    return idea_ok, words_ok


def present(note: Notification, viewer: User) -> Item:
    """What the viewer is shown for one notification, checked against what they may see today."""
    if note.idea_id is None and note.event not in Event.__members__.values() and note.about:
        # A notice about the site itself (a webhook endpoint disabled): its words were written for this reader.
        return Item(note=note, headline=note.about, excerpt=note.excerpt, idea=None, comment_id=None)
    event = _event(note)
    if event is not None and event.about_people:
        return _about_people(note, event)
    idea_ok, words_ok = _may_see(note, event, viewer) if event is not None else (False, False)
    if not idea_ok or event is None:
        return Item(note=note, headline=UNSEEN, excerpt="", idea=None, comment_id=None)
    actor = note.actor.display_name if note.actor is not None else None
    return Item(note=note, headline=headline(event, actor=actor, title=note.idea.title, about=note.about),
                excerpt=note.excerpt if words_ok else "", idea=note.idea,
                comment_id=note.comment_id if words_ok else None)


def _about_people(note: Notification, event: Event) -> Item:
    actor = note.actor.display_name if note.actor is not None else None
    return Item(note=note, headline=headline(event, actor=actor, title="", about=note.about), excerpt=note.excerpt,
                idea=None, comment_id=None, link=url_for(event.people_page, **_people_args(note, event)))


def _people_args(note: Notification, event: Event) -> dict[str, str | int]:
    return introduction_ask_args(note) if event is Event.INTRODUCTION_ASKED else {}


@dataclass(frozen=True)
class FollowSummary:
    count: int
    following: bool


# Built once (every idea page asks): for a signed-in viewer, and for anyone else.
_FOLLOWS = select(func.count(), func.coalesce(func.max(case((Follow.user_id == bindparam("me"), 1), else_=0)), 0)
                  ).select_from(Follow).where(Follow.idea_id == bindparam("idea_id"))
_FOLLOWS_ANONYMOUS = select(func.count(), literal(0)).select_from(Follow).where(Follow.idea_id == bindparam("idea_id"))


# The same answer as columns of a statement that reads the idea (for the person `me`): see know_follow_summary.
FOLLOW_COLUMNS = (
    select(func.count()).select_from(Follow).where(Follow.idea_id == Idea.id).scalar_subquery().label("followers"),
    exists().where(Follow.idea_id == Idea.id, Follow.user_id == bindparam("me")).label("following"),
)


def know_follow_summary(user_id: int, idea_id: int, followers: int, following: bool) -> None:
    """The follow summary read already in this request (with the idea): follow_summary asks no more."""
    g.known_follow_summary = (user_id, idea_id, FollowSummary(count=followers or 0, following=bool(following)))


def follow_summary(viewer: Any, idea: Idea) -> FollowSummary:
    """How many follow an idea and whether the viewer is one of them, in one query."""
    known = getattr(g, "known_follow_summary", None) if has_request_context() else None
    if known is not None and getattr(viewer, "is_authenticated", False) and known[:2] == (viewer.id, idea.id):
        return known[2]
    if getattr(viewer, "is_authenticated", False):
        count, following = db.session.execute(_FOLLOWS, {"me": viewer.id, "idea_id": idea.id}).one()
    else:
        count, following = db.session.execute(_FOLLOWS_ANONYMOUS, {"idea_id": idea.id}).one()
    return FollowSummary(count=count or 0, following=bool(following))
