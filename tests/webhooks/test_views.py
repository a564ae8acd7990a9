"""The webhook admin pages over HTTP: only admins, forms that keep input, ping, redeliver, pause, delete."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.webhooks.delivery import deliver_webhooks
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from portal.webhooks.services import save_endpoint, set_private_allowed
from portal.webhooks.signing import verify
from tests.factories import make_idea, make_user

PAGES = ["/admin/webhooks", "/admin/webhooks/new", "/admin/webhooks/{id}", "/admin/webhooks/{id}/edit",
         "/admin/webhooks/deliveries/{delivery}"]
ACTIONS = ["/admin/webhooks/new", "/admin/webhooks/settings", "/admin/webhooks/{id}/edit",
           "/admin/webhooks/{id}/delete", "/admin/webhooks/{id}/secret", "/admin/webhooks/{id}/active",
           "/admin/webhooks/{id}/ping", "/admin/webhooks/deliveries/{delivery}/redeliver"]


@pytest.fixture
def setup(app, hook):
    """An admin with one endpoint on the loopback receiver and one delivery to it."""
    with app.app_context():
        admin = make_user("admin")
        set_private_allowed(admin, True)
        endpoint = save_endpoint(admin, None, url=hook.url(), description="Support desk", events=["idea.created"])
        make_idea()
        delivery = db.session.scalar(select(WebhookDelivery.id))
        return {"admin": admin.email, "id": endpoint.id, "delivery": delivery, "secret": endpoint.secret}


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_only_admins_reach_the_webhook_pages_and_actions(app, client, auth, setup, role):
    with app.app_context():
        person = make_user(role)
    auth.login(person)
    for path in PAGES:
        assert client.get(path.format(**setup)).status_code == 403, path
    for path in ACTIONS:
        assert client.post(path.format(**setup)).status_code == 403, path
    with app.app_context():
        assert db.session.get(WebhookEndpoint, setup["id"]).active
        assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 1


def test_visitors_are_sent_to_sign_in(client, setup):
    for path in PAGES:
        response = client.get(path.format(**setup))
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(f"/admin/webhooks/{setup['id']}/delete")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admins_see_endpoints_and_the_nav_link(client, auth, setup, hook):
    auth.login(setup["admin"])
    page = client.get("/admin/webhooks").get_data(as_text=True)
    assert hook.url() in page and "Support desk" in page and 'href="/admin/webhooks"' in page
    detail = client.get(f"/admin/webhooks/{setup['id']}?reveal=1").get_data(as_text=True)
    assert setup["secret"] in detail and "idea.created" in detail


def test_a_bad_url_comes_back_with_its_message_and_the_input_kept(app, client, auth, setup):
    auth.login(setup["admin"])
    with app.app_context():
        set_private_allowed(make_user("admin"), False)
    response = client.post("/admin/webhooks/new", data={"url": "http://10.9.8.7/in", "description": "Chat bot",
                                                         "events": ["comment.created"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "loopback, private or reserved" in page
    assert 'value="http://10.9.8.7/in"' in page and 'value="Chat bot"' in page
    assert 'value="comment.created" checked' in page and 'value="idea.created" checked' not in page
    response = client.post("/admin/webhooks/new", data={"url": "https://example.com/in", "description": ""})
    assert response.status_code == 422 and "Choose at least one event" in response.get_data(as_text=True)


def test_adding_an_endpoint_shows_its_secret(app, client, auth, setup, hook):
    auth.login(setup["admin"])
    response = client.post("/admin/webhooks/new", data={"url": hook.url("/second"), "description": "Tracker",
                                                         "events": ["idea.created", "vote.created"]})
    assert response.status_code == 302 and "reveal=1" in response.headers["Location"]
    with app.app_context():
        endpoint = db.session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.description == "Tracker"))
        assert endpoint.event_list == ["idea.created", "vote.created"] and endpoint.secret.startswith("whsec_")
        secret = endpoint.secret
        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "webhook.create"
    assert secret in client.get(response.headers["Location"]).get_data(as_text=True)


def test_edit_keeps_the_secret_and_changes_the_events(app, client, auth, setup, hook):
    auth.login(setup["admin"])
    form = client.get(f"/admin/webhooks/{setup['id']}/edit").get_data(as_text=True)
    assert 'value="idea.created" checked' in form and f'value="{hook.url()}"' in form
    response = client.post(f"/admin/webhooks/{setup['id']}/edit", data={
        "url": hook.url("/v2"), "description": "Support desk v2", "events": ["vote.removed"]})
    assert response.status_code == 302
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, setup["id"])
        assert (endpoint.url, endpoint.events, endpoint.secret) == (hook.url("/v2"), "vote.removed", setup["secret"])


def test_a_test_ping_is_sent_now_signed_and_logged(app, client, auth, setup, hook):
    auth.login(setup["admin"])
    response = client.post(f"/admin/webhooks/{setup['id']}/ping", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The endpoint answered the ping with 200" in page
    [got] = hook.received
    assert got.json["type"] == "ping" and verify(setup["secret"], got.headers["portal-signature"], got.body)
    assert "delivered" in page and "{&#34;ok&#34;: true}" in page


def test_a_failed_ping_says_why(app, client, auth, setup, hook):
    hook.plan["/hooks"] = [(503, 0)]
    auth.login(setup["admin"])
    page = client.post(f"/admin/webhooks/{setup['id']}/ping", follow_redirects=True).get_data(as_text=True)
    assert "The ping failed: HTTP 503." in page
    with app.app_context():
        ping = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.event == "ping"))
        assert ping.status == "failed"


def test_redeliver_sends_the_same_delivery_again(app, client, auth, setup, hook):
    with app.app_context():
        deliver_webhooks()
    auth.login(setup["admin"])
    response = client.post(f"/admin/webhooks/deliveries/{setup['delivery']}/redeliver", follow_redirects=True)
    assert "is queued again" in response.get_data(as_text=True)
    with app.app_context():
        assert deliver_webhooks().sent == 1
    first, second = hook.received
    assert first.json["id"] == second.json["id"]
    page = client.get(f"/admin/webhooks/deliveries/{setup['delivery']}").get_data(as_text=True)
    assert page.count("delivered</span>") == 2


def test_pause_enable_rotate_and_delete(app, client, auth, setup):
    auth.login(setup["admin"])
    client.post(f"/admin/webhooks/{setup['id']}/active", data={"active": "0"})
    with app.app_context():
        assert not db.session.get(WebhookEndpoint, setup["id"]).active
        make_idea()
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1  # nothing new queued
    page = client.get(f"/admin/webhooks/{setup['id']}").get_data(as_text=True)
    assert "This endpoint is disabled." in page
    client.post(f"/admin/webhooks/{setup['id']}/active", data={"active": "1"})
    client.post(f"/admin/webhooks/{setup['id']}/secret")
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, setup["id"])
        assert endpoint.active and endpoint.secret != setup["secret"]
    response = client.post(f"/admin/webhooks/{setup['id']}/delete")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(WebhookEndpoint, setup["id"]) is None
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0


def test_the_private_address_setting_is_saved(app, client, auth, setup):
    auth.login(setup["admin"])
    response = client.post("/admin/webhooks/settings", data={}, follow_redirects=True)
    assert "Endpoints on private networks are now refused." in response.get_data(as_text=True)
    response = client.post("/admin/webhooks/settings", data={"allow_private": "y"}, follow_redirects=True)
    assert "now allowed" in response.get_data(as_text=True)


def test_unknown_ids_are_404(client, auth, setup):
    auth.login(setup["admin"])
    assert client.get("/admin/webhooks/999").status_code == 404
    assert client.get("/admin/webhooks/deliveries/999").status_code == 404
    assert client.post("/admin/webhooks/deliveries/999/redeliver").status_code == 404
