"""Hearing back in a real browser: follow an idea, see the bell when someone comments, read and clear notifications."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.factories import make_comment, make_idea, make_user


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_follow_an_idea_hear_of_comments_under_the_bell_and_mark_all_read(app, page):
    with app.app_context():
        idea = make_idea(make_user(), title="Let pupils share files without internet")
        make_user(email="ada@example.org", display_name="Ada Obi")
        bob = make_user(display_name="Bob Mensah")

    _sign_in(page, "ada@example.org")
    bell = page.locator("[data-bell]")
    expect(bell).to_have_attribute("aria-label", "Notifications")
    page.goto(f"/ideas/{idea.id}")
    follow = page.locator(".follow-button")
    expect(follow).to_have_text("Follow")
    count = int(page.locator("[data-follow-count]").inner_text().split()[0])

    # Following updates in place: a marker on the window survives, so the page did not reload.
    page.evaluate("window.__sameDocument = true")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    expect(follow).to_have_text("Following")
    expect(page.locator("[data-follow-count]")).to_have_text(f"{count + 1} following")
    assert page.evaluate("window.__sameDocument") is True

    with app.app_context():
        first = make_comment(bob, idea, "I can test this at our school next week.")
        make_comment(bob, idea, "And the week after.")

    page.goto("/")
    expect(bell).to_have_attribute("aria-label", "Notifications, 2 unread")
    expect(bell.locator("[data-bell-count]")).to_have_text("2")

    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    items = page.locator(".notify-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Bob Mensah commented on “Let pupils share files without internet”")
    expect(items.nth(1)).to_contain_text("I can test this at our school next week.")

    # Marking one read happens in place and the bell follows.
    items.nth(1).get_by_role("button", name=re.compile("Mark as read")).click()
    expect(items.nth(1)).not_to_have_class(re.compile("is-unread"))
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")

    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("Marked 1 notification as read.")).to_be_visible()
    expect(bell).to_have_attribute("aria-label", "Notifications")
    expect(bell.locator("[data-bell-count]")).to_be_hidden()
    expect(page.get_by_text("You're all caught up.")).to_be_visible()
    expect(page.locator(".notify-item.is-unread")).to_have_count(0)

    # Each notification leads to the comment it is about.
    items.nth(1).get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/ideas/{idea.id}/[\w-]+#comment-{first.id}$"))


def test_opening_a_notification_marks_it_read(app, page):
    with app.app_context():
        idea = make_idea(make_user(), title="Brighter screen for outdoor lessons")
        ada = make_user(email="ada@example.org", display_name="Ada Obi")
        from portal.extensions import db
        from portal.notifications.follows import follow

        follow(db.session.merge(ada), db.session.merge(idea))
        make_comment(make_user(display_name="Bob Mensah"), idea, "Glare is the real problem.")

    _sign_in(page, "ada@example.org")
    page.goto("/notifications")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/read")) as marked:
        page.locator(".notify-item a").first.click()
    assert marked.value.ok
    expect(page.get_by_role("heading", name="Brighter screen for outdoor lessons")).to_be_visible()

    page.goto("/notifications")
    expect(page.locator(".notify-item.is-unread")).to_have_count(0)
    expect(page.locator("[data-bell]")).to_have_attribute("aria-label", "Notifications")
