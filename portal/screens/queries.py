"""Reads for screens and pins: a screen's pins numbered in reading order, filtered and clustered; where an idea is
pinned; which version addressed what."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.core.pagination import Page
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.queries import visible_ideas
from portal.permissions import is_team
from portal.prototypes.models import Prototype
from portal.screens.models import CarriedIdea, Pin, Screen
from portal.triage.models import StatusKind, idea_tag

PINS_PER_PAGE = 50
# Pins closer than one cell of this size (a fraction of the image) share a cluster once CLUSTER_MIN of them do.
CLUSTER_CELL = 0.06
CLUSTER_MIN = 4
KIND_ORDER = [k.value for k in StatusKind]


@dataclass
class PinFilters:
    """The screen page's filters, from its query string."""

    status_id: int | None = None
    tag_id: int | None = None
    mine: bool = False
    hide: bool = False

    @property
    def active(self) -> bool:
        return bool(self.status_id or self.tag_id or self.mine)


@dataclass
class NumberedPin:
    pin: Pin
    number: int

    @property
    def idea(self) -> Idea:
        return self.pin.idea

    @property
    def kind(self) -> str:
        return self.pin.idea.status.kind


@dataclass
class Cluster:
    x: float
    y: float
    members: list[NumberedPin] = field(default_factory=list)


@dataclass
class ScreenPins:
    shown: list[NumberedPin]  # on the image and in the list, after filters
    clusters: list[Cluster]
    singles: list[NumberedPin]  # shown on the image one by one
    to_check: list[NumberedPin]  # the image was replaced after they were placed
    not_applicable: list[NumberedPin]
    page: Page  # of `shown`, for the list
    groups: list[tuple[str, list[NumberedPin]]]  # the page's items by status kind
    total: int


def screen_or_none(prototype: Prototype, screen_id: int) -> Screen | None:
    """The prototype's screen with that id; a screen of another prototype is not found here."""
    screen = db.session.get(Screen, screen_id)
    return screen if screen is not None and screen.prototype_id == prototype.id else None


def visible_screens(prototype_id: int, viewer: Any) -> list[Screen]:
    stmt = select(Screen).where(Screen.prototype_id == prototype_id).order_by(Screen.position, Screen.id)
    if not is_team(viewer):
        stmt = stmt.where(Screen.team_only.is_(False))
    return list(db.session.scalars(stmt))


def _visible_pins(viewer: Any):
    return visible_ideas(select(Pin).join(Pin.idea), viewer)


def pin_counts(screen_ids: list[int], viewer: Any) -> dict[int, int]:
    """How many pins the viewer sees on each screen (those marked as not applying left out), in one query."""
    if not screen_ids:
        return {}
    stmt = visible_ideas(select(Pin.screen_id, func.count()).join(Idea, Idea.id == Pin.idea_id), viewer)
    stmt = stmt.where(Pin.screen_id.in_(screen_ids), Pin.not_applicable.is_(False)).group_by(Pin.screen_id)
    return dict(db.session.execute(stmt).all())


def _reading_order(pin: Pin) -> tuple[int, float, int]:
    x, y = pin.center
    return int(y * 20), x, pin.id  # rows a twentieth of the image high, left to right within a row


def _matches(item: NumberedPin, filters: PinFilters, viewer_id: int | None, tagged: set[int]) -> bool:
    idea = item.pin.idea
    if filters.status_id and idea.status_id != filters.status_id:
        return False
    if filters.tag_id and idea.id not in tagged:
        return False
    return not filters.mine or viewer_id in (idea.author_id, item.pin.author_id)


def _cluster(items: list[NumberedPin], keep_apart: int | None) -> tuple[list[Cluster], list[NumberedPin]]:
    cells: dict[tuple[int, int], list[NumberedPin]] = defaultdict(list)
    singles = []
    for item in items:
        if item.pin.id == keep_apart or item.pin.is_area:
            singles.append(item)  # a highlighted pin and rectangles always show on their own
            continue
        x, y = item.pin.center
        cells[(int(x / CLUSTER_CELL), int(y / CLUSTER_CELL))].append(item)
    clusters = []
    for members in cells.values():
        if len(members) < CLUSTER_MIN:
            singles.extend(members)
            continue
        clusters.append(Cluster(x=sum(m.pin.center[0] for m in members) / len(members),
                                y=sum(m.pin.center[1] for m in members) / len(members), members=members))
    return clusters, sorted(singles, key=lambda i: i.number)


