"""Counting the records reputation comes from, for one person, everyone, a product or a period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import ColumnElement, Integer, Select, and_, exists, false, func, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter, ColumnClause
from sqlalchemy.sql.functions import FunctionElement

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.invitations.models import Invitation
from portal.network.models import Connection, ConnectionStatus, Introduction
from portal.people.models import DirectoryExit
from portal.prototypes.models import Prototype
from portal.reputation.models import HelpfulMark, ReputationTotal
from portal.reputation.scoring import RULES, Breakdown, Rule, badges, score
from portal.triage.models import Status, StatusChange

Counts = dict[str, int]


@dataclass(frozen=True)
class Scope:
    """Which records count: some people, one product, since a moment (all of them when left empty)."""

    user_ids: tuple[int, ...] | None = None
    product_id: int | None = None
    since: datetime | None = None
    # One person named by an SQL expression (a bound id, or a column of an enclosing query).
    person: ColumnElement[int] | None = None


def _visible_idea(idea: type[Idea] | Idea = Idea) -> ColumnElement[bool]:
    return and_(idea.hidden_at.is_(None), idea.pending_approval.is_(False))


def _visible_comment() -> ColumnElement[bool]:
    return and_(Comment.deleted_at.is_(None), Comment.hidden_at.is_(None), Comment.pending_approval.is_(False))


def _shipped(scope: Scope) -> Select:
    done = select(StatusChange.id).join(Status, Status.id == StatusChange.to_status_id).where(
        StatusChange.idea_id == Idea.id, Status.kind == "done")
    if scope.since is not None:
        done = done.where(StatusChange.created_at >= scope.since)
    stmt = select(Idea.author_id, func.count()).join(Status, Status.id == Idea.status_id).where(
        Status.kind == "done", Idea.merged_into_id.is_(None), _visible_idea(), exists(done))
    return _scoped(stmt, Idea.author_id, scope, Idea.product_id)


def _helpful(scope: Scope) -> Select:
    stmt = select(Comment.author_id, func.count()).select_from(HelpfulMark) \
        .join(Comment, Comment.id == HelpfulMark.comment_id).join(Idea, Idea.id == Comment.idea_id) \
        .where(_visible_comment(), Idea.hidden_at.is_(None))
    if scope.since is not None:
        stmt = stmt.where(HelpfulMark.created_at >= scope.since)
    return _scoped(stmt, Comment.author_id, scope, Idea.product_id)


def _introductions(scope: Scope) -> Select:
    accepted = select(Connection.id).where(Connection.introduction_id == Introduction.id,
                                           Connection.status == ConnectionStatus.ACCEPTED.value)
    if scope.since is not None:
        accepted = accepted.where(Connection.accepted_at >= scope.since)
    stmt = select(Introduction.host_id, func.count()).where(exists(accepted))
    if scope.product_id is not None:  # an introduction is about people, not a product
        stmt = stmt.where(false())
    return _scoped(stmt, Introduction.host_id, scope, None)


def contributed(user_id_column: ColumnElement[int]) -> ColumnElement[bool]:
    """The person posted a visible idea or comment."""
    own_idea = exists().where(Idea.author_id == user_id_column, _visible_idea())
    own_comment = exists().where(Comment.author_id == user_id_column, _visible_comment())
    return or_(own_idea, own_comment)


def _invitees(scope: Scope) -> Select:
    stmt = select(Invitation.inviter_id, func.count()).outerjoin(
        Prototype, Prototype.id == Invitation.prototype_id).where(
        Invitation.accepted_by_id.is_not(None), contributed(Invitation.accepted_by_id))
    if scope.since is not None:
        stmt = stmt.where(Invitation.accepted_at >= scope.since)
    return _scoped(stmt, Invitation.inviter_id, scope, Prototype.product_id)


def _votes(scope: Scope) -> Select:
    if scope.person is not None and scope.product_id is None:
        return _one_persons_votes(scope)
    stmt = select(Vote.user_id, func.count()).join(Idea, Idea.id == Vote.idea_id).where(
        Vote.user_id != Idea.author_id, Vote.on_behalf_by_id.is_(None), Idea.hidden_at.is_(None))
    if scope.since is not None:
        stmt = stmt.where(Vote.created_at >= scope.since)
    return _scoped(stmt, Vote.user_id, scope, Idea.product_id)


def vote_earns_points(author_id: int | None, hidden: bool, voter_id: int, on_behalf: bool) -> bool:
    """Whether one vote counts for the voter's votes rule: what `_votes` and `_one_persons_votes` count in SQL."""
    return author_id is not None and author_id != voter_id and not hidden and not on_behalf


