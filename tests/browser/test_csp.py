"""The Content-Security-Policy blocks nothing the portal itself needs: no violations on the main pages, with their
scripts at work (votes in place, confirm dialogs, similar ideas while typing, triage bulk actions, @mentions)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.seed import DEMO_PASSWORD, seed_demo
from portal.extensions import db
from portal.ideas.models import Idea
from portal.prototypes.models import Product, Prototype

# Chromium reports a violation on the console ("Refused to load/execute/apply …"); the event listener catches
# the ones a console message might not name, e.g. in a frame or from an attribute.
LISTEN = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Refused to use " + e.blockedURI + " (" + e.violatedDirective + ") on " + e.documentURI);
});
"""


@pytest.fixture
def watched(page):
    """The browser page, with every CSP violation and script error collected."""
    problems: list[str] = []
    page.add_init_script(LISTEN)
    page.on("console", lambda m: problems.append(m.text) if "Refused to" in m.text
            or "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.problems = problems
    return page


def _seeded(app) -> dict[str, str]:
    with app.app_context():
        seed_demo()
        idea = db.session.scalar(select(Idea).where(Idea.merged_into_id.is_(None), Idea.comment_count > 0)
                                 .order_by(Idea.id).limit(1))
        return {"idea": f"/ideas/{idea.id}", "product": f"/products/{db.session.scalar(select(Product.slug))}",
                "prototype": f"/prototypes/{db.session.scalar(select(Prototype.slug))}"}


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_a_visitor_sees_no_policy_violations(app, watched):
    paths = _seeded(app)
    for path in ("/", paths["product"], paths["prototype"], paths["idea"], "/roadmap", "/changelog",
                 "/search?q=battery", "/login", "/signup", "/no-such-page"):
        watched.goto(path)
        watched.wait_for_load_state("load")

    assert watched.problems == []


def test_an_admin_using_the_scripts_sees_no_policy_violations(app, watched):
    paths = _seeded(app)
    _sign_in(watched, "admin@example.com")

    for path in ("/", paths["product"], "/roadmap", "/notifications", "/settings/profile", "/settings/notifications",
                 "/admin/users", "/admin/statuses", "/admin/tags", "/admin/settings", "/admin/audit",
                 "/admin/email", "/triage/awaiting-approval", "/triage/hidden"):
        watched.goto(path)
        watched.wait_for_load_state("load")

    # A vote in place, then a confirm dialog the person cancels.
    watched.goto(paths["idea"])
    vote = watched.locator(".idea .vote-button")
    before = vote.get_attribute("aria-pressed")
    vote.click()
    expect(vote).not_to_have_attribute("aria-pressed", before)
    dialogs: list[str] = []
    watched.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    watched.locator("form[data-confirm] button").first.click()
    assert dialogs

    # @mentions suggestions in the comment box.
    box = watched.get_by_label("Comment", exact=True)
    box.click()
    box.press_sequentially("Thanks @Ma", delay=30)
    expect(watched.get_by_role("option").first).to_be_visible()

    # Similar ideas while typing a new idea's title.
    watched.goto("/ideas/new")
    watched.get_by_label("Title").press_sequentially("Battery lasts", delay=20)
    expect(watched.locator("[data-similar]")).to_be_visible()

    # Triage: select ideas for a bulk action.
    watched.goto("/triage")
    watched.locator("input[type=checkbox][name=ideas]").first.check()
    watched.locator("#all_on_page").check()

    assert watched.problems == []


def test_the_watch_catches_a_violation(app, watched, live_server):
    """The check itself works: an inline script injected into a page is refused and reported."""
    watched.goto("/")
    watched.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__ran = true';
        document.body.append(s);
    }""")
    watched.wait_for_timeout(200)

    assert watched.evaluate("window.__ran === undefined")
    assert any(re.search(r"Refused to", p) for p in watched.problems)
