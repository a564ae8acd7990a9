"""Screen and pin rules at the service level: positions, permissions, wrong targets, re-anchoring, triage."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.screens import pins, services
from portal.screens.models import Pin, Screen
from portal.screens.pins import Area, check_area
from portal.triage.statuses import initial_status
from tests.factories import make_idea, make_product, make_prototype, make_user
from tests.screens.helpers import make_screen, pin_at, png


@pytest.fixture(autouse=True)
def _statuses(ctx):
    initial_status()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "screens"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


# positions ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("x, y", [(-0.01, 0.5), (0.5, 1.2), (1.0001, 0), (float("nan"), 0.5), (None, 0.5)])
def test_a_position_outside_the_image_is_refused(x, y):
    with pytest.raises(ValidationError) as caught:
        check_area(x, y)
    assert "position" in caught.value.errors


@pytest.mark.parametrize("w, h", [(0, 0.2), (0.2, 0), (0.001, 0.3)])
def test_a_rectangle_of_zero_size_is_refused(w, h):
    with pytest.raises(ValidationError) as caught:
        check_area(0.1, 0.1, w, h, rectangle=True)
    assert "width and a height" in caught.value.errors["position"]


def test_a_rectangle_reaching_past_the_edge_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_area(0.8, 0.1, 0.3, 0.1, rectangle=True)
    assert "outside the image" in caught.value.errors["position"]


def test_edges_and_rectangles_inside_the_image_are_accepted():
    assert check_area(0, 1) == Area(0.0, 1.0)
    assert check_area(0.5, 0.5, 0.5, 0.5, rectangle=True) == Area(0.5, 0.5, 0.5, 0.5)


# screens -----------------------------------------------------------------------------------------------------


def test_a_designer_adds_screens_in_order_with_their_size(app):
    prototype = make_prototype()
    first = make_screen(prototype, "Home", size=(800, 500))
    second = make_screen(prototype, "Settings", size=(2400, 1200))

    assert (first.position, second.position) == (0, 1)
    assert (second.width, second.height) == (1600, 800)  # scaled down like cover images
    assert {first.image, second.image} <= _files(app)


@pytest.mark.parametrize("role", ["customer", "developer"])
def test_customers_and_developers_cannot_add_screens(app, role):
    before = _files(app)
    with pytest.raises(PermissionDenied):
        services.add_screen(make_user(role=role), make_prototype(), image=io.BytesIO(png()), caption="x",
                            upload_folder=app.config["UPLOAD_FOLDER"])
    assert _count(Screen) == 0 and _files(app) == before


def test_a_file_that_is_not_an_image_is_refused_with_a_clear_message(app):
    with pytest.raises(ValidationError) as caught:
        services.add_screen(make_user(role="designer"), make_prototype(), image=io.BytesIO(b"GIF89a not really"),
                            upload_folder=app.config["UPLOAD_FOLDER"])
    assert caught.value.errors == {"image": "That file is not a readable PNG, JPEG or WebP image."}
    assert _count(Screen) == 0


def test_reordering_swaps_neighbours_and_stops_at_the_ends():
    prototype = make_prototype()
    designer = make_user(role="designer")
    a, b, c = (make_screen(prototype, name, designer=designer) for name in "abc")

    services.move_screen(designer, c, -1)
    services.move_screen(designer, a, -1)  # already first: nothing moves

    order = db.session.scalars(select(Screen.caption).where(Screen.prototype_id == prototype.id)
                               .order_by(Screen.position)).all()
    assert order == ["a", "c", "b"]


def test_replacing_an_image_flags_its_pins_to_be_checked_and_removes_the_old_file(app):
    prototype = make_prototype()
    designer = make_user(role="designer")
    screen = make_screen(prototype, designer=designer)
    idea = make_idea(prototype=prototype)
    pin = pin_at(designer, screen, idea, 0.2, 0.3)
    old = screen.image

    flagged = services.replace_screen_image(designer, screen, image=io.BytesIO(png((600, 600))),
                                            upload_folder=app.config["UPLOAD_FOLDER"])

    db.session.refresh(pin)
    assert flagged == 1 and pin.needs_review and (pin.x, pin.y) == (0.2, 0.3)
    assert (screen.width, screen.height) == (600, 600)
    assert old not in _files(app) and screen.image in _files(app)


def test_removing_a_screen_removes_its_pins_and_file_but_keeps_the_ideas(app):
    prototype = make_prototype()
    designer = make_user(role="designer")
    screen = make_screen(prototype, designer=designer)
    idea = make_idea(prototype=prototype)
    pin_at(designer, screen, idea)
    name = screen.image

    services.remove_screen(designer, screen, upload_folder=app.config["UPLOAD_FOLDER"])

    assert _count(Pin) == 0 and _count(Screen) == 0 and db.session.get(Idea, idea.id) is not None
    assert name not in _files(app)


# pins --------------------------------------------------------------------------------------------------------


def test_a_customer_posts_a_new_idea_pinned_to_a_rectangle():
    prototype = make_prototype()
    screen = make_screen(prototype)
    customer = make_user()

    pin = pins.pin_new_idea(customer, screen, check_area(0.1, 0.2, 0.3, 0.1, rectangle=True),
                            "The label is cut off", "On the left")

    assert (pin.x, pin.y, pin.w, pin.h) == (0.1, 0.2, 0.3, 0.1) and pin.is_area
    assert pin.idea.title == "The label is cut off" and pin.idea.vote_count == 1
    assert pin.idea.prototype_id == prototype.id and pin.author_id == customer.id


def test_a_bad_title_posts_nothing_and_pins_nothing():
    screen = make_screen(make_prototype())
    with pytest.raises(ValidationError):
        pins.pin_new_idea(make_user(), screen, Area(0.5, 0.5), "no", "")
    db.session.rollback()
    assert _count(Idea) == 0 and _count(Pin) == 0


def test_an_idea_of_another_prototype_cannot_be_pinned_here():
    product = make_product()
    screen = make_screen(make_prototype(product))
    author = make_user()
    elsewhere = make_idea(author, make_prototype(product))

    with pytest.raises(ValidationError) as caught:
        pins.pin_idea(author, screen, elsewhere, Area(0.5, 0.5))
    assert "another prototype" in caught.value.errors["idea"]
    assert _count(Pin) == 0


def test_a_customer_cannot_pin_on_a_draft_screen_the_team_can():
    prototype = make_prototype()
    screen = make_screen(prototype, team_only=True)
    customer, developer = make_user(), make_user(role="developer")
    idea = make_idea(customer, prototype)

    with pytest.raises(PermissionDenied):
        pins.pin_idea(customer, screen, idea, Area(0.5, 0.5))
    with pytest.raises(PermissionDenied):
        pins.pin_new_idea(customer, screen, Area(0.5, 0.5), "Something about the draft")
    assert pins.pin_idea(developer, screen, idea, Area(0.5, 0.5)).idea_id == idea.id
    assert _count(Pin) == 1 and _count(Idea) == 1


def test_only_the_author_or_the_team_pins_an_existing_idea():
    prototype = make_prototype()
    screen = make_screen(prototype)
    idea = make_idea(make_user(), prototype)

    with pytest.raises(PermissionDenied):
        pins.pin_idea(make_user(), screen, idea, Area(0.5, 0.5))
    assert _count(Pin) == 0


def test_a_hidden_idea_cannot_be_pinned_by_a_customer():
    prototype = make_prototype()
    screen = make_screen(prototype)
    author = make_user()
    idea = make_idea(author, prototype)
    idea.hidden_at = idea.created_at
    db.session.commit()

    with pytest.raises(ValidationError):
        pins.pin_idea(author, screen, idea, Area(0.5, 0.5))


def test_a_pinned_comment_is_a_comment_on_the_idea_with_a_pin():
    prototype = make_prototype()
    screen = make_screen(prototype)
    idea = make_idea(prototype=prototype)
    other = make_user()

    pin = pins.pin_comment(other, screen, idea, Area(0.9, 0.1), "and here the label is cut off")

    comment = db.session.get(Comment, pin.comment_id)
    assert comment.idea_id == idea.id and comment.body == "and here the label is cut off"
    assert db.session.get(Idea, idea.id).comment_count == 1


def test_moving_a_pin_re_anchors_it_and_clears_the_flags():
    prototype = make_prototype()
    designer = make_user(role="designer")
    screen = make_screen(prototype, designer=designer)
    pin = pin_at(designer, screen, make_idea(prototype=prototype), 0.2, 0.2)
    pin.needs_review = True
    db.session.commit()

    pins.move_pin(designer, pin, Area(0.6, 0.7))

    assert (pin.x, pin.y, pin.needs_review) == (0.6, 0.7, False)


def test_someone_else_cannot_move_or_remove_a_pin():
    prototype = make_prototype()
    screen = make_screen(prototype)
    author = make_user()
    pin = pin_at(author, screen, make_idea(author, prototype))
    stranger = make_user(role="developer")

    with pytest.raises(PermissionDenied):
        pins.move_pin(stranger, pin, Area(0.1, 0.1))
    with pytest.raises(PermissionDenied):
        pins.remove_pin(stranger, pin)
    with pytest.raises(PermissionDenied):
        pins.set_pin_applies(stranger, pin, False)


def test_a_pin_marked_as_not_applying_stays_on_record():
    prototype = make_prototype()
    designer = make_user(role="designer")
    screen = make_screen(prototype, designer=designer)
    pin = pin_at(designer, screen, make_idea(prototype=prototype))

    pins.set_pin_applies(designer, pin, False)
    assert pin.not_applicable and _count(Pin) == 1
    pins.set_pin_applies(designer, pin, True)
    assert not pin.not_applicable


def test_triage_resolves_a_pin_as_addressed_in_a_version_of_the_same_product_only():
    product = make_product()
    prototype, later = make_prototype(product), make_prototype(product)
    designer = make_user(role="designer")
    screen = make_screen(prototype, designer=designer)
    pin = pin_at(designer, screen, make_idea(prototype=prototype))

    with pytest.raises(ValidationError):
        pins.resolve_pin(designer, pin, make_prototype(make_product()))
    with pytest.raises(PermissionDenied):
        pins.resolve_pin(make_user(role="developer"), pin, later)
    pins.resolve_pin(designer, pin, later)

    assert pin.addressed_in_id == later.id and pin.addressed_at is not None


def test_uploads_of_a_refused_screen_leave_no_file(app):
    prototype = make_prototype()
    designer = make_user(role="designer")
    before = _files(app)
    with pytest.raises(ValidationError):
        services.add_screen(designer, prototype, image=io.BytesIO(b""),
                            upload_folder=current_app.config["UPLOAD_FOLDER"])
    assert _files(app) == before
