"""Use cases for a prototype's screens: add, caption, reorder, replace and remove (designers and admins)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from sqlalchemy import func, select, update

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import ValidationError
from portal.extensions import db
from portal.permissions import can_manage_screens, require
from portal.prototypes.models import Prototype
from portal.screens.images import remove_screen_image, store_screen_image
from portal.screens.models import CAPTION_MAX, Pin, Screen

MAX_SCREENS = 40


def _caption(raw: str | None) -> str:
    return " ".join(clean_text(raw, "caption", max_len=CAPTION_MAX).split())


def add_screen(actor: User, prototype: Prototype, *, image: IO[bytes], caption: str = "", team_only: bool = False,
               upload_folder: str | Path) -> Screen:
    """Add a screen at the end of a prototype's screens."""
    require(can_manage_screens(actor))
    caption = _caption(caption)
    count = db.session.scalar(select(func.count()).select_from(Screen).where(Screen.prototype_id == prototype.id))
    if count >= MAX_SCREENS:
        raise ValidationError({"image": f"A prototype can have at most {MAX_SCREENS} screens; remove one first."})
    name, width, height = store_screen_image(image, upload_folder)
    position = db.session.scalar(select(func.coalesce(func.max(Screen.position) + 1, 0))
                                 .where(Screen.prototype_id == prototype.id))
    screen = Screen(prototype_id=prototype.id, caption=caption, position=position, image=name, width=width,
                    height=height, team_only=bool(team_only))
    db.session.add(screen)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        remove_screen_image(name, upload_folder)
        raise
    return screen


def edit_screen(actor: User, screen: Screen, *, caption: str, team_only: bool) -> Screen:
    """Change a screen's caption and whether only the team sees it."""
    require(can_manage_screens(actor))
    screen.caption = _caption(caption)
    screen.team_only = bool(team_only)
    db.session.commit()
    return screen


def move_screen(actor: User, screen: Screen, offset: int) -> None:
    """Move a screen one place earlier (offset -1) or later (+1) among its prototype's screens."""
    require(can_manage_screens(actor))
    ordered = list(db.session.scalars(select(Screen).where(Screen.prototype_id == screen.prototype_id)
                                      .order_by(Screen.position, Screen.id).with_for_update()))
    index = next(i for i, s in enumerate(ordered) if s.id == screen.id)
    target = index + (1 if offset > 0 else -1)
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered):  # also closes gaps that removals left
        item.position = position
    db.session.commit()


def replace_screen_image(actor: User, screen: Screen, *, image: IO[bytes], upload_folder: str | Path) -> int:
    """Put a new image in place of a screen's; its pins keep their spots but are flagged to be checked.

    Returns how many pins were flagged."""
    require(can_manage_screens(actor))
    name, width, height = store_screen_image(image, upload_folder)
    old = screen.image
    screen.image, screen.width, screen.height, screen.replaced_at = name, width, height, utcnow()
    flagged = db.session.execute(
        update(Pin).where(Pin.screen_id == screen.id, Pin.not_applicable.is_(False)).values(needs_review=True)
    ).rowcount
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        remove_screen_image(name, upload_folder)
        raise
    remove_screen_image(old, upload_folder)
    return flagged or 0


def remove_screen(actor: User, screen: Screen, *, upload_folder: str | Path) -> None:
    """Delete a screen with its pins; the ideas on it stay."""
    require(can_manage_screens(actor))
    pins = db.session.scalar(select(func.count()).select_from(Pin).where(Pin.screen_id == screen.id))
    record(actor, "screen.remove", screen, screen.label, before={"caption": screen.caption, "pins": pins,
                                                                 "prototype_id": screen.prototype_id})
    image = screen.image
    db.session.delete(screen)
    db.session.commit()
    remove_screen_image(image, upload_folder)
