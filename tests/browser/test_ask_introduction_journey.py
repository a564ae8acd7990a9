"""Asking for an introduction in a real browser: a member asks from a profile, the host follows the notification
to a filled-in introduction form and submits it, and both people are asked to accept."""

from __future__ import annotations

import os

from playwright.sync_api import expect

from portal.extensions import db
from portal.ideas.services import cast_vote
from portal.notifications.follows import watch_product
from tests.factories import make_idea, make_user

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


def test_ask_the_host_who_introduces_in_one_submit(app, page):
    with app.app_context():
        ada = make_user(email="ada@example.org", display_name="Ada Obi")
        bob = make_user(email="bob@example.org", display_name="Bob Mensah")
        dee = make_user("designer", email="dee@example.org", display_name="Dee Host")
        idea = make_idea(ada, title="Offline maps for field trips")
        cast_vote(bob, idea)
        watch_product(dee, idea.prototype.product, True)
        bob_id = bob.id
        db.session.remove()

    _sign_in(page, "ada@example.org")
    page.set_viewport_size({"width": 375, "height": 800})  # the phone width the site is read at
    page.goto(f"/people/{bob_id}")
    _shot(page, "ask-profile-phone")
    page.get_by_role("link", name="Ask for an introduction").click()
    page.get_by_label("A note for the hosts (optional)").fill("We both want offline maps; I teach in Kisumu.")
    _shot(page, "ask-introduction")
    page.get_by_role("button", name="Ask the hosts").click()
    expect(page.get_by_text("1 team member will see your request to meet Bob Mensah.")).to_be_visible()
    _sign_out(page)

    _sign_in(page, "dee@example.org")
    page.goto("/notifications")
    page.get_by_role("link", name="Ada Obi asks you to introduce them to Bob Mensah").click()
    expect(page.get_by_label("Your note to both")).to_have_value("We both want offline maps; I teach in Kisumu.")
    _shot(page, "ask-introduction-prefilled")
    page.get_by_role("button", name="Introduce them").click()
    expect(page.get_by_text("You introduced Ada Obi and Bob Mensah.")).to_be_visible()
    _sign_out(page)

    _sign_in(page, "bob@example.org")
    page.goto("/connections")
    expect(page.get_by_text("Introduced by Dee Host")).to_be_visible()
