"""What an inviter sees: their invitations, who joined through them and what those people contributed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.invitations.models import Invitation


@dataclass(frozen=True)
class Contribution:
    ideas: int = 0
    comments: int = 0
    votes: int = 0

    @property
    def any(self) -> bool:
        return bool(self.ideas or self.comments)


@dataclass(frozen=True)
class Sent:
    invitation: Invitation
    contribution: Contribution


def _counts(stmt, user_ids: list[int]) -> dict[int, int]:
    return dict(db.session.execute(stmt.where(stmt.selected_columns[0].in_(user_ids))
                                   .group_by(stmt.selected_columns[0])).all())


def contributions(user_ids: list[int]) -> dict[int, Contribution]:
    """Visible ideas and comments (what earns the inviter points), and votes, per person."""
    if not user_ids:
        return {}
    ideas = _counts(select(Idea.author_id, func.count()).where(Idea.hidden_at.is_(None),
                                                               Idea.pending_approval.is_(False)), user_ids)
    comments = _counts(select(Comment.author_id, func.count()).where(
        Comment.deleted_at.is_(None), Comment.hidden_at.is_(None), Comment.pending_approval.is_(False)), user_ids)
    votes = _counts(select(Vote.user_id, func.count()).where(Vote.on_behalf_by_id.is_(None)), user_ids)
    return {uid: Contribution(ideas.get(uid, 0), comments.get(uid, 0), votes.get(uid, 0)) for uid in user_ids}


def sent_by(inviter: User, limit: int = 200) -> list[Sent]:
    """The inviter's invitations, newest first, with what each person who joined has contributed since."""
    invitations = db.session.scalars(select(Invitation).where(Invitation.inviter_id == inviter.id)
                                     .order_by(Invitation.created_at.desc(), Invitation.id.desc())
                                     .limit(limit)).all()
    joined = [inv.accepted_by_id for inv in invitations if inv.accepted_by_id is not None]
    found = contributions(joined)
    return [Sent(inv, found.get(inv.accepted_by_id or 0, Contribution())) for inv in invitations]


def invited_by(user_id: int) -> Invitation | None:
    """The invitation a person joined through, if any."""
    return db.session.scalar(select(Invitation).where(Invitation.accepted_by_id == user_id))
