"""Rate limits per token, with RateLimit-* headers on every answer and Retry-After on a 429."""

from __future__ import annotations

from portal.api.tokens import create_token
from portal.extensions import db
from tests.factories import make_user


def _token(app) -> str:
    with app.app_context():
        secret = create_token(make_user(), "limits", ["read", "write"]).secret
        db.session.remove()
    return secret


def test_each_token_has_its_own_count_and_is_told_how_long_to_wait(limited_app):
    app = limited_app(RATELIMIT_API="3 per minute")
    first, second = _token(app), _token(app)
    client = app.test_client()

    def get(secret: str):
        return client.get("/api/v1/ideas", headers={"Authorization": f"Bearer {secret}"})

    answers = [get(first) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    assert answers[0].headers["RateLimit-Remaining"] == "2"
    assert 0 <= int(answers[0].headers["RateLimit-Reset"]) <= 61  # the window, rounded up
    refused = get(first)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert f"wait {refused.headers['Retry-After']} seconds" in refused.json["detail"]
    assert get(second).status_code == 200  # another token is not slowed down


def test_writes_have_a_tighter_limit_of_their_own(limited_app):
    app = limited_app(RATELIMIT_API="100 per minute", RATELIMIT_API_WRITE="1 per minute")
    secret = _token(app)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/me/notifications/read-all", headers=headers).status_code == 200
    assert client.post("/api/v1/me/notifications/read-all", headers=headers).status_code == 429
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_visitors_without_a_token_are_counted_by_address(limited_app):
    client = limited_app(RATELIMIT_API="1 per minute").test_client()
    assert client.get("/api/v1/statuses").status_code == 200
    assert client.get("/api/v1/statuses").status_code == 429
    other = client.get("/api/v1/statuses", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 200
