"""Confirming an email address: a signed, expiring link on the site's own URL; until it is opened, a new account
reads but does not post, vote or comment (where REQUIRE_EMAIL_VERIFICATION is on)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from config import BASE_DIR
from portal.accounts import services, tokens
from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Idea
from portal.notifications.outbox import enqueue
from tests.accounts.conftest import link_in, mails, path_of, signed_in
from tests.factories import make_idea, make_prototype, make_user

ADA = {"email": "ada@example.com", "display_name": "Ada Lovelace", "password": "analytical-engine"}


def _sign_up(app, client, **headers) -> str:
    """Sign Ada up and return the path of the confirmation link she was sent."""
    client.post("/signup", data=ADA, headers=headers)
    (message,) = mails(app, kind="verify_email", to=ADA["email"])
    return path_of(link_in(message, "/verify-email/"))


def _ada(app) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == ADA["email"]))
        db.session.expunge(user)
        return user


def _old_token(app, make, age_seconds: int) -> str:
    with app.test_request_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - age_seconds)
        return make()


# The link ------------------------------------------------------------------------------------------------------

def test_the_link_points_at_the_site_url_even_when_the_host_header_is_forged(confirming, client):
    client.post("/signup", data=ADA, headers={"Host": "evil.example"})

    (message,) = mails(confirming, kind="verify_email")
    link = link_in(message, "/verify-email/")
    assert link.startswith("http://portal.test/verify-email/")
    assert "evil.example" not in message.text_body + message.html_body
    assert message.user_id is not None and message.to_address == ADA["email"]


def test_signing_up_signs_nobody_in_until_the_address_is_confirmed_then_sign_in_works(confirming, client):
    path = _sign_up(confirming, client)
    assert not signed_in(client)

    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my address" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert _ada(confirming).email_verified_at is None  # opening the link alone changes nothing

    response = client.post(path)

    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert _ada(confirming).email_verified_at is not None
    assert client.post("/login", data={"email": ADA["email"], "password": ADA["password"]}).status_code == 302


def test_opening_the_link_again_changes_nothing(confirming, client):
    path = _sign_up(confirming, client)
    client.post(path)
    first = _ada(confirming).email_verified_at

    again = client.get(path)
    client.post(path)

    assert "is confirmed already" in again.get_data(as_text=True)
    assert _ada(confirming).email_verified_at == first


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
    lambda token: "e" + token[1:] if token[0] != "e" else "f" + token[1:],  # payload
    lambda token: token.split(".")[0],  # truncated
    lambda token: "not-a-token",
])
def test_a_tampered_link_is_refused(confirming, client, tamper):
    path = _sign_up(confirming, client)
    token = path.rsplit("/", 1)[1]

    for method in (client.get, client.post):
        response = method(f"/verify-email/{tamper(token)}")
        assert response.status_code == 400
        assert "This link doesn" in response.get_data(as_text=True)
    assert _ada(confirming).email_verified_at is None


def test_an_expired_link_is_refused_and_says_so(confirming, client):
    _sign_up(confirming, client)
    user = _ada(confirming)
    token = _old_token(confirming, lambda: tokens.verification_token(user), tokens.VERIFY_MAX_AGE + 60)

    response = client.post(f"/verify-email/{token}")

    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
    assert _ada(confirming).email_verified_at is None


def test_a_link_for_an_address_the_account_no_longer_has_is_refused(confirming, client):
    path = _sign_up(confirming, client)
    with confirming.app_context():
        user = db.session.scalar(select(User).where(User.email == ADA["email"]))
        user.email = "moved@example.com"
        db.session.commit()

        assert client.post(path).status_code == 400
        db.session.expire_all()
        assert db.session.get(User, user.id).email_verified_at is None


def test_a_link_made_for_another_purpose_is_refused(confirming, client):
    _sign_up(confirming, client)
    user = _ada(confirming)
    with confirming.test_request_context():
        reset = tokens.reset_token(user)
        change = tokens.email_change_token(user, "new@example.com")

    assert client.post(f"/verify-email/{reset}").status_code == 400
    assert client.post(f"/verify-email/{change}").status_code == 400
    assert _ada(confirming).email_verified_at is None


# Until confirmed: read, don't post ------------------------------------------------------------------------------

def test_until_confirmed_the_account_signs_in_and_reads_but_cannot_post_vote_or_comment(confirming, client):
    with confirming.app_context():
        prototype = make_prototype()
        idea = make_idea(prototype=prototype)
    _sign_up(confirming, client)
    client.post("/login", data={"email": ADA["email"], "password": ADA["password"]})

    home = client.get("/").get_data(as_text=True)
    assert "Please confirm your email address" in home and "Send the link again" in home
    page = client.get(f"/ideas/{idea.id}", follow_redirects=True).get_data(as_text=True)
    assert idea.title in page and "Confirm your email address to join the discussion" in page
    assert "Confirm your email address to vote" in page
    assert client.post("/ideas/new", data={"prototype": prototype.slug, "title": "A title long enough",
                                           "body": "Body"}).status_code == 403
    assert client.post(f"/ideas/{idea.id}/vote").status_code == 403
    assert client.post(f"/ideas/{idea.id}/comments", data={"body": "Hello"}).status_code == 403
    with confirming.app_context():
        assert db.session.get(Idea, idea.id).vote_count == 1 and db.session.get(Idea, idea.id).comment_count == 0


def test_once_confirmed_the_banner_goes_and_voting_works(confirming, client):
    with confirming.app_context():
        idea = make_idea()
    path = _sign_up(confirming, client)
    client.post("/login", data={"email": ADA["email"], "password": ADA["password"]})

    client.post(path)

    assert "Please confirm your email address" not in client.get("/").get_data(as_text=True)
    assert client.post(f"/ideas/{idea.id}/vote").status_code in (200, 302)
    with confirming.app_context():
        assert db.session.get(Idea, idea.id).vote_count == 2


def test_without_the_setting_nothing_asks_for_confirmation(app, client, auth):
    with app.app_context():
        user = make_user(verified=False)
        idea = make_idea()
    auth.login(user)

    assert "Please confirm your email address" not in client.get("/").get_data(as_text=True)
    assert client.post(f"/ideas/{idea.id}/vote").status_code in (200, 302)


# Sending it again ---------------------------------------------------------------------------------------------

def test_send_again_is_limited_to_one_a_minute(confirming, client, clock):
    _sign_up(confirming, client)
    client.post("/login", data={"email": ADA["email"], "password": ADA["password"]})

    first = client.post("/verify-email/resend", data={"next": "/ideas"}, follow_redirects=True)
    assert "less than a minute ago" in first.get_data(as_text=True)  # the sign-up mail was just sent
    clock.advance(seconds=61)
    second = client.post("/verify-email/resend", follow_redirects=True)
    assert "We sent a new link to ada@example.com." in second.get_data(as_text=True)
    assert first.request.path == "/ideas"

    assert len(mails(confirming, kind="verify_email")) == 2


def test_send_again_refuses_a_confirmed_address(app, client, auth):
    with app.app_context():
        user = make_user()
    auth.login(user)

    response = client.post("/verify-email/resend", follow_redirects=True)

    assert "already confirmed" in response.get_data(as_text=True)
    assert mails(app) == []


# Mail to unconfirmed addresses ---------------------------------------------------------------------------------

def test_unconfirmed_addresses_get_account_mail_but_no_notifications(confirming):
    with confirming.test_request_context():
        unconfirmed, confirmed = make_user(verified=False), make_user()
        assert enqueue(unconfirmed, "test", "Hi", "test", sender_name="Admin") is None
        assert enqueue(confirmed, "test", "Hi", "test", sender_name="Admin") is not None
        assert enqueue(unconfirmed, "test", "Hi", "test", account_mail=True, sender_name="Admin") is not None


# Who counts as confirmed ---------------------------------------------------------------------------------------

def test_an_admin_made_on_the_command_line_is_confirmed(ctx):
    user, created = services.make_admin("root@example.com", "long enough password")

    assert created and user.email_verified_at is not None


def test_demo_people_are_confirmed(ctx):
    from portal.demo.seed import seed_demo

    seed_demo()

    assert db.session.scalars(select(User).where(User.email_verified_at.is_(None), User.is_contact.is_(False))) \
        .all() == []


def test_signing_up_to_claim_a_contact_needs_the_address_confirmed(confirming, client):
    from portal.triage import services as triage

    with confirming.app_context():
        triage.vote_on_behalf(make_user("designer"), make_idea(), email=ADA["email"], source="Interview")

    _sign_up(confirming, client)

    assert _ada(confirming).email_verified_at is None and not _ada(confirming).is_contact


@pytest.mark.parametrize(("environment", "setting", "expected"), [
    ("production", None, True), ("development", None, False), ("testing", None, False),
    ("production", "off", False), ("development", "on", True), ("testing", "on", False),
])
def test_the_setting_is_on_by_default_only_in_production(environment, setting, expected):
    env = {k: v for k, v in os.environ.items() if k != "REQUIRE_EMAIL_VERIFICATION"}
    if setting is not None:
        env["REQUIRE_EMAIL_VERIFICATION"] = setting
    script = f"import config; print(config.CONFIGS[{environment!r}].REQUIRE_EMAIL_VERIFICATION)"
    output = subprocess.run([sys.executable, "-c", script], env=env, cwd=BASE_DIR, capture_output=True, text=True,
                            check=True).stdout.strip()

    assert output == str(expected)
