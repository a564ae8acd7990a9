"""Who took part, for the directory: searchable, filterable, sortable, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, or_, select, union_all

from portal.accounts.models import User
from portal.core.pagination import Page
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.network.models import Connection, ConnectionStatus, ProfileTag
from portal.people.models import DirectoryExit
from portal.permissions import Role
from portal.reputation.models import ReputationTotal
from portal.reputation.queries import listed_people

PER_PAGE = 24
SORTS = {"reputation": "Reputation", "recent": "Recently active"}
MAX_WORDS = 6


@dataclass(frozen=True)
class Filters:
    q: str = ""
    role: str = ""
    product_id: int | None = None
    prototype_id: int | None = None
    sort: str = "reputation"

    @property
    def words(self) -> list[str]:
        return [word.lower()[:60] for word in self.q.split()][:MAX_WORDS]


def activity(product_id: int | None = None, prototype_id: int | None = None):
    """Every visible idea, comment and vote as (user_id, at, kind), optionally within a product or prototype."""
    def scoped(stmt: Select, idea=Idea) -> Select:
        if prototype_id is not None:
            stmt = stmt.where(idea.prototype_id == prototype_id)
        if product_id is not None:
            stmt = stmt.where(idea.product_id == product_id)
        return stmt

    ideas = scoped(select(Idea.author_id.label("user_id"), Idea.created_at.label("at"), literal("idea").label("kind"))
                   .where(Idea.hidden_at.is_(None), Idea.pending_approval.is_(False)))
    comments = scoped(select(Comment.author_id, Comment.created_at, literal("comment"))
                      .join(Idea, Idea.id == Comment.idea_id)
                      .where(Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
                             Comment.pending_approval.is_(False), Idea.hidden_at.is_(None)))
    votes = scoped(select(Vote.user_id, Vote.created_at, literal("vote")).join(Idea, Idea.id == Vote.idea_id)
                   .where(Idea.hidden_at.is_(None)))
    return union_all(ideas, comments, votes).subquery("activity")


def _matches(word: str) -> ColumnElement[bool]:
    tagged = exists().where(ProfileTag.user_id == User.id, ProfileTag.name.contains(word, autoescape=True))
    return or_(func.lower(User.display_name).contains(word, autoescape=True),
               func.lower(User.company).contains(word, autoescape=True),
               func.lower(User.job_title).contains(word, autoescape=True), tagged)


def directory(filters: Filters, page: int, per_page: int = PER_PAGE) -> Page:
    """People who took part (within a product or prototype), minus those who left the directory; rows are
    (user, last active, cached points)."""
    act = activity(filters.product_id, filters.prototype_id)
    last = select(act.c.user_id, func.max(act.c.at).label("last_active")).group_by(act.c.user_id).subquery()
    points = func.coalesce(ReputationTotal.points, 0)
    stmt = select(User, last.c.last_active, points.label("points")).join(last, last.c.user_id == User.id) \
        .outerjoin(ReputationTotal, ReputationTotal.user_id == User.id).where(listed_people())
    if filters.role in set(Role):
        stmt = stmt.where(User.role == filters.role)
    for word in filters.words:
        stmt = stmt.where(_matches(word))
    order = [last.c.last_active.desc()] if filters.sort == "recent" else [points.desc(), last.c.last_active.desc()]
    stmt = stmt.order_by(*order, User.id.desc())
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(rows), page=page, per_page=per_page, total=total)


def tags_for(user_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Offer and need tags of some people, in their chosen order."""
    found: dict[int, dict[str, list[str]]] = {uid: {"offer": [], "need": []} for uid in user_ids}
    if user_ids:
        rows = db.session.execute(select(ProfileTag.user_id, ProfileTag.kind, ProfileTag.name)
                                  .where(ProfileTag.user_id.in_(user_ids))
                                  .order_by(ProfileTag.position, ProfileTag.id))
        for user_id, kind, name in rows:
            found[user_id].setdefault(kind, []).append(name)
    return found


def connected_ids(viewer_id: int | None, user_ids: list[int]) -> set[int]:
    """Which of these people the viewer is connected with (one query for a whole page)."""
    if viewer_id is None or not user_ids:
        return set()
    rows = db.session.execute(select(Connection.low_user_id, Connection.high_user_id).where(
        Connection.status == ConnectionStatus.ACCEPTED.value,
        or_(and_(Connection.low_user_id == viewer_id, Connection.high_user_id.in_(user_ids)),
            and_(Connection.high_user_id == viewer_id, Connection.low_user_id.in_(user_ids)))))
    return {high if low == viewer_id else low for low, high in rows}


def is_listed(user_id: int) -> bool:
    return db.session.get(DirectoryExit, user_id) is None
