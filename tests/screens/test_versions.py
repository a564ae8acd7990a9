"""Versions: a new prototype from an existing one, its screens copied, open ideas carried forward with their pins."""

from __future__ import annotations

import io

import pytest
from flask import current_app
from sqlalchemy import select

from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.queries import idea_list
from portal.ideas.services import cast_vote
from portal.screens.models import CarriedIdea, Pin, Screen
from portal.screens.pins import Area, move_pin, set_pin_applies
from portal.screens.services import replace_screen_image
from portal.screens.versions import carry_forward, create_version
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import make_comment, make_idea, make_prototype, make_user
from tests.screens.helpers import make_screen, pin_at, png


@pytest.fixture(autouse=True)
def _statuses(ctx):
    initial_status()


@pytest.fixture
def pilot():
    """A pilot with two screens, an open idea pinned on one, and a closed idea."""
    designer = make_user(role="designer")
    prototype = make_prototype(name="Kestrel pilot", stage="pilot")
    home = make_screen(prototype, "Home", designer=designer)
    make_screen(prototype, "Keyboard", designer=designer)
    author = make_user()
    open_idea = make_idea(author, prototype, title="The label is cut off")
    cast_vote(make_user(), open_idea)
    make_comment(make_user(), open_idea, "Same here")
    pin = pin_at(author, home, open_idea, 0.25, 0.75)
    closed = make_idea(author, prototype, title="Already decided against")
    set_status(designer, closed, status_by_name("Declined"), "Not this time")
    return {"designer": designer, "prototype": prototype, "open": open_idea, "closed": closed, "pin": pin}


def _version(pilot, **extra):
    return create_version(pilot["designer"], pilot["prototype"], name="Kestrel pilot", version_label="v2",
                          stage="pilot", carry_ids={pilot["open"].id, pilot["closed"].id},
                          upload_folder=current_app.config["UPLOAD_FOLDER"], **extra)


def test_a_new_version_copies_the_screens_and_carries_open_ideas_with_their_pins(pilot):
    version = _version(pilot)

    assert version.previous_version_id == pilot["prototype"].id and version.slug == "kestrel-pilot-v2"
    screens = db.session.scalars(select(Screen).where(Screen.prototype_id == version.id)
                                 .order_by(Screen.position)).all()
    assert [s.caption for s in screens] == ["Home", "Keyboard"]
    assert all(s.copied_from_id and s.image != db.session.get(Screen, s.copied_from_id).image for s in screens)
    carried = db.session.scalars(select(CarriedIdea.idea_id).where(CarriedIdea.prototype_id == version.id)).all()
    assert carried == [pilot["open"].id]  # the closed idea stays behind
    copy = db.session.scalar(select(Pin).where(Pin.screen_id == screens[0].id))
    assert (copy.idea_id, copy.x, copy.y, copy.carried_from_id) == (pilot["open"].id, 0.25, 0.75, pilot["pin"].id)


def test_a_carried_idea_keeps_its_votes_and_comments_and_is_listed_under_both_versions(pilot):
    version = _version(pilot)
    viewer = make_user()

    idea = db.session.get(Idea, pilot["open"].id)
    assert (idea.vote_count, idea.comment_count, idea.prototype_id) == (2, 1, pilot["prototype"].id)
    old = db.session.scalars(idea_list(viewer=viewer, prototype_id=pilot["prototype"].id)).unique().all()
    new = db.session.scalars(idea_list(viewer=viewer, prototype_id=version.id)).unique().all()
    assert idea in old and idea in new and pilot["closed"] not in new


def test_the_old_version_keeps_its_own_pin(pilot):
    version = _version(pilot)
    copy = db.session.scalar(select(Pin).where(Pin.carried_from_id == pilot["pin"].id))

    move_pin(pilot["designer"], copy, Area(0.6, 0.4))

    db.session.refresh(pilot["pin"])
    assert (pilot["pin"].x, pilot["pin"].y) == (0.25, 0.75)
    assert copy.screen.prototype_id == version.id


def test_replacing_the_new_versions_screen_asks_to_re_anchor_or_dismiss_the_carried_pins(pilot):
    version = _version(pilot)
    home = db.session.scalar(select(Screen).where(Screen.prototype_id == version.id, Screen.caption == "Home"))
    copy = db.session.scalar(select(Pin).where(Pin.screen_id == home.id))

    replace_screen_image(pilot["designer"], home, image=io.BytesIO(png((900, 600))),
                         upload_folder=current_app.config["UPLOAD_FOLDER"])
    db.session.refresh(copy)
    assert copy.needs_review

    set_pin_applies(pilot["designer"], copy, False)
    assert copy.not_applicable and not copy.needs_review
    db.session.refresh(pilot["pin"])
    assert not pilot["pin"].needs_review and not pilot["pin"].not_applicable


def test_ideas_can_be_carried_forward_later_but_only_open_ones_of_the_previous_version(pilot):
    version = create_version(pilot["designer"], pilot["prototype"], name="Kestrel pilot", version_label="v2",
                             stage="pilot", upload_folder=current_app.config["UPLOAD_FOLDER"])
    unrelated = make_idea(prototype=make_prototype())

    count = carry_forward(pilot["designer"], version, [pilot["open"], pilot["closed"], unrelated])
    again = carry_forward(pilot["designer"], version, [pilot["open"]])

    assert (count, again) == (1, 0)
    assert db.session.scalar(select(Pin).where(Pin.carried_from_id == pilot["pin"].id)) is not None


def test_only_designers_and_admins_make_versions(pilot):
    with pytest.raises(PermissionDenied):
        create_version(make_user(role="developer"), pilot["prototype"], name="Kestrel pilot", version_label="v2",
                       stage="pilot", upload_folder=current_app.config["UPLOAD_FOLDER"])


def test_a_version_needs_a_label_and_a_free_address(pilot):
    with pytest.raises(ValidationError) as caught:
        _version(pilot, slug=pilot["prototype"].slug)
    assert "slug" in caught.value.errors
    db.session.rollback()
    with pytest.raises(ValidationError) as caught:
        create_version(pilot["designer"], pilot["prototype"], name="Kestrel pilot", version_label="  ",
                       stage="pilot", upload_folder=current_app.config["UPLOAD_FOLDER"])
    assert "version_label" in caught.value.errors
