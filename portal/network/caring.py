"""“Others who care about this”: people who voted on or discussed an idea, for a signed-in viewer to meet.

Who took part is the same for every viewer, so it is worked out once per idea until the next write (a shortlist
of each role's most engaged people, kept with the page cache); what differs per viewer (themselves, people they
are connected with or blocked) is one small query over that shortlist. When the shortlist cannot settle a
viewer's six (they are connected with or blocked from most of it), the whole ranking runs in SQL instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import Integer, and_, bindparam, case, exists, func, literal, or_, select, union_all

from portal.accounts.models import Shown, User
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.network.models import Block, Connection, ConnectionStatus
from portal.pagecache import remember
from portal.permissions import Role
from portal.reputation.queries import listed_people

SHOWN = 6
# The newest voters and commenters are enough to choose six from, however popular the idea.
CANDIDATES = 200
# Per role group (the team, everyone else): enough that a viewer's connections and blocks rarely exhaust it.
SHORTLIST = 40
TEAM_ROLES = tuple(r.value for r in Role if r.is_team)


@dataclass(frozen=True)
class Person(Shown):
    """Someone as the list shows them: a snapshot kept in the cache between requests, not a database row."""

    id: int
    display_name: str
    role: str
    job_title: str | None
    # Permission helpers take a Person as they take a User: listed people are never banned or contact-only.
    is_authenticated: ClassVar[bool] = True
    is_banned: ClassVar[bool] = False
    is_contact: ClassVar[bool] = False

    @classmethod
    def of(cls, user: User) -> Person:
        return cls(user.id, user.display_name, user.role, user.job_title)


@dataclass(frozen=True)
class Fellow:
    user: Person
    commented: bool
    connected: bool


Engaged = tuple[int, str, str, "str | None", int]  # id, display name, role, job title, weight


@dataclass(frozen=True)
class Shortlist:
    """Each role group's most engaged people, (id, name, role, job title, weight) by weight then id; `complete`
    when nobody is left out of the group. Plain tuples: they come out of the cache on every view."""

    team: tuple[Engaged, ...]
    team_complete: bool
    others: tuple[Engaged, ...]
    others_complete: bool


_IDEA = bindparam("idea_id", type_=Integer)
_AUTHOR = bindparam("author_id", type_=Integer)
_ME = bindparam("me", type_=Integer)
_VIEWER_TEAM = bindparam("viewer_team", type_=Integer)


def _engaged():
    votes = (select(Vote.user_id.label("uid"), literal(1).label("weight")).where(Vote.idea_id == _IDEA)
             .order_by(Vote.id.desc()).limit(CANDIDATES).subquery())
    comments = (select(Comment.author_id.label("uid"), literal(3).label("weight"))
                .where(Comment.idea_id == _IDEA, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
                       Comment.pending_approval.is_(False))
                .order_by(Comment.id.desc()).limit(CANDIDATES).subquery())
    author = select(_AUTHOR.label("uid"), literal(3).label("weight"))
    return union_all(select(votes.c.uid, votes.c.weight), select(comments.c.uid, comments.c.weight),
                     author).subquery()


def _build_statement():
    engaged = _engaged()
    connected = exists().where(
        or_(and_(Connection.low_user_id == _ME, Connection.high_user_id == User.id),
            and_(Connection.high_user_id == _ME, Connection.low_user_id == User.id)),
        Connection.status == ConnectionStatus.ACCEPTED.value)
    blocked = exists().where(or_(and_(Block.blocker_id == _ME, Block.blocked_id == User.id),
                                 and_(Block.blocker_id == User.id, Block.blocked_id == _ME)))
    # People in the other role first: for a team viewer customers, for a customer the team.
    in_team = case((User.role.in_(TEAM_ROLES), 1), else_=0)
    other_role = case((in_team == _VIEWER_TEAM, 0), else_=1)
    weight = func.sum(engaged.c.weight)
    is_connected = case((connected, 1), else_=0)
    return (select(User, weight, is_connected).join(engaged, engaged.c.uid == User.id)
            .where(User.id != _ME, listed_people(), ~blocked)
            .group_by(User.id).order_by(is_connected, other_role.desc(), weight.desc(), User.id)
            .limit(bindparam("limit", type_=Integer)))


def _build_engaged_people():
    engaged = _engaged()
    weight = func.sum(engaged.c.weight)
    return (select(User.id, User.display_name, User.role, User.job_title, weight)
            .join(engaged, engaged.c.uid == User.id).where(listed_people())
            .group_by(User.id).order_by(weight.desc(), User.id))


# A viewer with more ties than this is ranked by the full query instead of reading them all.
MAX_TIES = 1000


def _build_ties():
    """The viewer's accepted connections (1) and blocks either way (2): one indexed lookup each way."""
    accepted = Connection.status == ConnectionStatus.ACCEPTED.value
    return union_all(
        select(Connection.high_user_id, literal(1)).where(Connection.low_user_id == _ME, accepted),
        select(Connection.low_user_id, literal(1)).where(Connection.high_user_id == _ME, accepted),
        select(Block.blocked_id, literal(2)).where(Block.blocker_id == _ME),
        select(Block.blocker_id, literal(2)).where(Block.blocked_id == _ME),
    ).limit(bindparam("ties_limit", type_=Integer))


