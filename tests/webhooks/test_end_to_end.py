"""The README's journey: make a token, create an idea through the API, receive the signed webhook and verify it
the way the README tells a receiver to (plain hmac, no portal code)."""

from __future__ import annotations

import hashlib
import hmac
import time

from portal.api.tokens import create_token
from portal.notifications.delivery import run_worker
from portal.webhooks.services import save_endpoint, set_private_allowed
from tests.factories import make_prototype, make_user


def _readme_verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The verification snippet from the README, word for word in spirit."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_an_idea_created_through_the_api_arrives_as_a_signed_webhook(app, client, hook):
    with app.app_context():
        admin, developer = make_user("admin"), make_user("developer")
        prototype_id = make_prototype().id
        set_private_allowed(admin, True)
        secret = save_endpoint(admin, None, url=hook.url(), description="My receiver",
                               events=["idea.created"]).secret
        token = create_token(developer, "integration", ["read", "write"]).secret
    response = client.post("/api/v1/ideas", json={"prototype_id": prototype_id, "title": "Webhooks from the API",
                                                  "body": "Created by a script."},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    idea_id = response.get_json()["id"]
    with app.app_context():
        report = run_worker(once=True, log=lambda _: None)
    assert report.sent == 1
    [got] = hook.received
    assert _readme_verify(secret, got.headers["portal-signature"], got.body)
    assert not _readme_verify(secret, got.headers["portal-signature"], got.body.replace(b"API", b"APX"))
    event = got.json
    assert event["type"] == "idea.created" and event["id"] == got.headers["portal-webhook-id"]
    assert event["data"]["idea"]["id"] == idea_id and event["data"]["idea"]["title"] == "Webhooks from the API"
