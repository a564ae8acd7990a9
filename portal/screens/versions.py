"""Versions: a new prototype made from an existing one, with copies of its screens and its open ideas carried
forward (an idea keeps its votes, comments and history and is listed under both versions)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import or_, select

from portal.accounts.models import User
from portal.core.text import clean_text
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Idea
from portal.markup import render_markdown
from portal.permissions import can_manage_screens, require
from portal.prototypes.models import Prototype, Stage
from portal.prototypes.services import _clean_slug, _commit_unique
from portal.screens.images import copy_screen_image, remove_screen_image
from portal.screens.models import CarriedIdea, Pin, Screen
from portal.triage.models import Status, StatusKind

# Ideas still being worked on; done and closed ones stay with the version they were decided in.
CARRIED_KINDS = (StatusKind.OPEN.value, StatusKind.PLANNED.value, StatusKind.ACTIVE.value)


def ideas_of(prototype_id: int):
    """A where-clause: ideas posted against the prototype or carried forward into it."""
    carried = select(CarriedIdea.idea_id).where(CarriedIdea.prototype_id == prototype_id)
    return or_(Idea.prototype_id == prototype_id, Idea.id.in_(carried))


def carry_candidates(prototype: Prototype) -> list[Idea]:
    """Open ideas of a prototype that could be carried into a new version of it, most voted first."""
    return list(db.session.scalars(
        select(Idea).join(Status, Status.id == Idea.status_id)
        .where(ideas_of(prototype.id), Status.kind.in_(CARRIED_KINDS), Idea.merged_into_id.is_(None),
               Idea.hidden_at.is_(None), Idea.pending_approval.is_(False))
        .order_by(Idea.vote_count.desc(), Idea.id)
    ))


def _copy_screens(source: Prototype, version: Prototype, upload_folder: str | Path) -> dict[int, Screen]:
    copies: dict[int, Screen] = {}
    for screen in db.session.scalars(select(Screen).where(Screen.prototype_id == source.id)
                                     .order_by(Screen.position, Screen.id)):
        copy = Screen(prototype_id=version.id, caption=screen.caption, position=screen.position,
                      image=copy_screen_image(screen.image, upload_folder), width=screen.width,
                      height=screen.height, team_only=screen.team_only, copied_from_id=screen.id)
        db.session.add(copy)
        copies[screen.id] = copy
    db.session.flush()
    return copies


def _carry(actor: User, ideas: Iterable[Idea], version: Prototype, copies: dict[int, Screen]) -> int:
    allowed = {i.id for i in carry_candidates(version.previous_version)} if version.previous_version else set()
    carried = [i for i in ideas if i.id in allowed]
    already = set(db.session.scalars(select(CarriedIdea.idea_id).where(CarriedIdea.prototype_id == version.id)))
    for idea in carried:
        if idea.id not in already and idea.prototype_id != version.id:
            db.session.add(CarriedIdea(idea_id=idea.id, prototype_id=version.id, carried_by_id=actor.id))
    pins = db.session.scalars(select(Pin).where(Pin.idea_id.in_([i.id for i in carried]),
                                                Pin.screen_id.in_(list(copies)), Pin.not_applicable.is_(False),
                                                Pin.addressed_in_id.is_(None)))
    for pin in pins:  # the copy starts where the original was; a replaced image flags it to be checked
        db.session.add(Pin(screen_id=copies[pin.screen_id].id, idea_id=pin.idea_id, comment_id=pin.comment_id,
                           author_id=pin.author_id, x=pin.x, y=pin.y, w=pin.w, h=pin.h, carried_from_id=pin.id,
                           created_at=pin.created_at))
    return len(carried)


def create_version(actor: User, source: Prototype, *, name: str, version_label: str, slug: str = "",
                   stage: str, carry_ids: Iterable[int] = (), copy_screens: bool = True,
                   upload_folder: str | Path) -> Prototype:
    """Make a new version of `source`: its description, copies of its screens, and the chosen open ideas."""
    require(can_manage_screens(actor))
    name = clean_text(name, "name", min_len=2, max_len=80)
    version_label = clean_text(version_label, "version_label", min_len=1, max_len=40)
    if stage not in {s.value for s in Stage}:
        raise ValidationError({"stage": "Choose one of the listed stages."})
    version = Prototype(product_id=source.product_id, name=name, version_label=version_label, stage=stage,
                        slug=_clean_slug(slug, f"{name} {version_label}", Prototype, None),
                        description=source.description, description_html=render_markdown(source.description),
                        demo_url=source.demo_url, open_for_feedback=True, previous_version_id=source.id)
    db.session.add(version)
    db.session.flush()
    copies = _copy_screens(source, version, upload_folder) if copy_screens else {}
    wanted = set(carry_ids)
    _carry(actor, [i for i in carry_candidates(source) if i.id in wanted], version, copies)
    try:
        _commit_unique()
    except ValidationError:
        for copy in copies.values():
            remove_screen_image(copy.image, upload_folder)
        raise
    return version


def carry_forward(actor: User, version: Prototype, ideas: Iterable[Idea]) -> int:
    """Carry more open ideas of the previous version into `version`, with their pins on copied screens."""
    require(can_manage_screens(actor))
    if version.previous_version is None:
        raise ValidationError({"ideas": "This prototype is not a new version of another one."})
    copies = {s.copied_from_id: s for s in db.session.scalars(
        select(Screen).where(Screen.prototype_id == version.id, Screen.copied_from_id.is_not(None)))}
    carried_already = set(db.session.scalars(select(CarriedIdea.idea_id)
                                             .where(CarriedIdea.prototype_id == version.id)))
    count = _carry(actor, [i for i in ideas if i.id not in carried_already], version, copies)
    db.session.commit()
    return count
