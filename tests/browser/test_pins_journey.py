"""Pins in real Chromium: a click places a pin where it was made at two window sizes, the pin list is reachable
by keyboard, and without JavaScript the screen's form image input still posts a pinned idea."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.screens.models import Pin, Screen
from portal.triage.statuses import initial_status
from tests.factories import PASSWORD, make_idea, make_prototype, make_user
from tests.screens.helpers import make_screen, pin_at

SHOTS = os.environ.get("PINS_SCREENSHOTS")  # a folder: save what the pages look like, for a person to check


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


@pytest.fixture
def screen_url(app):
    with app.app_context():
        initial_status()
        make_user(email="ana@example.org")
        prototype = make_prototype(name="Reader app")
        screen = make_screen(prototype, "Library shelf", size=(1200, 750))
        author = make_user()
        for n, (x, y) in enumerate([(0.2, 0.2), (0.7, 0.3), (0.4, 0.8)]):
            pin_at(author, screen, make_idea(author, prototype, title=f"Existing idea {n}"), x, y)
        return f"/prototypes/{prototype.slug}/screens/{screen.id}", screen.id


def _newest_pin(app, screen_id: int) -> Pin:
    with app.app_context():
        pin = db.session.scalar(select(Pin).where(Pin.screen_id == screen_id).order_by(Pin.id.desc()))
        db.session.expunge(pin)
        return pin


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 740}],
                         ids=["desktop", "phone"])
def test_a_click_places_the_pin_within_one_percent_of_the_spot(app, browser, live_server, screen_url, viewport):
    url, screen_id = screen_url
    context = browser.new_context(base_url=live_server, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _sign_in(page, "ana@example.org")
        page.goto(url)
        image = page.locator("[data-pin-stage] .screen-image")
        box = image.bounding_box()
        target = (0.63, 0.41)
        page.mouse.click(box["x"] + box["width"] * target[0], box["y"] + box["height"] * target[1])
        composer = page.locator("[data-pin-composer]")
        expect(composer).to_be_visible()
        composer.get_by_label("Title").fill("The shelf label is cut off here")
        _shot(page, f"composer-{viewport['width']}")
        composer.get_by_role("button", name="Pin it").click()
        expect(page.get_by_text("Your idea is posted and pinned")).to_be_visible()

        pin = _newest_pin(app, screen_id)
        assert abs(pin.x - target[0]) < 0.01 and abs(pin.y - target[1]) < 0.01, (pin.x, pin.y)
        marker = page.locator(f"#pin-{pin.id}")
        expect(marker).to_have_class("pin kind-open is-highlighted")
        # Where the reader sees it once the page has settled: both boxes read in one layout, after the image
        # has loaded and the script has sized the stage (two separate reads can straddle a reflow).
        page.wait_for_load_state("load")
        expect(page.locator("html.js-pins")).to_have_count(1)
        shown, box = page.evaluate(
            """id => [document.getElementById(id), document.querySelector('[data-pin-stage] .screen-image')]
                 .map(el => { const r = el.getBoundingClientRect();
                              return {x: r.x, y: r.y, width: r.width, height: r.height}; })""",
            f"pin-{pin.id}")
        center = ((shown["x"] + shown["width"] / 2 - box["x"]) / box["width"],
                  (shown["y"] + shown["height"] / 2 - box["y"]) / box["height"])
        assert abs(center[0] - target[0]) < 0.01 and abs(center[1] - target[1]) < 0.01, center
        _shot(page, f"screen-{viewport['width']}")
    finally:
        context.close()


def test_the_pin_list_is_reachable_by_keyboard(page, screen_url):
    url, _ = screen_url
    page.goto(url)
    page.keyboard.press("Tab")  # the page's skip link
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Skip to the list of pins":
            break
    else:
        pytest.fail("The skip link to the pin list was never focused")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.textContent.trim(), "
                            "document.activeElement.closest('#pin-list') !== null]")
    assert focused == ["Existing idea 0", True]
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Existing idea 0")).to_be_visible()


def test_a_pin_on_the_image_shows_its_title_and_votes_on_focus(page, screen_url):
    url, _ = screen_url
    page.goto(url)
    first = page.locator(".pin-layer .pin").first
    first.focus()
    expect(first.locator(".pin-tip")).to_be_visible()
    expect(first.locator(".pin-tip")).to_contain_text("Existing idea 0")
    expect(first.locator(".pin-tip")).to_contain_text("▲ 1")


def test_without_javascript_the_image_input_posts_a_pinned_idea(app, browser, live_server, screen_url):
    url, screen_id = screen_url
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        _sign_in(page, "ana@example.org")
        page.goto(url)
        image = page.locator("[data-pin-stage] .screen-image")
        box = image.bounding_box()
        image.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.5})
        expect(page.get_by_role("heading", name="Pin something on “Library shelf”")).to_be_visible()
        expect(page.get_by_label("Across %")).to_have_value("25")
        page.get_by_label("Title").fill("Make the search box bigger")
        _shot(page, "nojs-form")
        page.get_by_role("button", name="Pin it").click()
        expect(page.get_by_text("Your idea is posted and pinned")).to_be_visible()
        pin = _newest_pin(app, screen_id)
        assert abs(pin.x - 0.25) < 0.01 and abs(pin.y - 0.5) < 0.01
        expect(page.locator("#pin-list")).to_contain_text("Make the search box bigger")
    finally:
        context.close()


def test_a_designer_drags_a_pin_to_its_new_spot(app, page, screen_url):
    url, screen_id = screen_url
    with app.app_context():
        make_user(role="designer", email="dee@example.org")
        first = db.session.scalar(select(Pin).where(Pin.screen_id == screen_id).order_by(Pin.id))
        pin_id = first.id
    _sign_in(page, "dee@example.org")
    page.goto(url)
    image = page.locator("[data-pin-stage] .screen-image")
    box, marker = image.bounding_box(), page.locator(f"#pin-{pin_id}").bounding_box()

    page.mouse.move(marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.55, steps=8)
    page.mouse.up()
    expect(page.locator("[data-live]")).to_have_text("Pin moved.")

    with app.app_context():
        moved = db.session.get(Pin, pin_id)
        assert abs(moved.x - 0.5) < 0.01 and abs(moved.y - 0.55) < 0.01, (moved.x, moved.y)


def test_a_crowded_spot_is_one_cluster_that_opens_into_its_pins(app, page, screen_url):
    url, screen_id = screen_url
    with app.app_context():
        author = make_user()
        screen = db.session.get(Screen, screen_id)
        for n in range(4):
            pin_at(author, screen, make_idea(author, screen.prototype, title=f"Crowded {n}"), 0.9 + n * 0.005, 0.9)
    page.goto(url)
    cluster = page.locator(".pin-cluster")
    expect(cluster).to_have_text("4")
    cluster.click()
    expect(page.locator("[data-cluster-members] .pin")).to_have_count(4)
    expect(page.locator("[data-cluster-members] .pin").first).to_be_focused()
