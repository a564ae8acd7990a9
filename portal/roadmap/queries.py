"""Reads for the public roadmap and changelog: what everyone may see, capped, with no query per card."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Guest
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.queries import tag_for_viewer, visible_ideas
from portal.pagecache import remember
from portal.prototypes.models import Product, Prototype
from portal.prototypes.queries import product_by_slug, prototype_by_slug
from portal.triage.models import Status, StatusChange, StatusKind, Tag, idea_tag

COLUMN_LIMIT = 50
SHIPPED_WINDOW = timedelta(days=90)
CHANGELOG_LIMIT = 200
# (kind, heading, empty-state sentence)
COLUMNS = (
    (StatusKind.PLANNED, "Planned", "Nothing is planned yet. Vote for the ideas you want to see here."),
    (StatusKind.ACTIVE, "In progress", "Nothing is being built right now."),
    (StatusKind.DONE, "Shipped recently", "Nothing shipped in the last 90 days."),
)


@dataclass
class Filters:
    """What the roadmap is narrowed to; only real, public things survive parsing."""

    product: Product | None = None
    prototype: Prototype | None = None
    tag: Tag | None = None

    @property
    def active(self) -> bool:
        return any((self.prototype, self.tag))


@dataclass
class Column:
    kind: StatusKind
    title: str
    empty: str
    ideas: list[Idea]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.ideas), 0)


@dataclass
class Entry:
    idea: Idea
    shipped_at: datetime
    note_html: str = ""


@dataclass
class VersionGroup:
    prototype: Prototype | None
    months: list[tuple[datetime, list[Entry]]] = field(default_factory=list)


def parse_filters(args: Any, product: Product | None = None) -> Filters:
    """Read ?product=slug&prototype=slug&tag=id leniently: unknown, internal or foreign values are ignored."""
    if product is None:
        product = product_by_slug(_arg(args, "product"))
    prototype = prototype_by_slug(_arg(args, "prototype"))
    if prototype is not None and product is not None and prototype.product_id != product.id:
        prototype = None
    return Filters(product=product, prototype=prototype, tag=tag_for_viewer(_arg(args, "tag"), Guest()))


def _arg(args: Any, name: str) -> str:
    value = args.get(name, "")
    return value if isinstance(value, str) else ""


def _kind_status_ids(kind: StatusKind) -> list[int]:
    """The ids of every status of a kind, retired ones too (they still count by their kind).

    As literal ids rather than a subquery, so the planners walk the (status, votes) and (status, shipped_at)
    indexes; kept until the next write.
    """
    kinds = remember("status-ids-by-kind", lambda: {
        k: [i for i, in_kind in db.session.execute(select(Status.id, Status.kind)) if in_kind == k]
        for k in {s.value for s in StatusKind}})
    return kinds.get(kind.value, [])


def _public_ideas(kind: StatusKind, filters: Filters) -> Select:
    """Ideas everyone may see in statuses of a kind, narrowed by the filters (never hidden, held or merged)."""
    stmt = visible_ideas(select(Idea), Guest()).where(Idea.status_id.in_(_kind_status_ids(kind)))
    return _filtered(stmt, filters)


def _filtered(stmt: Select, filters: Filters) -> Select:
    if filters.product is not None:
        stmt = stmt.where(Idea.product_id == filters.product.id)
    if filters.prototype is not None:
        stmt = stmt.where(Idea.prototype_id == filters.prototype.id)
    if filters.tag is not None:
        stmt = stmt.where(Idea.id.in_(select(idea_tag.c.idea_id).where(idea_tag.c.tag_id == filters.tag.id)))
    return stmt


def _count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def roadmap_columns(filters: Filters, limit: int | None = None, now: datetime | None = None) -> list[Column]:
    """Planned, In progress and Shipped recently: one capped query per column and one grouped count for all."""
    limit = limit or COLUMN_LIMIT
    cutoff = (now or utcnow()) - SHIPPED_WINDOW
    columns = []
    for kind, title, empty in COLUMNS:
        stmt = _public_ideas(kind, filters)
        if kind is StatusKind.DONE:
            stmt = stmt.where(Idea.shipped_at >= cutoff)
        ideas = db.session.scalars(
            stmt.options(joinedload(Idea.prototype), joinedload(Idea.product))
            .order_by(Idea.vote_count.desc(), Idea.id).limit(limit)
        ).all()
        columns.append(Column(kind=kind, title=title, empty=empty, ideas=list(ideas), total=0))
    totals = _column_totals(filters, cutoff)
    for column in columns:
        column.total = totals.get(column.kind.value, 0)
    return columns


def _column_totals(filters: Filters, cutoff: datetime) -> dict[str, int]:
    """How many ideas each column holds, in one grouped query (one index range per status)."""
    kind_of = {status_id: kind.value for kind, _, _ in COLUMNS for status_id in _kind_status_ids(kind)}
    done = _kind_status_ids(StatusKind.DONE)
    counts = select(Idea.status_id, func.count())
    stmt = _filtered(visible_ideas(counts, Guest()), filters).where(or_(
        Idea.status_id.in_([i for i in kind_of if i not in done]),
        Idea.status_id.in_(done) & (Idea.shipped_at >= cutoff)))
    totals: dict[str, int] = {}
    for status_id, count in db.session.execute(stmt.group_by(Idea.status_id)):
        totals[kind_of[status_id]] = totals.get(kind_of[status_id], 0) + count
    return totals


def public_tags(idea_ids: list[int]) -> dict[int, list[Tag]]:
    """The public tags of these ideas, in one query; internal tags are never read."""
    if not idea_ids:
        return {}
    rows = db.session.execute(
        select(idea_tag.c.idea_id, Tag).join(Tag, Tag.id == idea_tag.c.tag_id)
        .where(idea_tag.c.idea_id.in_(idea_ids), Tag.internal.is_(False)).order_by(Tag.name)
    ).all()
    tags: dict[int, list[Tag]] = defaultdict(list)
    for idea_id, tag in rows:
        tags[idea_id].append(tag)
    return tags


def latest_notes(idea_ids: list[int], done_only: bool = False) -> dict[int, str]:
    """The HTML of each idea's latest status change that has a (public) note, in one query."""
    if not idea_ids:
        return {}
    stmt = (select(StatusChange.idea_id, StatusChange.note_html)
            .where(StatusChange.idea_id.in_(idea_ids), StatusChange.note_html != "")
            .order_by(StatusChange.created_at.desc(), StatusChange.id.desc()))
    if done_only:
        stmt = stmt.where(StatusChange.to_status_id.in_(_kind_status_ids(StatusKind.DONE)))
    notes: dict[int, str] = {}
    for idea_id, note_html in db.session.execute(stmt):
        notes.setdefault(idea_id, note_html)
    return notes