# Built once: their shapes never change, and building and keying them cost more than running them.
_STATEMENT = _build_statement()
_ENGAGED_PEOPLE = _build_engaged_people()
_TIES = _build_ties()


def shortlist(idea: Idea) -> Shortlist:
    """The idea's most engaged listed people per role group, worked out once per idea until the next write."""
    def compute() -> Shortlist:
        rows = db.session.execute(_ENGAGED_PEOPLE, {"idea_id": idea.id, "author_id": idea.author_id}).all()
        team = [(uid, name, role, job, int(w)) for uid, name, role, job, w in rows if role in TEAM_ROLES]
        others = [(uid, name, role, job, int(w)) for uid, name, role, job, w in rows if role not in TEAM_ROLES]
        return Shortlist(tuple(team[:SHORTLIST]), len(team) <= SHORTLIST,
                         tuple(others[:SHORTLIST]), len(others) <= SHORTLIST)

    return remember(f"caring:{idea.id}:{idea.author_id}", compute)


def others_who_care(viewer: Any, idea: Idea, limit: int = SHOWN) -> list[Fellow]:
    """Up to `limit` people who took part in the idea: people the viewer is not connected with first, then
    people in another role (a customer and the team working on it), then the most engaged.
    Only people the directory lists appear: not banned, not contact-only, not out of the directory."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    viewer_team = bool(getattr(viewer, "is_team", False))
    found = shortlist(idea)
    groups = [(found.others, found.others_complete), (found.team, found.team_complete)]
    if not viewer_team:  # the other role first
        groups.reverse()
    # Kept per viewer until the next write, like the shortlist: a connection or block made is a write.
    rows = remember(f"ties:{viewer.id}", lambda: [tuple(row) for row in db.session.execute(
        _TIES, {"me": viewer.id, "ties_limit": MAX_TIES + 1})])
    # Blocks win over connections (someone may be both); too many ties to read: the full query below.
    ties = dict(sorted(rows, key=lambda row: row[1])) if len(rows) <= MAX_TIES else None
    chosen = _choose(viewer.id, groups, ties, limit) if ties is not None else None
    if chosen is not None:
        return chosen
    rows = db.session.execute(_STATEMENT, {
        "idea_id": idea.id, "author_id": idea.author_id, "me": viewer.id, "viewer_team": int(viewer_team),
        "limit": limit})
    return [Fellow(Person.of(user), commented=total >= 3, connected=bool(conn)) for user, total, conn in rows]


def _choose(me: int, groups: Iterable[tuple[Sequence[Engaged], bool]], ties: dict[int, int],
            limit: int) -> list[Fellow] | None:
    """The viewer's `limit` fellows from the shortlist in the order the full ranking gives, or None when people
    left off the shortlist could rank among them."""
    first: list[Fellow] = []
    connected: list[Fellow] = []
    for people, complete in groups:
        for uid, name, role, job, weight in people:
            tie = ties.get(uid)
            if uid == me or tie == 2:
                continue
            fellow = Fellow(Person(uid, name, role, job), commented=weight >= 3, connected=tie == 1)
            (connected if fellow.connected else first).append(fellow)
            if len(first) == limit:
                return first
        if not complete:
            return None
    return (first + connected)[:limit]
