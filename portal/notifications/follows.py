"""Following ideas and watching products; the rows events fan out over."""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

from sqlalchemy import Insert, Select, Table, delete, exists, func, insert, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.notifications.models import Follow, ProductWatch
from portal.permissions import can_follow, can_watch_products, require
from portal.prototypes.models import Product


@cache
def _insert_statement(dialect: str, table: Table) -> Insert:
    # Built once; the values come with the parameters (a vote or a comment follows its idea on every post).
    return (sqlite_insert if dialect == "sqlite" else pg_insert)(table).on_conflict_do_nothing()


def _insert_ignoring_duplicates(model: type[Follow] | type[ProductWatch], **values: object) -> None:
    stmt = _insert_statement(db.session.get_bind().dialect.name, model.__table__)
    db.session.execute(stmt, {"created_at": utcnow(), **values})


def auto_follow(user: User, idea_id: int) -> None:
    """Follow an idea one took part in, unless one turned automatic following off (inside the caller's write)."""
    if user.auto_follow:
        _insert_ignoring_duplicates(Follow, user_id=user.id, idea_id=idea_id)


def follow(actor: User, idea: Idea) -> None:
    require(can_follow(actor, idea), "You can't follow this idea.")
    _insert_ignoring_duplicates(Follow, user_id=actor.id, idea_id=idea.id)
    db.session.commit()


def unfollow(actor: User, idea: Idea) -> None:
    db.session.execute(delete(Follow).where(Follow.user_id == actor.id, Follow.idea_id == idea.id))
    db.session.commit()


def is_following(user: object, idea: Idea) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(select(exists().where(Follow.user_id == user.id, Follow.idea_id == idea.id))))


def follower_count(idea: Idea) -> int:
    return db.session.scalar(select(func.count()).select_from(Follow).where(Follow.idea_id == idea.id)) or 0


def follower_ids(idea_id: int) -> list[int]:
    return list(db.session.scalars(followers_of(idea_id)))


def followers_of(idea_id: int, excluding: Collection[int] = ()) -> Select:
    """The ids of an idea's followers, as a statement: a query that reads the people can use it as a subquery."""
    stmt = select(Follow.user_id).where(Follow.idea_id == idea_id)
    return stmt.where(Follow.user_id.not_in(excluding)) if excluding else stmt


def move_followers(from_idea_id: int, to_idea_id: int) -> None:
    """Followers of a merged duplicate follow the original too (they keep following the duplicate)."""
    already = select(Follow.user_id).where(Follow.idea_id == to_idea_id)
    db.session.execute(insert(Follow).from_select(
        ["user_id", "idea_id", "created_at"],
        select(Follow.user_id, db.literal(to_idea_id), db.literal(utcnow(), Follow.created_at.type))
        .where(Follow.idea_id == from_idea_id, Follow.user_id.not_in(already)),
    ))


def set_auto_follow(actor: User, enabled: bool) -> None:
    db.session.execute(update(User).where(User.id == actor.id).values(auto_follow=enabled))
    db.session.commit()


def watch_product(actor: User, product: Product, watching: bool) -> None:
    require(can_watch_products(actor))
    if watching:
        _insert_ignoring_duplicates(ProductWatch, user_id=actor.id, product_id=product.id)
    else:
        db.session.execute(delete(ProductWatch).where(ProductWatch.user_id == actor.id,
                                                      ProductWatch.product_id == product.id))
    db.session.commit()


def is_watching(user: object, product: Product) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(select(exists().where(ProductWatch.user_id == user.id,
                                                        ProductWatch.product_id == product.id))))


def watcher_ids(product_id: int) -> list[int]:
    return list(db.session.scalars(select(ProductWatch.user_id).where(ProductWatch.product_id == product_id)))


def follow_participants() -> None:
    """Everyone who posted, voted on or commented on an idea follows it (for rows written outside services)."""
    votes = select(Vote.user_id, Vote.idea_id, Vote.created_at)
    authors = select(Idea.author_id, Idea.id, Idea.created_at)
    commenters = select(Comment.author_id, Comment.idea_id, Comment.created_at)
    taking_part = union_all(authors, votes, commenters).subquery()
    user_id, idea_id, created_at = taking_part.c
    already = select(Follow.user_id).where(Follow.user_id == user_id, Follow.idea_id == idea_id).exists()
    db.session.execute(insert(Follow).from_select(
        ["user_id", "idea_id", "created_at"],
        select(user_id, idea_id, func.min(created_at)).where(~already).group_by(user_id, idea_id),
    ))
