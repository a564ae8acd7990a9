"""Meeting someone in a real browser: find a person who cares about the same idea, ask to connect, the other
accepts, and both see the contact details they share with connections and download each other's card."""

from __future__ import annotations

import os

import vobject
from playwright.sync_api import expect

from portal.accounts import services as accounts
from tests.factories import make_comment, make_idea, make_user

SHOTS = os.environ.get("NETWORK_SCREENSHOTS")  # a folder, to look at the pages while working on them


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _card_lines(download) -> list[str]:
    with open(download.path(), encoding="utf-8") as handle:
        card = vobject.readOne(handle.read())
    return [str(line.value) for line in card.getChildren()]


def test_find_a_person_connect_accept_and_exchange_cards(app, page):
    with app.app_context():
        ada = make_user(email="ada@example.org", display_name="Ada Obi")
        bob = make_user("designer", email="bob@example.org", display_name="Bob Mensah")
        idea = make_idea(ada, title="Offline maps for field trips")
        make_comment(bob, idea, "We are sketching a map cache for the next image.")
        accounts.update_profile(ada, display_name="Ada Obi", location="Kisumu, Kenya", offers="classroom testing",
                                contacts={"phone": "+254 20 555 0101"}, visibility={"phone": "connections"})
        accounts.update_profile(bob, display_name="Bob Mensah", job_title="Designer", needs="classroom testing",
                                visibility={"email": "connections"})
        idea_id = idea.id

    _sign_in(page, "ada@example.org")
    page.goto(f"/ideas/{idea_id}")
    others = page.locator("[data-others-care]")
    expect(others).to_contain_text("Bob Mensah")
    _shot(page, "idea-others")
    others.get_by_role("link", name="Connect").click()
    page.get_by_label("A short message (optional)").fill("Happy to test the map cache with my class.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request is sent to Bob Mensah.")).to_be_visible()
    expect(page.locator("[data-contacts]")).to_have_count(0)  # Bob's email is for connections only
    _sign_out(page)

    _sign_in(page, "bob@example.org")
    page.get_by_role("link", name="Connections", exact=True).click()
    request = page.locator("[data-request]")
    expect(request).to_contain_text("Ada Obi")
    expect(request).to_contain_text("Happy to test the map cache with my class.")
    _shot(page, "connections")
    request.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted: you are now connected with Ada Obi.")).to_be_visible()
    page.get_by_role("link", name="Ada Obi").first.click()
    expect(page.locator("[data-contact=phone]")).to_contain_text("+254 20 555 0101")
    expect(page.locator("[data-location]")).to_have_text("Kisumu, Kenya")
    _shot(page, "profile-connected")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download contact card").click()
    assert "+254 20 555 0101" in _card_lines(got.value)
    _sign_out(page)

    _sign_in(page, "ada@example.org")
    page.goto("/connections")
    page.get_by_role("link", name="Bob Mensah").click()
    expect(page.locator("[data-contact=email]")).to_contain_text("bob@example.org")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download contact card").click()
    lines = _card_lines(got.value)
    assert "bob@example.org" in lines and "Bob Mensah" in lines
    page.set_viewport_size({"width": 375, "height": 800})
    _shot(page, "profile-phone")
    page.goto("/settings/profile")
    expect(page.get_by_label("Who sees your phone number")).to_have_value("connections")
    _shot(page, "settings-phone")
