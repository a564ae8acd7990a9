"""Demo screens: drawn images for four prototypes, ideas pinned on them in several statuses, and a second version of
the sunlight-readable screen with ideas carried forward, one re-pinned on the new image and one addressed."""

from __future__ import annotations

import io

from flask import current_app
from sqlalchemy import select

from portal.accounts.models import User
from portal.demo.screen_images import DRAWINGS
from portal.extensions import db
from portal.ideas.models import Idea
from portal.prototypes.models import Prototype
from portal.screens import pins, services
from portal.screens.models import Pin, Screen
from portal.screens.pins import Area
from portal.screens.versions import create_version

SCREENS = {
    "library-reader-app": [("Bookshelf", "reader_shelf"), ("Reading a book", "reader_page")],
    "sunlight-readable-screen": [("Laptop, from the front", "laptop_v1")],
    "rugged-keyboard-and-case": [("Keyboard, from above", "keyboard_top")],
    "hand-crank-power-unit": [("Crank unit, from the side", "crank_side")],
}
# (prototype slug, screen caption, idea title, x, y, w, h)
PINS = [
    ("library-reader-app", "Bookshelf", "Add books from a USB stick in one step", .905, .05, 0, 0),
    ("library-reader-app", "Bookshelf", "Assign books to reading groups, not only the whole class", .03, .13, .7, .07),
    ("library-reader-app", "Bookshelf", "Let pupils review books for each other", .3, .58, 0, 0),
    ("library-reader-app", "Reading a book", "Highlight each word as it is read aloud", .22, .26, 0, 0),
    ("library-reader-app", "Reading a book",
     "Large-text and high-contrast mode for children with low vision", .77, .02, .2, .07),
    ("library-reader-app", "Reading a book", "Let teachers make and record their own books in Aymara", .8, .93, 0, 0),
    ("sunlight-readable-screen", "Laptop, from the front",
     "Switch screen modes automatically under a patchy tin roof", .5, .1, 0, 0),
    ("sunlight-readable-screen", "Laptop, from the front", "Dust collects under the bottom of the screen bezel",
     .16, .62, .68, .07),
    ("sunlight-readable-screen", "Laptop, from the front", "Fit a matte anti-glare film at the factory", .3, .3, 0, 0),
    ("sunlight-readable-screen", "Laptop, from the front", "Keyboard shortcut to switch screen mode", .22, .73, 0, 0),
    ("rugged-keyboard-and-case", "Keyboard, from above", "Spanish keyboard with Aymara characters", .83, .53, .13, .13),
    ("rugged-keyboard-and-case", "Keyboard, from above", "Keys stick after a sweet tea spill", .4, .42, 0, 0),
    ("rugged-keyboard-and-case", "Keyboard, from above", "Replaceable keyboard membrane", .5, .78, 0, 0),
    ("hand-crank-power-unit", "Crank unit, from the side", "Make the crank easier to turn for younger children",
     .6, .42, 0, 0),
    ("hand-crank-power-unit", "Crank unit, from the side", "Textured crank handle for hot, sweaty hands",
     .66, .15, .08, .18),
    ("hand-crank-power-unit", "Crank unit, from the side",
     "USB-C output on the crank so families can charge phones", .267, .79, 0, 0),
    ("hand-crank-power-unit", "Crank unit, from the side", "Cranking is too noisy during lessons", .5, .59, 0, 0),
]
CARRIED = ["Switch screen modes automatically under a patchy tin roof",
           "Dust collects under the bottom of the screen bezel", "Fit a matte anti-glare film at the factory",
           "Keyboard shortcut to switch screen mode"]


def _idea(title: str) -> Idea:
    return db.session.scalar(select(Idea).where(Idea.title == title))


def _screen(prototype: Prototype, caption: str) -> Screen:
    return db.session.scalar(select(Screen).where(Screen.prototype_id == prototype.id, Screen.caption == caption))


def _pinner(idea: Idea, designer: User) -> User:
    # Pins are placed by the idea's author, or by the designer when the author may no longer post.
    return idea.author if not idea.author.is_banned else designer


def seed_screens(people: dict[str, User]) -> None:
    """Screens, pins and a second version, made through the services like a designer and customers would."""
    designer, admin = people["designer@example.com"], people["admin@example.com"]
    folder = current_app.config["UPLOAD_FOLDER"]
    prototypes = {p.slug: p for p in db.session.scalars(select(Prototype))}
    for slug, screens in SCREENS.items():
        for caption, drawing in screens:
            services.add_screen(designer, prototypes[slug], image=io.BytesIO(DRAWINGS[drawing]()), caption=caption,
                                upload_folder=folder)
    for slug, caption, title, x, y, w, h in PINS:
        idea = _idea(title)
        pins.pin_idea(_pinner(idea, designer), _screen(prototypes[slug], caption), idea, Area(x, y, w, h))
    _second_version(prototypes["sunlight-readable-screen"], designer, admin, people, folder)


def _second_version(pilot: Prototype, designer: User, admin: User, people: dict[str, User], folder: str) -> None:
    version = create_version(designer, pilot, name=pilot.name, version_label="v0.5", stage="pilot",
                             carry_ids={_idea(t).id for t in CARRIED}, upload_folder=folder)
    front = _screen(version, "Laptop, from the front")
    services.replace_screen_image(designer, front, image=io.BytesIO(DRAWINGS["laptop_v2"]()), upload_folder=folder)
    carried = {p.idea.title: p for p in db.session.scalars(select(Pin).where(Pin.screen_id == front.id))}
    # The light sensor moved to the top right in v0.5 and the bezel is slimmer: re-pin and check the rest.
    pins.move_pin(designer, carried[CARRIED[0]], Area(.8, .095))
    pins.move_pin(designer, carried[CARRIED[1]], Area(.16, .635, .68, .05))
    pins.keep_pin(designer, carried[CARRIED[3]])
    pins.set_pin_applies(designer, carried[CARRIED[2]], False)  # the film is laminated in v0.5: nothing to pin
    old = db.session.scalar(select(Pin).join(Pin.idea).where(Idea.title == CARRIED[2], Pin.screen_id ==
                                                             _screen(pilot, "Laptop, from the front").id))
    pins.resolve_pin(admin, old, version)
    pins.pin_comment(people["customer@example.com"], front, _idea(CARRIED[1]), Area(.5, .66),
                     "Still a gap here on the v0.5 sample we got: dust gets in along the whole bottom edge.")
