"""Mentioning someone in a comment in a real browser: suggestions while typing, picked by keyboard, then linked."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.notifications.models import Event, Notification
from tests.factories import PASSWORD, make_idea, make_user


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_a_customer_mentions_someone_by_keyboard_and_they_are_told(app, page):
    with app.app_context():
        author = make_user(display_name="Ana Lima")  # took part: suggested first
        anabel = make_user(role="designer", display_name="Anabel Ortiz")
        make_user(display_name="Bruno Anand")  # a later word starts with "Ana": suggested too
        make_user(email="grace@example.org", display_name="Grace Hopper")
        idea = make_idea(author=author, title="Night mode for the field tablet")
        idea_id, anabel_id = idea.id, anabel.id

    _sign_in(page, "grace@example.org")
    page.goto(f"/ideas/{idea_id}")
    box = page.get_by_label("Comment", exact=True)
    box.click()
    box.press_sequentially("Could @Ana", delay=30)

    listbox = page.get_by_role("listbox", name="People to mention")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(3)
    expect(options.nth(0)).to_contain_text("Ana Lima")
    expect(options.nth(1)).to_contain_text("Anabel Ortiz")
    expect(options.nth(1)).to_contain_text("Designer")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")

    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("Could @Anabel Ortiz ")

    # Typing on after a pick does not reopen the list; Escape closes one without inserting anything.
    box.press_sequentially("check with @Bru", delay=30)
    expect(listbox).to_be_visible()
    expect(options).to_have_count(1)
    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.press_sequentially("tus later", delay=30)
    expect(box).to_have_value("Could @Anabel Ortiz check with @Brutus later")
    expect(listbox).to_be_hidden()

    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is posted.")).to_be_visible()
    link = page.locator(".comment .prose a.mention")
    expect(link).to_have_text("@Anabel Ortiz")
    expect(link).to_have_attribute("href", re.compile(rf"/people/{anabel_id}$"))

    with app.app_context():
        events = db.session.scalars(select(Notification.event).where(Notification.user_id == anabel_id)).all()
        assert events == [Event.MENTION.value]
