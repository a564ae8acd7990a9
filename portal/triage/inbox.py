"""The triage inbox at /triage: filters read from the query string, one page of ideas, counts per status,
the moderation queue; and the one bulk write the inbox needs that portal.triage.services lacks (a status note)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, selectinload

from portal.accounts.models import User
from portal.core.pagination import Page, paginate
from portal.core.text import parse_id
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.prototypes.models import Product, Prototype
from portal.triage.models import Status, Tag, idea_tag
from portal.triage.queries import tags_for_viewer, team_members
from portal.triage.statuses import ordered_statuses

PER_PAGE = 50
QUEUE_LIMIT = 50
MAX_VOTES_FILTER = 1_000_000_000
MAX_BULK = 500
ANYONE, UNASSIGNED, MINE = "", "none", "me"
_WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")


@dataclass
class InboxChoices:
    """What the filter and bulk controls offer; also what a filter value from a URL is checked against."""

    products: list[Product]
    prototypes: list[Prototype]
    statuses: list[Status]
    tags: list[Tag]
    team: list[User]

    @property
    def assignable_statuses(self) -> list[Status]:
        return [s for s in self.statuses if not s.retired]

    @property
    def initial(self) -> Status | None:
        return next((s for s in self.statuses if s.is_initial), None)

    @property
    def prototypes_by_product(self) -> list[tuple[Product, list[Prototype]]]:
        return [(product, list(group)) for product, group in groupby(self.prototypes, key=lambda p: p.product)]


def inbox_choices(viewer: Any) -> InboxChoices:
    """Products, prototypes (with their product), statuses, tags (internal ones too) and team members."""
    prototypes = db.session.scalars(select(Prototype).join(Prototype.product).options(
        contains_eager(Prototype.product)).order_by(Product.name, Product.id, Prototype.name, Prototype.id))
    return InboxChoices(
        products=list(db.session.scalars(select(Product).order_by(Product.name, Product.id))),
        prototypes=list(prototypes), statuses=ordered_statuses(), tags=tags_for_viewer(viewer),
        team=team_members(),
    )


@dataclass
class InboxFilters:
    """The inbox filters of one request; `problems` says which values were ignored, and why."""

    product_id: int | None = None
    prototype_id: int | None = None
    status_id: int | None = None
    tag_id: int | None = None
    assignee: str = ANYONE  # ANYONE, UNASSIGNED, MINE or a team member's id
    min_votes: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return any(v not in (None, ANYONE) for v in (
            self.product_id, self.prototype_id, self.status_id, self.tag_id, self.assignee, self.min_votes,
            self.date_from, self.date_to))


def _known_id(args: Mapping[str, str], name: str, known: list[Any], label: str, problems: list[str]) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is None or value not in {item.id for item in known}:
        problems.append(f"There is no {label} “{raw[:40]}”, so that filter is ignored.")
        return None
    return value


def _assignee(raw: str, team: list[User], problems: list[str]) -> str:
    raw = raw.strip()
    if raw in (ANYONE, UNASSIGNED, MINE):
        return raw
    value = parse_id(raw)
    if value is None or value not in {member.id for member in team}:
        problems.append(f"“{raw[:40]}” is not a team member, so the assignee filter is ignored.")
        return ANYONE
    return str(value)


def _min_votes(raw: str, problems: list[str]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if raw.startswith("-") and _WHOLE_NUMBER.fullmatch(raw[1:]):
        problems.append("Minimum votes can't be negative, so that filter is ignored.")
    elif not _WHOLE_NUMBER.fullmatch(raw):
        problems.append(f"Minimum votes must be a whole number, not “{raw[:40]}”; that filter is ignored.")
    elif int(raw) > MAX_VOTES_FILTER:
        problems.append("Minimum votes is too large to mean anything, so that filter is ignored.")
    else:
        return int(raw)
    return None


def _date(raw: str, label: str, problems: list[str]) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(f"“{raw[:40]}” is not a date like 2026-01-31, so the {label} date is ignored.")
        return None


def parse_filters(args: Mapping[str, str], choices: InboxChoices) -> InboxFilters:
    """Read the inbox filters from the query string leniently: a bad value is dropped and explained, never fatal."""
    problems: list[str] = []
    filters = InboxFilters(
        product_id=_known_id(args, "product", choices.products, "product", problems),
        prototype_id=_known_id(args, "prototype", choices.prototypes, "prototype", problems),
        status_id=_known_id(args, "status", choices.statuses, "status", problems),
        tag_id=_known_id(args, "tag", choices.tags, "tag", problems),
        assignee=_assignee(args.get("assignee") or "", choices.team, problems),
        min_votes=_min_votes(args.get("votes") or "", problems),
        date_from=_date(args.get("from") or "", "“from”", problems),
        date_to=_date(args.get("to") or "", "“to”", problems),
        problems=problems,
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        problems.append("The “from” date is after the “to” date, so no idea can match.")
    return filters


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _filtered(stmt: Select, filters: InboxFilters, viewer: Any, *, by_status: bool = True) -> Select:
    """Apply the filters (optionally all but the status) to a select over ideas; merged duplicates never show."""
    stmt = stmt.where(Idea.merged_into_id.is_(None))
    equal = {Idea.product_id: filters.product_id, Idea.prototype_id: filters.prototype_id,
             Idea.status_id: filters.status_id if by_status else None}
    for column, value in equal.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.tag_id is not None:
        stmt = stmt.where(Idea.id.in_(select(idea_tag.c.idea_id).where(idea_tag.c.tag_id == filters.tag_id)))
    if filters.assignee == UNASSIGNED:
        stmt = stmt.where(Idea.assignee_id.is_(None))
    elif filters.assignee != ANYONE:
        stmt = stmt.where(Idea.assignee_id == (viewer.id if filters.assignee == MINE else int(filters.assignee)))
    if filters.min_votes is not None:
        stmt = stmt.where(Idea.vote_count >= filters.min_votes)
    if filters.date_from is not None:
        stmt = stmt.where(Idea.created_at >= _start_of(filters.date_from))
    if filters.date_to is not None and filters.date_to < date.max:
        stmt = stmt.where(Idea.created_at < _start_of(filters.date_to + timedelta(days=1)))
    return stmt


def filtered_ideas(stmt: Select, filters: InboxFilters, viewer: Any) -> Select:
    """A select over ideas narrowed by every inbox filter, as the inbox lists them (the CSV export reads this)."""
    return _filtered(stmt, filters, viewer)


def status_counts(filters: InboxFilters, viewer: Any) -> dict[int, int]:
    """How many ideas each status holds under the current filters, the status filter aside: one GROUP BY."""
    stmt = _filtered(select(Idea.status_id, func.count()), filters, viewer, by_status=False)
    return {status_id: count for status_id, count in db.session.execute(stmt.group_by(Idea.status_id))}


def _inbox_page(filters: InboxFilters, viewer: Any, page: int, counts: dict[int, int],
                initial: Status | None) -> Page:
    """One page of the ideas needing attention: New ones first, then the rest, oldest first within each.

    The counts per status already say how many ideas match and how many of them are New, so no second count
    runs; and a page is read as one or two plain ranges (`status = New`, `status <> New`, each ordered by
    created_at, id) instead of one sort over a join — the boundary page between the two is the only one
    that needs both.
    """
    total = counts.get(filters.status_id, 0) if filters.status_id is not None else sum(counts.values())
    initial_id = initial.id if initial is not None else None
    new_total = counts.get(initial_id, 0) if filters.status_id in (None, initial_id) else 0
    page = min(page, max(1, -(-total // PER_PAGE)))
    offset = (page - 1) * PER_PAGE
    base = _filtered(select(Idea).options(selectinload(Idea.status), selectinload(Idea.product),
                                          selectinload(Idea.prototype), selectinload(Idea.assignee),
                                          selectinload(Idea.tags)), filters, viewer).order_by(Idea.created_at, Idea.id)
    items: list[Idea] = []
    if offset < new_total:
        items += db.session.scalars(base.where(Idea.status_id == initial_id).offset(offset).limit(PER_PAGE))
    if len(items) < PER_PAGE and total > new_total:
        rest = base if initial_id is None else base.where(Idea.status_id != initial_id)
        items += db.session.scalars(rest.offset(max(0, offset - new_total)).limit(PER_PAGE - len(items)))
    return Page(items=items, page=page, per_page=PER_PAGE, total=total)


@dataclass
class Inbox:
    page: Page
    counts: dict[int, int]  # status id -> ideas matching every filter but the status one


def inbox_listing(filters: InboxFilters, viewer: Any, page: int, choices: InboxChoices) -> Inbox:
    """The inbox for these filters: one GROUP BY for the counts per status, then the page's rows."""
    counts = status_counts(filters, viewer)
    return Inbox(page=_inbox_page(filters, viewer, page, counts, choices.initial), counts=counts)


