"""A first-time visitor's journey in a real browser: sign up, post an idea, vote, comment."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import make_idea, make_prototype, make_user


def test_sign_up_post_an_idea_vote_and_comment(app, page):
    with app.app_context():
        prototype = make_prototype(name="Mesh networking")

    page.goto("/signup")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Display name").fill("Ada Obi")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome, Ada Obi!")).to_be_visible()

    page.goto(f"/prototypes/{prototype.slug}")
    page.get_by_role("link", name="Post an idea").click()
    expect(page.get_by_label("Prototype")).to_have_value(prototype.slug)
    page.get_by_label("Title").fill("Let pupils share files without internet")
    page.get_by_label("Description").fill("Teachers lose **hours** copying lessons by USB.")
    page.get_by_role("button", name="Post idea").click()

    expect(page.get_by_role("heading", name="Let pupils share files without internet")).to_be_visible()
    expect(page.locator(".idea .prose strong")).to_have_text("hours")
    vote = page.locator(".idea .vote-button")
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote.locator(".vote-count")).to_have_text("1")

    # Voting updates in place: a marker set on the window survives, so the page did not reload.
    page.evaluate("window.__sameDocument = true")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "false")
    expect(vote.locator(".vote-count")).to_have_text("0")
    vote.click()
    expect(vote.locator(".vote-count")).to_have_text("1")
    assert page.evaluate("window.__sameDocument") is True

    page.get_by_label("Comment", exact=True).fill("I can test this at our school next week.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is posted.")).to_be_visible()
    expect(page.locator(".comment .prose")).to_have_text("I can test this at our school next week.")
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()

    page.reload()
    expect(page.locator(".idea .vote-button .vote-count")).to_have_text("1")


def test_anonymous_vote_goes_to_sign_in_and_back(app, page):
    with app.app_context():
        idea = make_idea(title="Brighter screen for outdoor lessons")
        make_user(email="returning@example.org")

    page.goto(f"/ideas/{idea.id}")
    page.locator(".idea .vote-button").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert f"/login?next=/ideas/{idea.id}/brighter-screen-for-outdoor-lessons%23idea-{idea.id}" in page.url
    page.get_by_label("Email").fill("returning@example.org")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Brighter screen for outdoor lessons")).to_be_visible()
    page.locator(".idea .vote-button").click()
    expect(page.locator(".idea .vote-button .vote-count")).to_have_text("2")
