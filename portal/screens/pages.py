"""What the screen pages show, shared by the screen and pin views."""

from __future__ import annotations

from typing import Any

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.core.pagination import parse_page
from portal.core.text import parse_id
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.queries import tag_for_viewer, visible_ideas
from portal.permissions import can_view_screen
from portal.prototypes.models import Prototype
from portal.prototypes.queries import prototype_by_slug
from portal.screens.forms import PinForm
from portal.screens.models import Pin, Screen
from portal.screens.queries import PinFilters, pin_counts, screen_or_none, screen_pins, visible_screens
from portal.screens.versions import ideas_of
from portal.triage.models import Status
from portal.triage.queries import tags_for_viewer

IDEA_CHOICES = 200


def screen_or_404(slug: str, screen_id: int) -> tuple[Prototype, Screen]:
    """The prototype and its screen; 404 for another prototype's screen or one the viewer may not see."""
    prototype = prototype_by_slug(slug) or abort(404)
    screen = screen_or_none(prototype, screen_id)
    if screen is None or not can_view_screen(current_user, screen):
        abort(404)
    return prototype, screen


def pin_or_404(pin_id: int) -> Pin:
    pin = db.session.get(Pin, pin_id)
    if pin is None or not can_view_screen(current_user, pin.screen):
        abort(404)
    return pin


def parse_filters(args: Any) -> PinFilters:
    status_id = parse_id(args.get("status"))
    tag = tag_for_viewer(args.get("tag"), current_user)
    return PinFilters(status_id=status_id, tag_id=tag.id if tag else None,
                      mine=args.get("mine") == "1" and current_user.is_authenticated, hide=args.get("hide") == "1")


def idea_choices(prototype: Prototype) -> list[SelectChoice]:
    """Ideas of the prototype (carried ones too) the viewer may see, most voted first, for "pin an existing idea"."""
    rows = db.session.execute(visible_ideas(select(Idea.id, Idea.title).where(ideas_of(prototype.id)), current_user)
                              .order_by(Idea.vote_count.desc(), Idea.id).limit(IDEA_CHOICES)).all()
    return [SelectChoice("", "Choose an idea…")] + [SelectChoice(str(i), f"#{i} {title}") for i, title in rows]


def pin_form(prototype: Prototype, form: PinForm | None = None, **position: str) -> PinForm:
    """The pin form; on a prototype closed for feedback it offers only existing ideas and comments."""
    form = form or PinForm(formdata=None, **position, **({} if prototype.open_for_feedback else {"mode": "existing"}))
    form.idea.choices = idea_choices(prototype)
    if not prototype.open_for_feedback:
        form.mode.choices = [c for c in form.mode.choices if c.value != "new"]
    return form


def screen_context(prototype: Prototype, screen: Screen, form: PinForm | None = None) -> dict[str, Any]:
    """Everything the screen page shows, in a bounded number of queries."""
    filters = parse_filters(request.args)
    highlight = parse_id(request.args.get("pin"))
    siblings = visible_screens(prototype.id, current_user)
    index = next((i for i, s in enumerate(siblings) if s.id == screen.id), 0)
    return {
        "prototype": prototype, "screen": screen, "filters": filters, "highlight": highlight,
        "pins": screen_pins(screen, current_user, filters, parse_page(request.args.get("page")), highlight),
        "siblings": siblings, "index": index, "counts": pin_counts([s.id for s in siblings], current_user),
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "statuses": db.session.scalars(select(Status).where(Status.retired.is_(False))
                                       .order_by(Status.position, Status.id)).all(),
        "tags": tags_for_viewer(current_user), "form": pin_form(prototype, form) if form or
        current_user.is_authenticated else None,
    }