# --- the moderation queue ---------------------------------------------------------------------------------

@dataclass
class ModerationCounts:
    pending_ideas: int
    pending_comments: int
    hidden_ideas: int

    @property
    def pending(self) -> int:
        return self.pending_ideas + self.pending_comments


def _pending_ideas() -> Select:
    return select(Idea).where(Idea.pending_approval.is_(True), Idea.merged_into_id.is_(None))


def _pending_comments() -> Select:
    return (select(Comment, Idea).join(Idea, Idea.id == Comment.idea_id)
            .where(Comment.pending_approval.is_(True), Comment.deleted_at.is_(None)))


def _hidden_ideas() -> Select:
    return select(Idea).where(Idea.hidden_at.is_not(None), Idea.merged_into_id.is_(None))


def moderation_counts() -> ModerationCounts:
    """The sizes of the approval queue and of the hidden list: one statement, one pass over the ideas."""
    comments = select(func.count()).select_from(_pending_comments().order_by(None).subquery()).scalar_subquery()
    ideas_waiting, hidden, comments_waiting = db.session.execute(
        select(func.count().filter(Idea.pending_approval.is_(True)), func.count().filter(Idea.hidden_at.is_not(None)),
               comments).select_from(Idea).where(Idea.merged_into_id.is_(None))).one()
    return ModerationCounts(pending_ideas=ideas_waiting, pending_comments=comments_waiting, hidden_ideas=hidden)


