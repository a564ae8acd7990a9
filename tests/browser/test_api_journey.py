"""The API's "done when": read the documentation page, make a token in settings, post an idea with it, see it."""

from __future__ import annotations

import json
import os
import urllib.request

from playwright.sync_api import expect
from sqlalchemy import select

from portal.demo.seed import DEMO_PASSWORD, seed_demo
from portal.extensions import db
from portal.prototypes.models import Prototype

SHOTS = os.environ.get("API_SCREENSHOTS")  # a folder to keep screenshots in while working on the pages


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_developer_makes_a_token_and_posts_an_idea_with_it(app, page, live_server):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Refused to" in m.text else None)  # CSP
    page.on("pageerror", lambda error: problems.append(str(error)))
    with app.app_context():
        seed_demo()
        prototype_id = db.session.scalar(select(Prototype.id).where(Prototype.open_for_feedback.is_(True)).limit(1))

    page.goto("/api/docs")
    expect(page.get_by_role("heading", name="Post an idea")).to_be_attached()
    _shot(page, "docs")

    page.goto("/login")
    page.get_by_label("Email").fill("developer@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/settings/api-tokens")
    page.get_by_label("Name").fill("My script")
    page.get_by_label("write", exact=False).first.check()
    page.get_by_role("button", name="Make token").click()
    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("ptl_")
    expect(page.get_by_text("shown only this once")).to_be_visible()
    _shot(page, "tokens")

    request = urllib.request.Request(
        f"{live_server}/api/v1/ideas", method="POST",
        data=json.dumps({"prototype_id": prototype_id, "title": "Posted through the API"}).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the live test server
        assert response.status == 201
        created = json.load(response)
    page.goto(created["url"].replace("http://portal.test", live_server))
    expect(page.get_by_role("heading", name="Posted through the API")).to_be_visible()

    page.goto("/settings/api-tokens")
    expect(page.get_by_role("button", name="Revoke My script")).to_be_visible()
    expect(page.get_by_text("never used")).to_have_count(0)  # its last use is shown
    page.set_viewport_size({"width": 375, "height": 800})
    _shot(page, "tokens-phone")
    page.goto("/api/docs")
    _shot(page, "docs-phone")
    assert problems == []
