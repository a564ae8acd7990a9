"""Changing one's address: the new address confirms by a link before the change takes effect; the old one is told."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner

from portal.accounts import tokens
from portal.accounts.models import User
from portal.extensions import db
from tests.accounts.conftest import link_in, mails, path_of, signed_in
from tests.factories import PASSWORD, make_user

OLD, NEW = "grace@example.com", "grace@navy.example"


@pytest.fixture
def user(app):
    with app.app_context():
        return make_user(email=OLD)


def _email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def _ask(client, new: str = NEW, password: str = PASSWORD, **headers):
    return client.post("/settings/email", data={"new_email": new, "password": password}, headers=headers)


def _confirm_path(app) -> str:
    (message,) = mails(app, kind="email_change", to=NEW)
    return path_of(link_in(message, "/settings/email/confirm/"))


def test_asking_sends_a_link_to_the_new_address_and_changes_nothing_yet(app, client, user):
    evil = {"Host": "evil.example"}  # every request of this browser names another host
    client.post("/login", data={"email": OLD, "password": PASSWORD}, headers=evil)

    response = _ask(client, **evil)

    assert response.status_code == 302
    assert _email(app, user.id) == OLD
    (message,) = mails(app, kind="email_change")
    assert message.to_address == NEW
    assert link_in(message, "/settings/email/confirm/").startswith("http://portal.test/settings/email/confirm/")
    assert "evil.example" not in message.text_body + message.html_body


def test_asking_needs_the_current_password(app, client, auth, user):
    auth.login(user)

    response = _ask(client, password="not-my-password")

    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    assert mails(app) == []


@pytest.mark.parametrize(("new", "message"), [
    ("not-an-address", "doesn&#39;t look like an email address"),
    (OLD.upper(), "That is your address already."),
])
def test_a_bad_new_address_is_explained(app, client, auth, user, new, message):
    auth.login(user)

    response = _ask(client, new=new)

    assert message in response.get_data(as_text=True)
    assert mails(app) == []


def test_confirming_moves_the_account_tells_the_old_address_and_ends_other_sessions(app, client, auth, user):
    other = app.test_client()
    other.post("/login", data={"email": OLD, "password": PASSWORD})
    auth.login(user, remember="y")
    _ask(client)
    path = _confirm_path(app)

    page = client.get(path)
    assert page.status_code == 200 and NEW in page.get_data(as_text=True)
    assert _email(app, user.id) == OLD
    response = client.post(path)

    assert response.status_code == 302 and response.headers["Location"] == "/settings/email"
    assert _email(app, user.id) == NEW
    assert signed_in(client)  # the browser that confirmed stays signed in ...
    assert not signed_in(other)  # ... every other one is signed out
    (notice,) = mails(app, kind="email_changed")
    assert notice.to_address == OLD and NEW in notice.text_body
    assert client.post("/login", data={"email": NEW, "password": PASSWORD}).status_code == 302


def test_confirming_from_another_browser_works_and_sends_it_to_sign_in(app, client, auth, user):
    auth.login(user)
    _ask(client)

    elsewhere = app.test_client()
    response = elsewhere.post(_confirm_path(app))

    assert response.headers["Location"] == "/login"
    assert _email(app, user.id) == NEW
    assert not signed_in(client)


def test_a_used_link_does_not_work_again(app, client, auth, user):
    auth.login(user)
    _ask(client)
    path = _confirm_path(app)
    client.post(path)

    assert client.post(path).status_code == 400


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-3] + ("xyz" if not token.endswith("xyz") else "abc"),
    lambda token: token[: len(token) // 2],
])
def test_a_tampered_link_is_refused(app, client, auth, user, tamper):
    auth.login(user)
    _ask(client)
    token = _confirm_path(app).rsplit("/", 1)[1]

    assert client.post(f"/settings/email/confirm/{tamper(token)}").status_code == 400
    assert _email(app, user.id) == OLD


def test_an_expired_link_is_refused(app, client, user):
    with app.test_request_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - tokens.CHANGE_MAX_AGE - 5)
        token = tokens.email_change_token(db.session.get(User, user.id), NEW)

    response = client.post(f"/settings/email/confirm/{token}")

    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert _email(app, user.id) == OLD


def test_a_taken_address_gets_no_link_but_the_same_answer(app, client, auth, user):
    with app.app_context():
        make_user(email=NEW)
    auth.login(user)

    response = _ask(client)

    assert response.status_code == 302
    assert f"We sent a link to {NEW}" in client.get("/settings/email").get_data(as_text=True)
    assert mails(app) == []


def test_an_address_taken_after_the_link_was_sent_is_refused(app, client, auth, user):
    auth.login(user)
    _ask(client)
    path = _confirm_path(app)
    with app.app_context():
        make_user(email=NEW)

    response = client.post(path)

    assert response.status_code == 400
    assert "already belongs to another account" in response.get_data(as_text=True)
    assert _email(app, user.id) == OLD
