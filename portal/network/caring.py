"""“Others who care about this”: people who voted on or discussed an idea, for a signed-in viewer to meet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all

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


def _engaged(idea: Idea):
    votes = (select(Vote.user_id.label("uid"), literal(1).label("weight")).where(Vote.idea_id == idea.id)
             .order_by(Vote.id.desc()).limit(CANDIDATES).subquery())
    comments = (select(Comment.author_id.label("uid"), literal(3).label("weight"))
                .where(Comment.idea_id == idea.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
                       Comment.pending_approval.is_(False))
                .order_by(Comment.id.desc()).limit(CANDIDATES).subquery())
    author = select(literal(idea.author_id).label("uid"), literal(3).label("weight"))
    return union_all(select(votes.c.uid, votes.c.weight), select(comments.c.uid, comments.c.weight),
                     author).subquery()


def others_who_care(viewer: Any, idea: Idea, limit: int = SHOWN) -> list[Fellow]:
    """Up to `limit` people who took part in the idea, in one query: people the viewer is not connected with
    first, then people in another role (a customer and the team working on it), then the most engaged.
    Only people the directory lists appear: not banned, not contact-only, not out of the directory."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    engaged = _engaged(idea)
    me = viewer.id
    connected = exists().where(
        or_(and_(Connection.low_user_id == me, Connection.high_user_id == User.id),
            and_(Connection.high_user_id == me, Connection.low_user_id == User.id)),
        Connection.status == ConnectionStatus.ACCEPTED.value)
    blocked = exists().where(or_(and_(Block.blocker_id == me, Block.blocked_id == User.id),
                                 and_(Block.blocker_id == User.id, Block.blocked_id == me)))
    viewer_team = bool(getattr(viewer, "is_team", False))
    other_role = case((User.role.in_(TEAM_ROLES), 0 if viewer_team else 1), else_=1 if viewer_team else 0)
    weight = func.sum(engaged.c.weight)
    is_connected = case((connected, 1), else_=0)
    rows = db.session.execute(
        select(User, weight, is_connected).join(engaged, engaged.c.uid == User.id)
        .where(User.id != me, listed_people(), ~blocked)
        .group_by(User.id).order_by(is_connected, other_role.desc(), weight.desc(), User.id).limit(limit))
    return [Fellow(user=user, commented=total >= 3, connected=bool(conn)) for user, total, conn in rows]
