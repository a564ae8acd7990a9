"""What a profile page shows besides the card: contributions, and where the viewer stands with the person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.network.models import Connection, ConnectionStatus
from portal.network.queries import connection_between, connection_count, has_blocked
from portal.prototypes.models import Prototype
from portal.triage.models import Status

SHIPPED_SHOWN = 10
PROTOTYPES_SHOWN = 12


@dataclass(frozen=True)
class Contributions:
    comments: int
    shipped: list[Idea]
    prototypes: list[Prototype]
    connections: int


def _public_ideas(user_id: int):
    return (Idea.author_id == user_id, Idea.hidden_at.is_(None), Idea.pending_approval.is_(False),
            Idea.merged_into_id.is_(None))


def contributions(person: User) -> Contributions:
    """Public contributions: comments, ideas that shipped, prototypes taken part in, connections."""
    comments = db.session.scalar(select(func.count(Comment.id)).where(
        Comment.author_id == person.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
        Comment.pending_approval.is_(False))) or 0
    shipped = list(db.session.scalars(
        select(Idea).join(Status, Status.id == Idea.status_id)
        .where(*_public_ideas(person.id), Status.kind == "done")
        .options(joinedload(Idea.prototype)).order_by(Idea.created_at.desc()).limit(SHIPPED_SHOWN)))
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
    return Contributions(comments=comments, shipped=shipped, prototypes=prototypes,
                         connections=connection_count(person.id))


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
    """None for visitors and for one's own profile."""
    if not getattr(viewer, "is_authenticated", False) or viewer.id == person.id:
        return None
    return Standing(row=connection_between(viewer.id, person.id), i_blocked=has_blocked(viewer.id, person.id),
                    viewer_id=viewer.id)
