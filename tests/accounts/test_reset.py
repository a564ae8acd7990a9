"""Password reset by a signed, expiring, single-use link on the site's own URL."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner

from portal.accounts import services, tokens
from portal.accounts.models import User
from portal.extensions import db
from portal.moderation import services as moderation
from portal.triage import services as triage
from tests.accounts.conftest import link_in, mails, path_of, signed_in
from tests.factories import PASSWORD, make_idea, make_user

NEW = "a-brand-new-password"


def _ask(client, email: str, **headers) -> None:
    response = client.post("/password/forgot", data={"email": email}, headers=headers)
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def _reset_path(app, email: str) -> str:
    (message,) = mails(app, kind="password_reset", to=email)
    return path_of(link_in(message, "/password/reset/"))


def _password_works(client, email: str, password: str) -> bool:
    return client.post("/login", data={"email": email, "password": password}).status_code == 302


@pytest.fixture
def user(app):
    with app.app_context():
        return make_user(email="grace@example.com", verified=False)


def test_sign_in_offers_a_forgotten_password_link(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_the_link_points_at_the_site_url_even_when_the_host_header_is_forged(app, client, user):
    _ask(client, user.email, Host="evil.example")

    (message,) = mails(app, kind="password_reset")
    assert link_in(message, "/password/reset/").startswith("http://portal.test/password/reset/")
    assert "evil.example" not in message.text_body + message.html_body
    assert message.to_address == user.email


def test_a_valid_link_sets_the_new_password_and_confirms_the_address(app, client, user):
    _ask(client, user.email)
    path = _reset_path(app, user.email)

    page = client.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    response = client.post(path, data={"password": NEW})

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not _password_works(app.test_client(), user.email, PASSWORD)
    assert _password_works(app.test_client(), user.email, NEW)
    with app.app_context():
        assert db.session.get(User, user.id).email_verified_at is not None  # the link reached the mailbox


def test_a_used_link_does_not_work_again(app, client, user):
    _ask(client, user.email)
    path = _reset_path(app, user.email)
    client.post(path, data={"password": NEW})

    for response in (client.get(path), client.post(path, data={"password": "yet-another-password"})):
        assert response.status_code == 400
        assert "This link doesn" in response.get_data(as_text=True)
    assert _password_works(app.test_client(), user.email, NEW)


def test_the_link_stops_working_once_the_password_changed_another_way(app, client, user):
    _ask(client, user.email)
    path = _reset_path(app, user.email)
    with app.app_context():
        services.change_password(db.session.get(User, user.id), PASSWORD, NEW)

    assert client.post(path, data={"password": "attackers-password"}).status_code == 400
    assert _password_works(app.test_client(), user.email, NEW)


def test_an_expired_link_is_refused_and_says_so(app, client, user):
    with app.test_request_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - tokens.RESET_MAX_AGE - 5)
        token = tokens.reset_token(db.session.get(User, user.id))

    response = client.post(f"/password/reset/{token}", data={"password": NEW})

    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    assert _password_works(app.test_client(), user.email, PASSWORD)


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-3] + ("xyz" if not token.endswith("xyz") else "abc"),
    lambda token: token.replace(".", "", 1),
    lambda token: token + "A",
])
def test_a_tampered_link_is_refused(app, client, user, tamper):
    _ask(client, user.email)
    token = _reset_path(app, user.email).rsplit("/", 1)[1]

    assert client.post(f"/password/reset/{tamper(token)}", data={"password": NEW}).status_code == 400
    assert _password_works(app.test_client(), user.email, PASSWORD)


def test_a_confirmation_link_is_not_a_reset_link(app, client, user):
    with app.test_request_context():
        token = tokens.verification_token(db.session.get(User, user.id))

    assert client.post(f"/password/reset/{token}", data={"password": NEW}).status_code == 400


def test_a_too_short_password_is_explained_and_the_link_still_works(app, client, user):
    _ask(client, user.email)
    path = _reset_path(app, user.email)

    response = client.post(path, data={"password": "short"})

    assert response.status_code == 422
    assert "Use between 8 and 200 characters." in response.get_data(as_text=True)
    assert client.post(path, data={"password": NEW}).status_code == 302


def test_resetting_signs_the_account_out_everywhere(app, client, user):
    browser = app.test_client()
    assert _password_works(browser, user.email, PASSWORD)
    _ask(client, user.email)

    client.post(_reset_path(app, user.email), data={"password": NEW})

    assert not signed_in(browser)


def test_resetting_lifts_the_sign_in_lock_of_the_account(app, client, user, clock):
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong-password"})
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429
    _ask(client, user.email)

    client.post(_reset_path(app, user.email), data={"password": NEW})

    assert _password_works(client, user.email, NEW)


def test_at_most_one_reset_mail_a_minute(app, client, user, clock):
    _ask(client, user.email)
    _ask(client, user.email)
    clock.advance(seconds=61)
    _ask(client, user.email)

    assert len(mails(app, kind="password_reset")) == 2


def test_banned_accounts_and_contacts_get_no_reset_mail(app, client):
    with app.app_context():
        admin, banned = make_user("admin"), make_user(email="banned@example.com")
        moderation.ban_user(admin, db.session.get(User, banned.id), "Spam")
        triage.vote_on_behalf(make_user("designer"), make_idea(), email="contact@example.com", source="Call")

    _ask(client, "banned@example.com")
    _ask(client, "contact@example.com")

    assert mails(app, kind="password_reset") == []


def test_a_link_for_a_banned_account_does_not_work(app, client, user):
    _ask(client, user.email)
    path = _reset_path(app, user.email)
    with app.app_context():
        moderation.ban_user(make_user("admin"), db.session.get(User, user.id), "Spam")

    assert client.post(path, data={"password": NEW}).status_code == 400
