"""Use cases for pins: place a new idea, an existing idea or a comment on a screen; move, check and resolve pins."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import exists, select

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.models import utcnow
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Idea
from portal.permissions import (
    can_comment,
    can_move_pin,
    can_pin_idea,
    can_pin_on,
    can_remove_pin,
    can_resolve_pin,
    can_view_idea,
    require,
)
from portal.prototypes.models import Prototype
from portal.screens.models import CarriedIdea, Pin, Screen

# A rectangle smaller than this (a fraction of the image) is a slip of the mouse, not an area.
MIN_SIZE = 0.005
_EPSILON = 1e-9


@dataclass(frozen=True)
class Area:
    """A spot (w = h = 0) or a rectangle, as fractions of the image's width and height."""

    x: float
    y: float
    w: float = 0.0
    h: float = 0.0


def check_area(x: float | None, y: float | None, w: float | None = 0.0, h: float | None = 0.0, *,
               rectangle: bool = False) -> Area:
    """Validate a position given as fractions; ValidationError({"position": …}) names what is wrong."""
    values = [x, y, w or 0.0, h or 0.0]
    if x is None or y is None or not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
        raise ValidationError({"position": "Choose a spot on the image first."})
    x, y, w, h = (float(v) for v in values)
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise ValidationError({"position": "That spot is outside the image: pick a point on the image itself."})
    if not rectangle:
        return Area(round(x, 6), round(y, 6))
    if w < MIN_SIZE or h < MIN_SIZE:
        raise ValidationError({"position": "A rectangle needs a width and a height: drag across the part you "
                                           "mean, or pin a single spot instead."})
    if x + w > 1 + _EPSILON or y + h > 1 + _EPSILON:
        raise ValidationError({"position": "The rectangle reaches outside the image; keep it on the image."})
    return Area(round(x, 6), round(y, 6), round(min(w, 1 - x), 6), round(min(h, 1 - y), 6))


def idea_belongs_to(idea: Idea, prototype_id: int) -> bool:
    """Posted against the prototype, or carried forward into it."""
    return idea.prototype_id == prototype_id or bool(db.session.scalar(select(exists().where(
        CarriedIdea.idea_id == idea.id, CarriedIdea.prototype_id == prototype_id))))


def _check_target(actor: User, screen: Screen, idea: Idea) -> None:
    require(can_pin_on(actor, screen), "You can't place pins on this screen.")
    if not can_view_idea(actor, idea) or idea.merged_into_id is not None:
        raise ValidationError({"idea": "There is no idea with that number you can pin."})
    if not idea_belongs_to(idea, screen.prototype_id):
        raise ValidationError({"idea": "That idea belongs to another prototype; pin it on one of its screens."})


def _add_pin(actor: User, screen: Screen, idea_id: int, area: Area, comment_id: int | None = None) -> Pin:
    pin = Pin(screen_id=screen.id, idea_id=idea_id, comment_id=comment_id, author_id=actor.id,
              x=area.x, y=area.y, w=area.w, h=area.h)
    db.session.add(pin)
    return pin


def pin_new_idea(actor: User, screen: Screen, area: Area, title: str, body: str = "") -> Pin:
    """Post a new idea against the screen's prototype, pinned at `area`."""
    require(can_pin_on(actor, screen), "You can't place pins on this screen.")
    idea = ideas.submit_idea(actor, screen.prototype, title, body, commit=False)
    pin = _add_pin(actor, screen, idea.id, area)
    db.session.commit()
    return pin


def pin_idea(actor: User, screen: Screen, idea: Idea, area: Area) -> Pin:
    """Pin an existing idea of the screen's prototype at `area` (its author or the team)."""
    _check_target(actor, screen, idea)
    require(can_pin_idea(actor, idea), "Only the idea's author and the team can pin it.")
    pin = _add_pin(actor, screen, idea.id, area)
    db.session.commit()
    return pin


def pin_comment(actor: User, screen: Screen, idea: Idea, area: Area, body: str) -> Pin:
    """Comment on an idea, the comment pointing at `area` ("and here the label is cut off")."""
    _check_target(actor, screen, idea)
    require(can_comment(actor, idea), "You can't comment on this idea.")
    comment = ideas.add_comment(actor, idea, body, commit=False)
    pin = _add_pin(actor, screen, idea.id, area, comment.id)
    db.session.commit()
    return pin


def move_pin(actor: User, pin: Pin, area: Area) -> Pin:
    """Re-anchor a pin (e.g. on a replaced image); it applies to this version again."""
    require(can_move_pin(actor, pin))
    pin.x, pin.y, pin.w, pin.h = area.x, area.y, area.w, area.h
    pin.needs_review = pin.not_applicable = False
    db.session.commit()
    return pin


def keep_pin(actor: User, pin: Pin) -> Pin:
    """The image was replaced but the pin's spot is still right."""
    require(can_move_pin(actor, pin))
    pin.needs_review = pin.not_applicable = False
    db.session.commit()
    return pin


def set_pin_applies(actor: User, pin: Pin, applies: bool) -> Pin:
    """Mark a pin as not applying to this version (kept for the record, off the image), or undo that."""
    require(can_move_pin(actor, pin))
    pin.not_applicable = not applies
    pin.needs_review = False
    db.session.commit()
    return pin


def remove_pin(actor: User, pin: Pin) -> None:
    """Take a pin off the screen; the idea or comment stays."""
    require(can_remove_pin(actor, pin))
    if actor.id != pin.author_id:
        record(actor, "pin.remove", pin, f"pin on screen {pin.screen_id}", before={"idea_id": pin.idea_id})
    db.session.delete(pin)
    db.session.commit()


def resolve_pin(actor: User, pin: Pin, version: Prototype | None) -> Pin:
    """Triage: the spot was addressed in `version` (a prototype of the same product); None undoes it."""
    require(can_resolve_pin(actor))
    if version is not None and version.product_id != pin.screen.prototype.product_id:
        raise ValidationError({"version": "Choose a version of this product."})
    before = pin.addressed_in_id
    pin.addressed_in_id = version.id if version else None
    pin.addressed_at = utcnow() if version else None
    record(actor, "pin.resolve", pin, f"pin on screen {pin.screen_id}", before={"addressed_in_id": before},
           after={"addressed_in_id": pin.addressed_in_id})
    db.session.commit()
    return pin
