"""Rate limits: sign-in, sign-up, posting, voting and search answer 429 with Retry-After once a client overdoes it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from flask import abort
from werkzeug.exceptions import TooManyRequests

from portal.ratelimit import PASSWORD_RESET_ENDPOINTS, limited_endpoints
from tests.factories import PASSWORD, make_idea, make_prototype, make_user

REDIS_URL = "redis://127.0.0.1:6379/15"


def _limited(make_app, **settings):
    return make_app(RATELIMIT_ENABLED=True, **settings)


def _login(client, user, **kwargs):
    return client.post("/login", data={"email": user.email, "password": PASSWORD}, **kwargs)


def _assert_limited_page(response) -> None:
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    page = response.get_data(as_text=True)
    assert "Slow down a little" in page
    assert "Please wait" in page
    assert "Traceback" not in page


def test_sign_in_attempts_from_one_address_are_limited_with_a_friendly_page(app, make_app):
    limited = _limited(make_app, RATELIMIT_SIGN_IN="3 per minute")
    client = limited.test_client()
    for n in range(3):
        response = client.post("/login", data={"email": f"nobody{n}@example.org", "password": "wrong-password"})
        assert response.status_code == 422
        assert response.headers["X-RateLimit-Limit"] == "3"

    response = client.post("/login", data={"email": "nobody9@example.org", "password": "wrong-password"})

    _assert_limited_page(response)
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_showing_the_sign_in_page_is_not_limited(make_app):
    client = _limited(make_app, RATELIMIT_SIGN_IN="2 per minute").test_client()

    assert {client.get("/login").status_code for _ in range(5)} == {200}


def test_another_address_has_its_own_sign_in_allowance(make_app):
    client = _limited(make_app, RATELIMIT_SIGN_IN="1 per minute").test_client()
    data = {"email": "nobody@example.org", "password": "wrong-password"}
    client.post("/login", data=data, environ_base={"REMOTE_ADDR": "198.51.100.1"})

    assert client.post("/login", data=data, environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 429
    assert client.post("/login", data=data, environ_base={"REMOTE_ADDR": "198.51.100.2"}).status_code == 422


def test_sign_ups_are_limited(make_app):
    client = _limited(make_app, RATELIMIT_SIGN_UP="2 per hour").test_client()
    for n in range(2):
        client.post("/signup", data={"email": f"new{n}@example.org", "display_name": f"New {n}",
                                     "password": "a-long-password"})
        client.post("/logout")

    response = client.post("/signup", data={"email": "new9@example.org", "display_name": "New 9",
                                            "password": "a-long-password"})

    _assert_limited_page(response)
    assert int(response.headers["Retry-After"]) > 60  # the hour window, not the default


def test_votes_are_limited_per_account_and_answer_json_to_the_site_script(app, make_app):
    with app.app_context():
        idea = make_idea()
        voter = make_user()
    client = _limited(make_app, RATELIMIT_VOTE_PER_USER="2 per minute").test_client()
    _login(client, voter)
    headers = {"Accept": "application/json"}
    for action in ("add", "remove"):
        assert client.post(f"/ideas/{idea.id}/vote", data={"action": action}, headers=headers).status_code == 200

    # The same account from another address is still the same voter.
    response = client.post(f"/ideas/{idea.id}/vote", data={"action": "add"}, headers=headers,
                           environ_base={"REMOTE_ADDR": "203.0.113.7"})

    assert response.status_code == 429
    assert response.is_json
    body = response.get_json()
    assert body["status"] == 429
    assert abs(body["retry_after"] - int(response.headers["Retry-After"])) <= 1  # a second may tick between
    assert int(response.headers["Retry-After"]) > 0


def test_the_per_account_vote_limit_does_not_hold_back_another_account(app, make_app):
    with app.app_context():
        idea = make_idea()
        first, second = make_user(), make_user()
    limited = _limited(make_app, RATELIMIT_VOTE_PER_USER="1 per minute")
    one, two = limited.test_client(), limited.test_client()
    _login(one, first)
    _login(two, second)
    one.post(f"/ideas/{idea.id}/vote", data={"action": "add"})

    assert one.post(f"/ideas/{idea.id}/vote", data={"action": "remove"}).status_code == 429
    assert two.post(f"/ideas/{idea.id}/vote", data={"action": "add"}).status_code == 302


def test_votes_from_one_address_are_limited_across_accounts(app, make_app):
    with app.app_context():
        idea = make_idea()
        people = [make_user() for _ in range(3)]
    limited = _limited(make_app, RATELIMIT_VOTE="2 per minute")
    statuses = []
    for person in people:
        client = limited.test_client()
        _login(client, person)
        statuses.append(client.post(f"/ideas/{idea.id}/vote", data={"action": "add"}).status_code)

    assert statuses == [302, 302, 429]


def test_posting_ideas_is_limited_per_account(app, make_app):
    with app.app_context():
        prototype = make_prototype()
        author = make_user()
    client = _limited(make_app, RATELIMIT_IDEA_PER_USER="1 per minute").test_client()
    _login(client, author)
    data = {"prototype": prototype.slug, "title": "A first idea worth posting", "body": "", "confirmed": "1"}
    assert client.post("/ideas/new", data=data).status_code == 302

    _assert_limited_page(client.post("/ideas/new", data=data | {"title": "A second idea worth posting"}))
    assert client.get("/ideas/new").status_code == 200  # showing the form is not limited


def test_posting_comments_is_limited_per_account(app, make_app):
    with app.app_context():
        idea = make_idea()
        author = make_user()
    client = _limited(make_app, RATELIMIT_COMMENT_PER_USER="2 per minute").test_client()
    _login(client, author)
    for n in range(2):
        assert client.post(f"/ideas/{idea.id}/comments", data={"body": f"Comment {n}"}).status_code == 302

    _assert_limited_page(client.post(f"/ideas/{idea.id}/comments", data={"body": "One too many"}))


def test_search_is_limited_per_address(make_app):
    client = _limited(make_app, RATELIMIT_SEARCH="2 per minute").test_client()
    assert client.get("/search?q=one").status_code == 200
    assert client.get("/ideas/similar?title=something", headers={"Accept": "application/json"}).status_code == 200
    assert client.get("/search?q=two").status_code == 200

    _assert_limited_page(client.get("/search?q=three"))


def test_a_limit_set_for_every_page_still_counts_every_page(app, make_app):
    # Pages no rule names skip the limiter's check, unless a deployment limits every request.
    with app.app_context():
        prototype = make_prototype()
    page = f"/prototypes/{prototype.slug}"
    client = _limited(make_app, RATELIMIT_DEFAULT="2 per minute").test_client()
    assert [client.get(page).status_code for _ in range(2)] == [200, 200]  # the second from the page cache

    _assert_limited_page(client.get(page))
    # Without it, the same page is never refused.
    unlimited = _limited(make_app).test_client()
    assert {unlimited.get(page).status_code for _ in range(5)} == {200}


def test_a_client_over_the_meta_limit_is_refused_on_every_page(make_app):
    # Meta limits count breaches of any limit and then hold the client back everywhere, unnamed pages included.
    client = _limited(make_app, RATELIMIT_SEARCH="1 per minute", RATELIMIT_META="1 per minute").test_client()
    assert client.get("/roadmap").status_code == 200
    assert client.get("/search?q=one").status_code == 200
    _assert_limited_page(client.get("/search?q=two"))

    _assert_limited_page(client.get("/roadmap"))


def test_the_shared_test_app_has_limits_off(app, client):
    assert app.config["RATELIMIT_ENABLED"] is False
    # An empty password is refused by the form before any hashing, which keeps this quick.
    assert {client.post("/login", data={"email": "x@example.org", "password": ""}).status_code
            for _ in range(11)} == {422}


def test_every_anonymous_accounts_form_is_limited(app):
    """Sign-in, sign-up and password reset requests are what bots hammer; logout only clears a session."""
    anonymous_posts = {rule.endpoint for rule in app.url_map.iter_rules()
                       if rule.endpoint.startswith("accounts.") and "POST" in (rule.methods or ())}
    signed_in_only = {"accounts.logout", "accounts.profile_settings", "accounts.password_settings"}
    expected = {e for e in anonymous_posts - signed_in_only
                if e in {"accounts.login", "accounts.signup"} or "reset" in e or "forgot" in e}

    missing = expected - limited_endpoints(app)

    assert not missing, f"add these to portal/ratelimit.py RULES: {sorted(missing)}"
    assert {"accounts.login", "accounts.signup", "ideas.new", "ideas.comment", "ideas.vote",
            "search.search"} <= limited_endpoints(app)
    assert set(PASSWORD_RESET_ENDPOINTS) <= limited_endpoints(app)


def test_password_reset_requests_are_limited(make_app):
    client = _limited(make_app, RATELIMIT_PASSWORD_RESET="2 per hour").test_client()
    for _ in range(2):
        assert client.post("/password/forgot", data={"email": "someone@example.org"}).status_code in (200, 302)

    _assert_limited_page(client.post("/password/forgot", data={"email": "someone@example.org"}))



def test_current_password_checks_are_limited_per_account(app, make_app):
    """A stolen session cannot guess the account's password through the settings forms."""
    with app.app_context():
        person = make_user()
    client = _limited(make_app, RATELIMIT_PASSWORD_CHECK="2 per minute").test_client()
    _login(client, person)
    wrong = {"current_password": "not-the-password", "new_password": "a-new-long-password"}
    email_change = {"new_email": "new@example.org", "password": "nope"}
    for _ in range(2):
        assert client.post("/settings/password", data=wrong).status_code == 422
        assert client.post("/settings/email", data=email_change).status_code == 422

    _assert_limited_page(client.post("/settings/password", data=wrong))
    _assert_limited_page(client.post("/settings/email", data=email_change))
    assert client.get("/settings/password").status_code == 200  # showing the form is not limited


