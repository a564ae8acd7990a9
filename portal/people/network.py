"""The network at a glance: the numbers behind /network, read in a handful of grouped queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Idea, Vote
from portal.invitations.models import Invitation
from portal.network.models import Connection, ConnectionStatus, Introduction
from portal.people.queries import activity
from portal.permissions import Role
from portal.prototypes.models import Product, Prototype

MONTHS = 12
LABEL_MAX = 27


@dataclass(frozen=True)
class PrototypeActivity:
    product: str
    prototype: str
    slug: str
    ideas: int
    votes: int
    version: str = ""

    @property
    def label(self) -> str:
        return f"{self.prototype} {self.version}".strip()

    @property
    def short_label(self) -> str:
        """The label for a chart row: the name shortened, never the version (two versions share a name)."""
        room = LABEL_MAX - len(self.version) - 1
        name = self.prototype if len(self.prototype) <= room else self.prototype[:room - 1].rstrip() + "…"
        return f"{name} {self.version}".strip()


@dataclass(frozen=True)
class Month:
    start: date
    new: int
    total: int

    @property
    def label(self) -> str:
        return self.start.strftime("%b %Y")


@dataclass(frozen=True)
class Overview:
    by_role: list[tuple[str, int]]
    months: list[Month]
    prototypes: list[PrototypeActivity]
    connections: int
    introductions: int
    introductions_accepted: int
    invitations: int
    invitations_joined: int

    @property
    def collaborators(self) -> int:
        return sum(count for _, count in self.by_role)


def _participants():
    act = activity()
    first = select(act.c.user_id, func.min(act.c.at).label("first_at")).group_by(act.c.user_id).subquery()
    return select(User.role, first.c.first_at).join(first, first.c.user_id == User.id).where(
        User.is_contact.is_(False), User.banned_at.is_(None))


def _by_role(rows: list[tuple[str, datetime]]) -> list[tuple[str, int]]:
    counts = {role.value: 0 for role in Role}
    for role, _ in rows:
        counts[role] = counts.get(role, 0) + 1
    return [(Role(role).label, count) for role, count in counts.items()]


def _month_start(value: date) -> date:
    return date(value.year, value.month, 1)


def _months(rows: list[tuple[str, datetime]], today: date) -> list[Month]:
    """New collaborators per month over the last MONTHS months, with the running total."""
    starts = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    firsts = [_month_start(at.date()) for _, at in rows]
    before = sum(1 for first in firsts if first < starts[0])
    months, total = [], before
    for start in starts:
        new = sum(1 for first in firsts if first == start)
        total += new
        months.append(Month(start, new, total))
    return months


def _prototypes() -> list[PrototypeActivity]:
    ideas = select(Idea.prototype_id, func.count().label("n")).where(
        Idea.hidden_at.is_(None), Idea.pending_approval.is_(False)).group_by(Idea.prototype_id).subquery()
    votes = select(Idea.prototype_id, func.count().label("n")).join(Vote, Vote.idea_id == Idea.id).where(
        Idea.hidden_at.is_(None)).group_by(Idea.prototype_id).subquery()
    rows = db.session.execute(
        select(Product.name, Prototype.name, Prototype.slug, func.coalesce(ideas.c.n, 0), func.coalesce(votes.c.n, 0),
               Prototype.version_label)
        .join(Product, Product.id == Prototype.product_id)
        .outerjoin(ideas, ideas.c.prototype_id == Prototype.id).outerjoin(votes, votes.c.prototype_id == Prototype.id)
        .order_by(Product.name, Prototype.name, Prototype.id)).all()
    return [PrototypeActivity(*row) for row in rows]


def _count(stmt) -> int:
    return db.session.scalar(stmt) or 0


def overview(today: date) -> Overview:
    rows = db.session.execute(_participants()).all()
    accepted = ConnectionStatus.ACCEPTED.value
    both = exists().where(Connection.introduction_id == Introduction.id, Connection.status == accepted)
    return Overview(
        by_role=_by_role(rows), months=_months(rows, today), prototypes=_prototypes(),
        connections=_count(select(func.count()).select_from(Connection).where(Connection.status == accepted)),
        introductions=_count(select(func.count()).select_from(Introduction)),
        introductions_accepted=_count(select(func.count()).select_from(Introduction).where(both)),
        invitations=_count(select(func.count()).select_from(Invitation)),
        invitations_joined=_count(select(func.count()).select_from(Invitation)
                                  .where(Invitation.accepted_at.is_not(None))),
    )
