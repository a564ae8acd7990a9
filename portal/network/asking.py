"""Asking the team's hosts for an introduction to someone: the hosts are told, with a link that prefills the form.

An ask is a notification to each host (event `introduction_asked`); its `about` ends with the other person's
"(#id)", which is how a repeat is recognised and how the host's link names both people, with no table of its own."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, union

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.core.urls import external_url
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.network.events import tell
from portal.network.models import MESSAGE_MAX, Block, ConnectionStatus, Introduction
from portal.network.queries import connection_between
from portal.notifications.models import Event, Notification, ProductWatch
from portal.permissions import Role, can_ask_introduction, can_introduce, require

DEFAULT_DAILY_ASK_CAP = 5
# An ask nobody acted on stops counting as pending after this long: the person may ask again.
PENDING_DAYS = 14
TEAM_ROLES = tuple(r.value for r in Role if r.is_team)
WAITING = (ConnectionStatus.PENDING.value, ConnectionStatus.HELD.value)


def daily_ask_cap() -> int:
    return int(current_app.config.get("NETWORK_DAILY_ASK_CAP", DEFAULT_DAILY_ASK_CAP))


def _refuse(message: str) -> ValidationError:
    return ValidationError({"note": message})


def _about(other: User) -> str:
    return f"{other.display_name} (#{other.id})"


def _asks_by(actor: User):
    return select(Notification).where(Notification.event == Event.INTRODUCTION_ASKED.value,
                                      Notification.actor_id == actor.id)


def _check_people(actor: User, other: User) -> None:
    if other.id == actor.id:
        raise _refuse("You can't ask for an introduction to yourself.")
    # Banned and "they blocked you" read the same, so a block is never revealed.
    unavailable = _refuse(f"{other.display_name} can't be introduced to you.")
    if other.is_banned or other.is_contact or db.session.get(Block, (other.id, actor.id)) is not None:
        raise unavailable
    require(can_ask_introduction(actor, other), "Confirm your email address before asking for introductions.")
    if db.session.get(Block, (actor.id, other.id)) is not None:
        raise _refuse(f"You have blocked {other.display_name}. Unblock them first to ask for an introduction.")
    row = connection_between(actor.id, other.id)
    if row is not None and row.is_accepted:
        raise _refuse(f"You are already connected with {other.display_name}.")
    if row is not None and row.status in WAITING:
        raise _refuse(f"There is already a request between you and {other.display_name}, waiting for an answer.")


def _check_pending_and_cap(actor: User, other: User) -> None:
    now = utcnow()
    asks = _asks_by(actor).subquery()
    last = db.session.scalar(select(func.max(asks.c.created_at)).where(
        asks.c.about.like(f"%(#{other.id})"), asks.c.created_at >= now - timedelta(days=PENDING_DAYS)))
    if last is not None and not _introduced_since(actor, other, last):
        raise _refuse(f"You already asked for an introduction to {other.display_name}; the hosts have it.")
    asked = db.session.scalar(select(func.count(func.distinct(asks.c.about))).where(
        asks.c.created_at >= now - timedelta(days=1))) or 0
    if asked >= daily_ask_cap():
        raise _refuse(f"You have asked for {asked} introductions in the last 24 hours, the daily limit. "
                      "Try again tomorrow.")


def _introduced_since(actor: User, other: User, since) -> bool:
    pair = or_(and_(Introduction.first_id == actor.id, Introduction.second_id == other.id),
               and_(Introduction.first_id == other.id, Introduction.second_id == actor.id))
    return db.session.scalar(select(Introduction.id).where(pair, Introduction.created_at >= since).limit(1)) \
        is not None


def _products_of(user_id: int):
    return union(select(Idea.product_id).where(Idea.author_id == user_id),
                 select(Idea.product_id).join(Vote, Vote.idea_id == Idea.id).where(Vote.user_id == user_id),
                 select(Idea.product_id).join(Comment, Comment.idea_id == Idea.id)
                 .where(Comment.author_id == user_id, Comment.deleted_at.is_(None)))


def hosts_for(actor: User, other: User) -> list[User]:
    """Team members who watch a product both people took part in; when none do, every host."""
    team = select(User).where(User.role.in_(TEAM_ROLES), User.banned_at.is_(None), User.is_contact.is_(False),
                              User.id.not_in((actor.id, other.id))).order_by(User.id)
    shared = select(_products_of(actor.id).subquery().c[0]).intersect(
        select(_products_of(other.id).subquery().c[0])).subquery()
    watchers = team.where(User.id.in_(select(ProductWatch.user_id).where(ProductWatch.product_id.in_(
        select(shared.c[0])))))
    hosts = [u for u in db.session.scalars(watchers) if can_introduce(u)]
    return hosts or [u for u in db.session.scalars(team) if can_introduce(u)]


def ask_for_introduction(actor: User, other: User, note: str = "") -> list[User]:
    """Ask the team's hosts to introduce the actor to `other`, with a short note; returns the hosts told."""
    note = clean_text(note, "note", max_len=MESSAGE_MAX, multiline=True)
    _check_people(actor, other)
    _check_pending_and_cap(actor, other)
    hosts = hosts_for(actor, other)
    if not hosts:
        raise _refuse("There is no team member to ask for introductions yet.")
    args: dict[str, str | int] = {"first": actor.id, "second": other.id} | ({"note": note} if note else {})
    link = external_url("network.introduce", **args)
    for host in hosts:
        tell(Event.INTRODUCTION_ASKED, host, actor=actor, about=_about(other), excerpt=note, link=link)
    db.session.commit()
    return hosts