def test_emails_sent_on_request_are_limited_per_account(app, make_app):
    with app.app_context():
        person = make_user(verified=False)
    client = _limited(make_app, RATELIMIT_ACCOUNT_MAIL="1 per minute").test_client()
    _login(client, person)
    assert client.post("/verify-email/resend").status_code == 302

    _assert_limited_page(client.post("/verify-email/resend"))


def test_unsubscribe_posts_are_limited_per_address(make_app):
    client = _limited(make_app, RATELIMIT_UNSUBSCRIBE="2 per minute").test_client()
    for _ in range(2):
        assert client.post("/unsubscribe/forged-token").status_code != 429

    _assert_limited_page(client.post("/unsubscribe/forged-token"))
    assert {"accounts.password_settings", "accounts.email_settings", "accounts.resend_verification",
            "admin.email.send_test", "notifications.unsubscribe"} <= limited_endpoints(make_app())

# 429 from other code ------------------------------------------------------------------------------------------


@pytest.fixture
def refusing_app(make_app):
    instance = make_app()

    @instance.get("/busy")
    def busy():
        raise TooManyRequests(retry_after=42)

    @instance.get("/plain")
    def plain():
        abort(429)

    @instance.get("/until")
    def until():
        abort(429, retry_after=datetime.now(UTC) + timedelta(minutes=5))

    return instance


