"""Admins switch "hold first posts of new accounts for approval" at /admin/settings."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.moderation.services import hold_first_posts
from tests.admin.html import flashes, is_checked


def _held(app) -> bool:
    with app.app_context():
        return hold_first_posts()


def test_the_checkbox_shows_the_current_setting(app, client, auth, people):
    auth.login(people["admin"])
    assert not is_checked(client.get("/admin/settings").get_data(as_text=True), "hold_first_posts")

    client.post("/admin/settings", data={"hold_first_posts": "y"})

    assert is_checked(client.get("/admin/settings").get_data(as_text=True), "hold_first_posts")


def test_an_admin_turns_holding_on_and_off(app, client, auth, people):
    auth.login(people["admin"])

    response = client.post("/admin/settings", data={"hold_first_posts": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/settings"
    assert _held(app) is True
    assert "First posts of new accounts are now held for approval." in flashes(
        client.get("/admin/settings").get_data(as_text=True))

    client.post("/admin/settings", data={})
    assert _held(app) is False
    with app.app_context():
        assert [e.after for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
            {"hold_first_posts": True}, {"hold_first_posts": False}]


def test_a_customer_cannot_switch_it(app, client, auth, people):
    auth.login(people["customer"])

    assert client.post("/admin/settings", data={"hold_first_posts": "y"}).status_code == 403
    assert _held(app) is False