def _one_persons_votes(scope: Scope) -> Select:
    """The same votes as `_votes`, for one person: each idea is looked up by its key from the voter's votes.

    Joined, PostgreSQL hashes every idea (a scan of the table on each vote) to count one person's dozens of
    votes; a scalar subquery cannot be turned into that join. A hidden idea's author reads as NULL: not counted.
    """
    author = select(Idea.author_id).where(Idea.id == Vote.idea_id, Idea.hidden_at.is_(None)).scalar_subquery()
    stmt = select(Vote.user_id, func.count())
    if isinstance(scope.person, BindParameter):
        # Everyone votes for their own ideas when posting them: a prolific author's votes are mostly those. Set
        # aside at once (one hashed list of their ideas) rather than each looked up, as a vote costing 8 ms showed.
        stmt = stmt.where(Vote.idea_id.not_in(select(Idea.id).where(Idea.author_id == scope.person)))
    stmt = stmt.where(author != Vote.user_id, Vote.on_behalf_by_id.is_(None))
    if scope.since is not None:
        stmt = stmt.where(Vote.created_at >= scope.since)
    return _scoped(stmt, Vote.user_id, scope, None)


def _scoped(stmt: Select, user_col: ColumnElement, scope: Scope, product_col: ColumnElement | None) -> Select:
    if scope.user_ids is not None:
        stmt = stmt.where(user_col.in_(scope.user_ids))
    if scope.person is not None:
        stmt = stmt.where(user_col == scope.person)
    if scope.product_id is not None and product_col is not None:
        stmt = stmt.where(product_col == scope.product_id)
    return stmt.where(user_col.is_not(None)).group_by(user_col)


_COUNTERS = {"shipped": _shipped, "helpful": _helpful, "introductions": _introductions, "invitees": _invitees,
             "votes": _votes}


def counts_by_user(scope: Scope = Scope()) -> dict[int, Counts]:
    """Each person's count of every kind of record that earns points, within the scope."""
    counts: dict[int, Counts] = defaultdict(dict)
    if scope.user_ids == ():
        return {}
    for key, build in _COUNTERS.items():
        for user_id, count in db.session.execute(build(scope)):
            counts[user_id][key] = count
    return dict(counts)


class least(FunctionElement):  # noqa: N801 - named as the SQL function it renders
    """The smaller of two integers: LEAST on PostgreSQL, the two-argument min() on SQLite."""

    type = Integer()
    inherit_cache = True


@compiles(least)
def _least(element: least, compiler, **kw) -> str:
    return f"least({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler, **kw) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