def test_a_429_raised_with_retry_after_by_other_code_keeps_it(refusing_app):
    response = refusing_app.test_client().get("/busy")

    _assert_limited_page(response)
    assert response.headers["Retry-After"] == "42"
    assert "42 seconds" in response.get_data(as_text=True)


def test_a_429_with_a_retry_date_says_how_many_seconds(refusing_app):
    response = refusing_app.test_client().get("/until")

    _assert_limited_page(response)
    assert 290 <= int(response.headers["Retry-After"]) <= 300
    assert "5 minutes" in response.get_data(as_text=True)


def test_a_plain_abort_429_still_says_when_to_retry(refusing_app):
    response = refusing_app.test_client().get("/plain", headers={"Accept": "application/json"})

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert response.get_json()["retry_after"] == 60


# Redis: limits shared by every process -------------------------------------------------------------------------


def _redis_or_skip():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}); start it to test limits shared across "
                    "processes")
    return client


def test_two_app_instances_share_one_limit_through_redis(make_app):
    redis_client = _redis_or_skip()
    prefix = f"portal-test-{uuid.uuid4().hex}"  # a fresh namespace: nothing from earlier runs counts
    settings = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix, "RATELIMIT_SIGN_IN": "3 per minute"}
    first, second = _limited(make_app, **settings), _limited(make_app, **settings)
    data = {"email": "nobody@example.org", "password": ""}  # refused by the form at once: no hashing to wait for
    try:
        assert first.test_client().post("/login", data=data).status_code == 422
        assert first.test_client().post("/login", data=data).status_code == 422
        assert second.test_client().post("/login", data=data).status_code == 422

        refused = second.test_client().post("/login", data=data)

        _assert_limited_page(refused)
        assert first.test_client().post("/login", data=data).status_code == 429
        assert list(redis_client.scan_iter(f"*{prefix}*"))  # the count lives in Redis, not in either process
    finally:
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)


def test_when_redis_is_down_limits_are_counted_in_memory_instead_of_failing(make_app, caplog):
    client = _limited(make_app, REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_SEARCH="2 per minute").test_client()

    statuses = [client.get("/search?q=x").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_a_search_kept_for_anonymous_visitors_still_counts_against_the_limit(make_app):
    # The same search again comes from the kept page, but only after the view has counted it.
    client = _limited(make_app, RATELIMIT_SEARCH="2 per minute").test_client()
    assert [client.get("/search?q=same").status_code for _ in range(2)] == [200, 200]

    _assert_limited_page(client.get("/search?q=same"))


def test_head_requests_count_against_the_search_limit(make_app):
    client = _limited(make_app, RATELIMIT_SEARCH="2 per minute").test_client()
    assert [client.head(f"/search?q=word{n}").status_code for n in range(2)] == [200, 200]

    assert client.head("/search?q=word3").status_code == 429
