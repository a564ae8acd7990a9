"""Demo content for invitations and reputation: who invited whom, helpful answers, and the points they earned."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.invitations.models import Invitation
from portal.prototypes.models import Prototype
from portal.reputation.models import HelpfulMark
from portal.reputation.services import recompute_all

# (inviter, invitee, days ago, accepted): the demo customer brought two teachers in; one more is on the way.
INVITATIONS = [
    ("customer@example.com", "amina.otieno@example.org", 70, True,
     "You have run more classroom pilots than anyone I know. Come and tell them what breaks."),
    ("customer@example.com", "samuel.okeke@example.org", 45, True,
     "They are asking about charging carts: you built ours."),
    ("customer@example.com", "new.teacher@example.org", 2, False,
     "Your offline-maps lessons would help the software team a lot."),
    ("designer@example.com", "kwame.asante@example.org", 60, True, "We need a repair technician's eye on the case."),
]
HELPFUL_EVERY = 3  # every third idea's author found its first answer helpful


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _invitations(prototype: Prototype | None) -> None:
    for inviter_email, email, days, accepted, note in INVITATIONS:
        inviter, invitee = _user(inviter_email), _user(email)
        if inviter is None:
            continue
        sent = utcnow() - timedelta(days=days)
        joined = accepted and invitee is not None
        db.session.add(Invitation(inviter_id=inviter.id, email=email, note=note, created_at=sent,
                                  prototype_id=prototype.id if prototype else None,
                                  accepted_at=sent + timedelta(hours=5) if joined else None,
                                  accepted_by_id=invitee.id if joined else None))


def _helpful_marks() -> None:
    ideas = db.session.scalars(select(Idea).order_by(Idea.id)).all()
    for idea in ideas[::HELPFUL_EVERY]:
        answer = db.session.scalar(select(Comment).where(
            Comment.idea_id == idea.id, Comment.author_id != idea.author_id, Comment.deleted_at.is_(None))
            .order_by(Comment.id).limit(1))
        if answer is not None:
            db.session.add(HelpfulMark(comment_id=answer.id, marked_by_id=idea.author_id,
                                       created_at=answer.created_at + timedelta(hours=2)))


def seed_giving() -> None:
    """Invitations and helpful marks, then everyone's reputation counted from the records; once only."""
    if db.session.scalar(select(Invitation.id).limit(1)) is not None:
        return
    _invitations(db.session.scalar(select(Prototype).order_by(Prototype.id).limit(1)))
    _helpful_marks()
    db.session.flush()
    recompute_all()
