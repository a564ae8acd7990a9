"""An anonymous visitor follows the product in public; a customer about to post a duplicate finds the original."""

from __future__ import annotations

from playwright.sync_api import expect

from portal.extensions import db
from portal.ideas.models import Idea
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import PASSWORD, make_idea, make_prototype, make_user


def test_a_visitor_reads_the_roadmap_changelog_search_and_feed(app, page, live_server):
    with app.app_context():
        initial_status()
        designer = make_user(role="designer")
        crank, screen = make_prototype(name="Crank unit"), make_prototype(name="Sunlit screen")
        planned = make_idea(prototype=crank, title="Two-speed gear for small hands")
        shipped = make_idea(prototype=screen, title="Matte anti-glare film for charging outdoors")
        make_idea(prototype=screen, title="Brighter backlight at night")
        set_status(designer, db.session.get(Idea, planned.id), status_by_name("Planned"), "In the next crank.")
        set_status(designer, db.session.get(Idea, shipped.id), status_by_name("Shipped"), "Fitted at the factory.",
                   screen)

    page.goto("/roadmap")
    expect(page.locator(".roadmap-column", has_text="Planned")).to_contain_text("Two-speed gear for small hands")
    expect(page.locator(".roadmap-column", has_text="Shipped")).to_contain_text("Matte anti-glare film")
    page.get_by_label("Prototype").select_option(label="Crank unit")
    page.get_by_role("button", name="Filter").click()
    shared_link = page.url
    assert "prototype=" in shared_link
    page.goto(shared_link)
    expect(page.get_by_text("Two-speed gear for small hands")).to_be_visible()
    expect(page.get_by_text("Matte anti-glare film")).to_have_count(0)

    page.get_by_role("link", name="Changelog").first.click()
    expect(page.get_by_text("Fitted at the factory.")).to_be_visible()

    page.get_by_role("searchbox", name="Search ideas").first.fill("charge")
    page.keyboard.press("Enter")
    expect(page.locator("mark").first).to_be_visible()
    expect(page.get_by_role("link", name="Matte anti-glare film for charging outdoors")).to_be_visible()

    page.goto("/")
    feed = page.locator('link[rel="alternate"][type="application/atom+xml"]').first.get_attribute("href")
    response = page.request.get(feed if feed.startswith("http") else live_server + feed)
    assert response.ok and "application/atom+xml" in response.headers["content-type"]


def test_a_customer_typing_a_duplicate_sees_the_original_first_and_votes_for_it(app, page):
    with app.app_context():
        prototype = make_prototype(name="Crank unit")
        original = make_idea(prototype=prototype, title="Cranking is too noisy during lessons")
        make_idea(prototype=prototype, title="Make the crank easier to turn")
        make_user(email="newcomer@example.org")
        slug, original_id = prototype.slug, original.id

    page.goto("/login")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/ideas/new?prototype={slug}")
    page.get_by_label("Title").type("The crank makes too much noise", delay=20)
    suggestions = page.locator("[data-similar] li")
    expect(suggestions.first).to_contain_text("Cranking is too noisy during lessons")
    suggestions.first.get_by_role("button").click()
    expect(suggestions.first).to_contain_text("2")
    expect(page.get_by_label("Title")).to_have_value("The crank makes too much noise")
    with app.app_context():
        assert db.session.get(Idea, original_id).vote_count == 2