def screen_pins(screen: Screen, viewer: Any, filters: PinFilters, page: int = 1,
                highlight: int | None = None) -> ScreenPins:
    """Every pin of a screen the viewer may see, in a bounded number of queries whatever their number."""
    pins = list(db.session.scalars(
        _visible_pins(viewer).options(contains_eager(Pin.idea).joinedload(Idea.status),
                                      joinedload(Pin.addressed_in))
        .where(Pin.screen_id == screen.id)
    ))
    pins.sort(key=_reading_order)
    numbered = [NumberedPin(pin, n) for n, pin in enumerate(pins, start=1)]
    tagged: set[int] = set()
    if filters.tag_id:
        tagged = set(db.session.scalars(select(idea_tag.c.idea_id).where(
            idea_tag.c.tag_id == filters.tag_id, idea_tag.c.idea_id.in_({p.idea_id for p in pins}))))
    viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
    shown = [i for i in numbered if _matches(i, filters, viewer_id, tagged)]
    applicable = [i for i in shown if not i.pin.not_applicable]
    clusters, singles = _cluster(applicable, highlight)
    total_pages = max(1, -(-len(applicable) // PINS_PER_PAGE))
    page = min(max(page, 1), total_pages)
    items = applicable[(page - 1) * PINS_PER_PAGE:page * PINS_PER_PAGE]
    by_kind: dict[str, list[NumberedPin]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    return ScreenPins(
        shown=applicable, clusters=clusters, singles=singles, total=len(applicable),
        to_check=[i for i in applicable if i.pin.needs_review],
        not_applicable=[i for i in shown if i.pin.not_applicable],
        page=Page(items=items, page=page, per_page=PINS_PER_PAGE, total=len(applicable)),
        groups=[(kind, by_kind[kind]) for kind in KIND_ORDER if by_kind[kind]],
    )


def pins_of_idea(idea: Idea, viewer: Any) -> list[Pin]:
    """Where an idea and its comments are pinned, on screens the viewer may see, oldest first."""
    stmt = (select(Pin).join(Pin.screen).options(contains_eager(Pin.screen).joinedload(Screen.prototype))
            .where(Pin.idea_id == idea.id, Pin.not_applicable.is_(False)).order_by(Pin.created_at, Pin.id))
    if not is_team(viewer):
        stmt = stmt.where(Screen.team_only.is_(False))
    return list(db.session.scalars(stmt))


def addressed_by_version(version_ids: list[int], viewer: Any) -> dict[int, list[Pin]]:
    """Pins addressed in each of these versions, with their idea and screen, for the roadmap and changelog."""
    if not version_ids:
        return {}
    stmt = (_visible_pins(viewer).join(Pin.screen)
            .options(contains_eager(Pin.idea), contains_eager(Pin.screen).joinedload(Screen.prototype))
            .where(Pin.addressed_in_id.in_(version_ids), Pin.comment_id.is_(None)))
    if not is_team(viewer):
        stmt = stmt.where(Screen.team_only.is_(False))
    grouped: dict[int, list[Pin]] = defaultdict(list)
    for pin in db.session.scalars(stmt.order_by(Pin.addressed_at.desc(), Pin.id)):
        grouped[pin.addressed_in_id].append(pin)
    return grouped


def addressed_versions_of(idea_ids: list[int]) -> dict[int, list[Prototype]]:
    """For each idea, the versions that addressed one of its pins (roadmap cards say so)."""
    if not idea_ids:
        return {}
    rows = db.session.execute(
        select(Pin.idea_id, Prototype).join(Prototype, Prototype.id == Pin.addressed_in_id)
        .where(Pin.idea_id.in_(idea_ids)).distinct().order_by(Prototype.created_at)
    ).all()
    found: dict[int, list[Prototype]] = defaultdict(list)
    for idea_id, version in rows:
        found[idea_id].append(version)
    return found




def prototype_screens(prototype: Prototype, viewer: Any) -> dict[str, Any]:
    """The prototype page's screens with pin counts, its versions, and what was addressed in it."""
    screens = visible_screens(prototype.id, viewer)
    newer = db.session.scalars(select(Prototype).where(Prototype.previous_version_id == prototype.id)
                               .order_by(Prototype.created_at)).all()
    addressed = addressed_by_version([prototype.id], viewer).get(prototype.id, [])
    return {"screens": screens, "screen_counts": pin_counts([s.id for s in screens], viewer),
            "newer_versions": newer, "addressed_here": addressed}


def carried_into(idea: Idea) -> list[Prototype]:
    """The newer versions an idea was carried forward into."""
    return list(db.session.scalars(select(Prototype).join(CarriedIdea, CarriedIdea.prototype_id == Prototype.id)
                                   .where(CarriedIdea.idea_id == idea.id).order_by(Prototype.created_at)))


def addressed_in_versions(product_id: int | None, viewer: Any) -> list[tuple[Prototype, list[Pin]]]:
    """For the changelog: each version (newest first) with the pinned spots triage marked as addressed in it."""
    stmt = select(Prototype.id).where(Prototype.id.in_(select(Pin.addressed_in_id)))
    if product_id is not None:
        stmt = stmt.where(Prototype.product_id == product_id)
    version_ids = list(db.session.scalars(stmt))
    grouped = addressed_by_version(version_ids, viewer)
    versions = db.session.scalars(select(Prototype).options(joinedload(Prototype.product))
                                  .where(Prototype.id.in_(list(grouped))).order_by(Prototype.created_at.desc()))
    return [(version, grouped[version.id]) for version in versions]