def pending_ideas(limit: int = QUEUE_LIMIT) -> list[Idea]:
    """The oldest ideas awaiting approval; approving them brings the next ones up."""
    stmt = _pending_ideas().options(selectinload(Idea.author), selectinload(Idea.prototype))
    return list(db.session.scalars(stmt.order_by(Idea.created_at, Idea.id).limit(limit)))


def pending_comments(limit: int = QUEUE_LIMIT) -> list[tuple[Comment, Idea]]:
    """The oldest comments awaiting approval, each with the idea it belongs to."""
    stmt = _pending_comments().options(selectinload(Comment.author))
    return [tuple(row) for row in db.session.execute(stmt.order_by(Comment.created_at, Comment.id).limit(limit))]


def hidden_ideas(page: int) -> Page:
    """Hidden ideas, most recently hidden first."""
    stmt = _hidden_ideas().options(selectinload(Idea.author), selectinload(Idea.prototype))
    stmt = stmt.order_by(Idea.hidden_at.desc(), Idea.id.desc())
    result = paginate(stmt, page, PER_PAGE)
    return paginate(stmt, result.pages, PER_PAGE) if result.page > result.pages else result


# --- bulk changes -----------------------------------------------------------------------------------------

def ideas_for_bulk(ids: list[int]) -> list[Idea]:
    """The selected ideas that still stand on their own, loaded with what a bulk change reads."""
    ids = sorted(set(ids))[:MAX_BULK]
    if not ids:
        return []
    stmt = (select(Idea).where(Idea.id.in_(ids), Idea.merged_into_id.is_(None))
            .options(selectinload(Idea.status), selectinload(Idea.tags), selectinload(Idea.assignee))
            .order_by(Idea.id))
    return list(db.session.scalars(stmt))


