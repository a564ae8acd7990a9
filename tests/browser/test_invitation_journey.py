"""A newcomer invited by the demo customer joins through the link, lands on the prototype and finds the people
who care about it; the customer sees them as joined, and the pages read well on a phone."""

from __future__ import annotations

import os
import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.seed import seed_demo
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.prototypes.models import Prototype

SHOTS = os.environ.get("PORTAL_SCREENSHOTS")  # set to a folder to keep the pages' screenshots


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_invited_newcomer_joins_and_finds_people_who_care_about_the_prototype(app, browser, live_server, page):
    with app.app_context():
        seed_demo()
        prototype = db.session.scalar(select(Prototype).order_by(Prototype.id).limit(1))
        name, slug, product = prototype.name, prototype.slug, prototype.product.name

    _sign_in(page, "customer@example.com", "demo-password")
    page.goto("/invitations")
    page.get_by_label("Email addresses").fill("new.parent@example.org")
    page.get_by_label("Invite them to").select_option(label=f"{product}: {name}")
    page.get_by_label("A personal note").fill("You asked about battery life: this is where it is decided.")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.parent@example.org")).to_be_visible()
    _shot(page, "invitations")

    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.text_body)
                                 .where(OutboxMessage.to_address == "new.parent@example.org"))
    link = re.search(r"http://portal\.test(/invite/\S+)", body).group(1)

    newcomer = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 800})
    phone = newcomer.new_page()
    phone.goto(link)
    expect(phone.get_by_role("heading", name=re.compile("invited you to"))).to_contain_text(name)
    expect(phone.get_by_text("You asked about battery life")).to_be_visible()
    _shot(phone, "invite-phone")
    expect(phone.get_by_label("Email")).to_have_value("new.parent@example.org")
    phone.get_by_label("Display name").fill("Nia Parent")
    phone.get_by_label("Password").fill("a-long-password")
    phone.get_by_role("button", name=re.compile("Join")).click()
    expect(phone).to_have_url(re.compile(f"/prototypes/{slug}$"))
    expect(phone.get_by_text("You joined through")).to_be_visible()

    # People who took part in the same prototype: the prototype page leads to them.
    phone.get_by_role("link", name="Who takes part").click()
    expect(phone).to_have_url(re.compile(f"/people\\?prototype={slug}$"))
    cards = phone.locator(".person-card")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 3
    expect(phone.get_by_role("heading", name="People")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
    _shot(phone, "people-phone")
    phone.goto("/network")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(phone, "network-phone")
    newcomer.close()

    page.goto("/invitations")
    joined = page.locator(".invite-item", has_text="Nia Parent")
    expect(joined).to_contain_text("Joined")
    expect(joined).to_contain_text("Not contributed yet")
    page.goto("/people")
    _shot(page, "people")
    page.goto("/network")
    _shot(page, "network")
    page.goto("/reputation/leaderboard?period=all")
    expect(page.locator(".rep-leaderboard tbody tr").first).to_be_visible()
    _shot(page, "leaderboard")
