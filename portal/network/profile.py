"""What a profile page shows besides the card: contributions, and where the viewer stands with the person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, literal, or_, select, union
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.network.models import Block, Connection, ConnectionStatus, Introduction
from portal.prototypes.models import Prototype
from portal.triage.models import Status

PROTOTYPES_SHOWN = 12


@dataclass(frozen=True)
class Contributions:
    comments: int
    shipped: int
    connections: int
    prototypes: list[Prototype]


def _public_ideas(user_id: int):
    return (Idea.author_id == user_id, Idea.hidden_at.is_(None), Idea.pending_approval.is_(False),
            Idea.merged_into_id.is_(None))


def _counts(person: User) -> tuple[int, int, int]:
    """Comments, shipped ideas and connections, in one query."""
    comments = select(func.count(Comment.id)).where(
        Comment.author_id == person.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
        Comment.pending_approval.is_(False)).scalar_subquery()
    shipped = select(func.count(Idea.id)).join(Status, Status.id == Idea.status_id).where(
        *_public_ideas(person.id), Status.kind == "done").scalar_subquery()
    connections = select(func.count(Connection.id)).where(
        or_(Connection.low_user_id == person.id, Connection.high_user_id == person.id),
        Connection.status == ConnectionStatus.ACCEPTED.value).scalar_subquery()
    row = db.session.execute(select(comments, shipped, connections)).one()
    return row[0] or 0, row[1] or 0, row[2] or 0


def contributions(person: User) -> Contributions:
    """Public contributions: comments, ideas that shipped, connections, prototypes taken part in."""
    comments, shipped, connections = _counts(person)
    touched = union(
        select(Idea.prototype_id.label("pid")).where(*_public_ideas(person.id)),
        select(Idea.prototype_id).join(Comment, Comment.idea_id == Idea.id).where(
            Comment.author_id == person.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
            Idea.hidden_at.is_(None)),
        select(Idea.prototype_id).join(Vote, Vote.idea_id == Idea.id).where(Vote.user_id == person.id,
                                                                            Idea.hidden_at.is_(None)),
    ).subquery()
    prototypes = list(db.session.scalars(
        select(Prototype).where(Prototype.id.in_(select(touched.c.pid)))
        .options(joinedload(Prototype.product)).order_by(Prototype.name).limit(PROTOTYPES_SHOWN)))
    return Contributions(comments=comments, shipped=shipped, connections=connections, prototypes=prototypes)


@dataclass(frozen=True)
class Standing:
    """Where the signed-in viewer stands with the person whose profile they look at."""

    row: Connection | None
    i_blocked: bool
    viewer_id: int

    @property
    def connected(self) -> bool:
        return self.row is not None and self.row.is_accepted

    @property
    def waiting_for_me(self) -> bool:
        """They asked, or a host introduced us, and I have not answered."""
        return (self.row is not None and self.row.status == ConnectionStatus.PENDING.value
                and not self.row.accepted_by(self.viewer_id))

    @property
    def i_asked(self) -> bool:
        """I asked (or accepted an introduction) and wait; a silent decline reads the same."""
        return (self.row is not None and self.row.status in ("held", "pending", "declined")
                and self.row.accepted_by(self.viewer_id))

    @property
    def held(self) -> bool:
        return self.row is not None and self.row.status == ConnectionStatus.HELD.value and self.i_asked


def standing(viewer: Any, person: User) -> Standing | None:
    """None for visitors and for one's own profile; otherwise the pair's row and the viewer's block, in one query."""
    if not getattr(viewer, "is_authenticated", False) or viewer.id == person.id:
        return None
    low, high = sorted((viewer.id, person.id))
    blocked = exists().where(Block.blocker_id == viewer.id, Block.blocked_id == person.id)
    row, i_blocked = db.session.execute(
        select(Connection, blocked.label("blocked")).select_from(select(literal(1)).subquery())
        .outerjoin(Connection, (Connection.low_user_id == low) & (Connection.high_user_id == high))
        .options(joinedload(Connection.introduction).joinedload(Introduction.host))).one()
    return Standing(row=row, i_blocked=bool(i_blocked), viewer_id=viewer.id)