def roadmap_filter_choices(product: Product | None) -> dict[str, list]:
    """What the filter form offers: products, their prototypes, public tags (kept until the next write)."""
    prototypes = select(Prototype).order_by(Prototype.name)
    if product is not None:
        prototypes = prototypes.where(Prototype.product_id == product.id)
    return remember(f"roadmap-choices:{product.id if product else ''}", lambda: {
        "products": list(db.session.scalars(select(Product).order_by(Product.name))),
        "prototypes": list(db.session.scalars(prototypes)),
        "tags": list(db.session.scalars(select(Tag).where(Tag.internal.is_(False)).order_by(Tag.name)))})


def changelog(product: Product | None = None, limit: int | None = None) -> tuple[list[VersionGroup], int]:
    """Shipped ideas, newest first, grouped by the prototype they shipped in and by month; and how many there are."""
    limit = limit or CHANGELOG_LIMIT
    stmt = visible_ideas(select(Idea), Guest()).where(Idea.status_id.in_(_kind_status_ids(StatusKind.DONE)))
    if product is not None:
        stmt = stmt.where(Idea.product_id == product.id)
    rows = db.session.scalars(
        stmt.options(joinedload(Idea.shipped_in).joinedload(Prototype.product))
        .order_by(Idea.shipped_at.desc(), Idea.id.desc()).limit(limit)
    ).all()
    total = _count(stmt)
    notes = latest_notes([idea.id for idea in rows], done_only=True)
    return _group([Entry(idea, idea.shipped_at or idea.created_at, notes.get(idea.id, "")) for idea in rows]), total


def _group(entries: list[Entry]) -> list[VersionGroup]:
    """Versions in the order of their newest entry, "not tied to a version" last; months newest first."""
    groups: dict[int | None, VersionGroup] = {}
    for entry in entries:
        key = entry.idea.shipped_in_id
        group = groups.setdefault(key, VersionGroup(prototype=entry.idea.shipped_in))
        month = entry.shipped_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if not group.months or group.months[-1][0] != month:
            group.months.append((month, []))
        group.months[-1][1].append(entry)
    untied = groups.pop(None, None)
    return list(groups.values()) + ([untied] if untied else [])
