"""Screens for tests: real PNGs through the real upload code."""

from __future__ import annotations

import io

from flask import current_app
from PIL import Image, ImageDraw

from portal.extensions import db
from portal.screens import services
from portal.screens.models import Screen
from portal.screens.pins import Area, pin_idea
from tests.factories import make_user


def png(size: tuple[int, int] = (800, 500), color: tuple[int, int, int] = (230, 236, 245)) -> bytes:
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, size[0] - 40, 120), fill=(36, 84, 214))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_screen(prototype, caption: str = "Home screen", *, size: tuple[int, int] = (800, 500),
                team_only: bool = False, designer=None) -> Screen:
    designer = designer or make_user(role="designer")
    screen = services.add_screen(designer, prototype, image=io.BytesIO(png(size)), caption=caption,
                                 team_only=team_only, upload_folder=current_app.config["UPLOAD_FOLDER"])
    db.session.refresh(screen)
    return screen


def pin_at(actor, screen, idea, x: float = 0.5, y: float = 0.5, w: float = 0.0, h: float = 0.0):
    return pin_idea(actor, screen, idea, Area(x, y, w, h))