def records_to_cap(rule: Rule) -> int:
    """How many records of a capped rule earn its whole cap."""
    return -(-rule.cap // rule.points)


def counted_records(rule: Rule, person: ColumnElement[int], past_cap: int = 0) -> ColumnElement[int]:
    """How many records one person has for a rule, as a scalar subquery; a capped rule counts only to its cap
    (and `past_cap` more)."""
    records = _COUNTERS[rule.key](Scope(person=person)).group_by(None)
    if not rule.cap:
        return records.with_only_columns(func.count(), maintain_column_froms=True).scalar_subquery()
    # Records past the cap earn nothing, so counting stops there: a keen voter's hundreds of votes are not
    # all joined to their ideas on every vote (and the LIMIT steers PostgreSQL to an index walk, not a scan).
    enough = records_to_cap(rule) + past_cap
    capped = records.with_only_columns(literal_column("1"), maintain_column_froms=True).limit(
        literal_column(str(enough), Integer))  # inline: a bound LIMIT leaves a prepared plan guessing
    column = person.__clause_element__() if hasattr(person, "__clause_element__") else person
    if isinstance(column, ColumnClause) and column.table is not None:
        # A column of the enclosing query names the person: a subquery in FROM correlates only when told to.
        capped = capped.correlate(column.table)
    return select(func.count()).select_from(capped.subquery()).scalar_subquery()


def all_counted_votes(person: ColumnElement[int]) -> ColumnElement[int]:
    """Every vote of one person's that the votes rule counts, past its cap too, as a scalar subquery: stored
    beside the total so that one vote more or less moves it without counting (see totals.vote_changed)."""
    votes = _COUNTERS["votes"](Scope(person=person)).group_by(None)
    return votes.with_only_columns(func.count(), maintain_column_froms=True).scalar_subquery()


def points_expression(person: ColumnElement[int]) -> ColumnElement[int]:
    """One person's total as a single SQL expression: the formula of `score`, one counting subquery per rule."""
    total: ColumnElement[int] | None = None
    for rule in RULES:
        line = counted_records(rule, person) * rule.points
        if rule.cap:
            line = least(line, rule.cap)
        total = line if total is None else total + line
    return total


def first_answers(user_id: int) -> int:
    """How many newcomers' first ideas this person answered first."""
    first_idea = select(func.min(Idea.id)).group_by(Idea.author_id).scalar_subquery()
    other = aliased(Comment)
    first_reply = select(func.min(other.id)).where(
        other.idea_id == Idea.id, other.author_id != Idea.author_id, other.deleted_at.is_(None),
        other.hidden_at.is_(None), other.pending_approval.is_(False)).scalar_subquery()
    stmt = select(func.count()).select_from(Comment).join(Idea, Idea.id == Comment.idea_id).where(
        Idea.id.in_(first_idea), Comment.id == first_reply, Comment.author_id == user_id)
    return db.session.scalar(stmt) or 0


def breakdown(user_id: int) -> Breakdown:
    """One person's points, exactly, from the records."""
    return score(counts_by_user(Scope(user_ids=(user_id,))).get(user_id, {}))


def points(user_id: int) -> int:
    return breakdown(user_id).total


def trusted_threshold() -> int:
    """Points that earn trusted standing: no holds on first posts, no link limits (TRUSTED_REPUTATION)."""
    return int(current_app.config.get("TRUSTED_REPUTATION", 25))


@dataclass(frozen=True)
class Profile:
    """What a profile shows: the breakdown, badges, and the records behind the biggest lines."""

    breakdown: Breakdown
    badges: list
    shipped: list[Idea]
    helpful: list[tuple[Comment, Idea]]


def profile(user_id: int) -> Profile:
    counts = counts_by_user(Scope(user_ids=(user_id,))).get(user_id, {})
    shipped = db.session.scalars(select(Idea).join(Status, Status.id == Idea.status_id).where(
        Idea.author_id == user_id, Status.kind == "done", Idea.merged_into_id.is_(None), _visible_idea())
        .order_by(Idea.id.desc()).limit(5)).all()
    helpful = db.session.execute(select(Comment, Idea).join(HelpfulMark, HelpfulMark.comment_id == Comment.id)
                                 .join(Idea, Idea.id == Comment.idea_id)
                                 .where(Comment.author_id == user_id, _visible_comment(), Idea.hidden_at.is_(None))
                                 .order_by(HelpfulMark.created_at.desc()).limit(5)).all()
    all_counts = counts | {"first_answers": first_answers(user_id)}
    return Profile(score(counts), badges(all_counts), list(shipped), [tuple(row) for row in helpful])


def listed_people() -> ColumnElement[bool]:
    """People who may appear in lists of people: not banned, not contact-only, not out of the directory."""
    left = exists().where(DirectoryExit.user_id == User.id)
    return and_(User.banned_at.is_(None), User.is_contact.is_(False), ~left)


@dataclass(frozen=True)
class Leader:
    user: User
    breakdown: Breakdown


def leaderboard(product_id: int | None = None, since: datetime | None = None, limit: int = 20) -> list[Leader]:
    """The people who gave most within a product and a period, best first (ties: longest-standing first)."""
    counts = counts_by_user(Scope(product_id=product_id, since=since))
    scored = {user_id: score(c) for user_id, c in counts.items()}
    scored = {user_id: b for user_id, b in scored.items() if b.total > 0}
    if not scored:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(scored), listed_people())).all()
    ranked = sorted(users, key=lambda user: (-scored[user.id].total, user.id))
    return [Leader(user, scored[user.id]) for user in ranked[:limit]]


def cached_points(user_ids: list[int]) -> dict[int, int]:
    """The stored totals for some people (0 when never computed)."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(ReputationTotal.user_id, ReputationTotal.points)
                              .where(ReputationTotal.user_id.in_(user_ids)))
    return {user_id: 0 for user_id in user_ids} | {user_id: points for user_id, points in rows}
