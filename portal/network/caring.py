"""“Others who care about this”: people who voted on or discussed an idea, for a signed-in viewer to meet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, exists, func, literal, or_, select, union_all

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.network.models import Block, Connection, ConnectionStatus
from portal.permissions import Role
from portal.reputation.queries import listed_people

SHOWN = 6
# The newest voters and commenters are enough to choose six from, however popular the idea.
CANDIDATES = 200
TEAM_ROLES = tuple(r.value for r in Role if r.is_team)


@dataclass(frozen=True)
class Fellow:
    user: User
    commented: bool
    connected: bool


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


# Built once: the statement's shape never changes, and building and keying it cost more than running it.
_STATEMENT = _build_statement()


def others_who_care(viewer: Any, idea: Idea, limit: int = SHOWN) -> list[Fellow]:
    """Up to `limit` people who took part in the idea, in one query: people the viewer is not connected with
    first, then people in another role (a customer and the team working on it), then the most engaged.
    Only people the directory lists appear: not banned, not contact-only, not out of the directory."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    rows = db.session.execute(_STATEMENT, {
        "idea_id": idea.id, "author_id": idea.author_id, "me": viewer.id,
        "viewer_team": 1 if getattr(viewer, "is_team", False) else 0, "limit": limit})
    return [Fellow(user=user, commented=total >= 3, connected=bool(conn)) for user, total, conn in rows]
