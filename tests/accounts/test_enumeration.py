"""No account enumeration: sign-in, sign-up and password reset answer alike for addresses with and without an
account, in content and, for sign-in, in time."""

from __future__ import annotations

import time
from statistics import mean

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.triage import services as triage
from tests.accounts.conftest import comparable, mails, signed_in
from tests.factories import make_idea, make_user

KNOWN, UNKNOWN = "grace@example.com", "nobody@example.com"


def _login_page(client, email: str, password: str):
    response = client.post("/login", data={"email": email, "password": password})
    # The form keeps the email typed, which differs by construction; everything else must be identical.
    return response.status_code, comparable(response.get_data(as_text=True).replace(email, "EMAIL"))


def test_sign_in_answers_an_unknown_email_exactly_as_a_wrong_password(app, client):
    with app.app_context():
        make_user(email=KNOWN)

    wrong_password = _login_page(client, KNOWN, "not-the-password")
    unknown_email = _login_page(client, UNKNOWN, "not-the-password")

    assert wrong_password == unknown_email
    assert wrong_password[0] == 422
    assert "That email and password don&#39;t match an account." in wrong_password[1]


def _mean_seconds(client, email: str, tries: int = 4) -> float:
    durations = []
    for _ in range(tries):
        started = time.perf_counter()
        client.post("/login", data={"email": email, "password": "not-the-password"})
        durations.append(time.perf_counter() - started)
    return mean(durations)


def test_sign_in_takes_about_as_long_for_an_unknown_email_as_for_a_wrong_password(app, client):
    """Without a password hash to check, an unknown email would answer many times faster; the portal checks a
    dummy hash instead. Four tries each (under the throttle's five), compared by their means."""
    with app.app_context():
        make_user(email=KNOWN)
        triage.vote_on_behalf(make_user("designer"), make_idea(), email="contact@example.com", source="Call")
    _mean_seconds(client, "warm-up@example.com", tries=1)

    known = _mean_seconds(client, KNOWN)
    unknown = _mean_seconds(client, UNKNOWN)
    contact = _mean_seconds(client, "contact@example.com")  # an account without a usable password

    assert max(known, unknown, contact) / min(known, unknown, contact) < 3, (known, unknown, contact)


# Sign-up where addresses are confirmed ---------------------------------------------------------------------------

SIGNUP = {"display_name": "Ada Lovelace", "password": "analytical-engine"}


def _sign_up(client, email: str):
    response = client.post("/signup", data={**SIGNUP, "email": email}, follow_redirects=True)
    return response.status_code, [r.headers.get("Location") for r in response.history], \
        comparable(response.get_data(as_text=True))


def test_sign_up_answers_a_taken_address_exactly_as_a_new_one(confirming, client):
    app = confirming
    with app.app_context():
        existing = make_user(email=KNOWN)

    taken = _sign_up(client, KNOWN)
    fresh = _sign_up(app.test_client(), "ada@example.com")

    assert taken == fresh
    assert taken[1] == ["/signup/check-email"]
    assert "Check your email" in taken[2]
    assert not signed_in(client)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2
        assert db.session.get(User, existing.id).password_hash == existing.password_hash  # nothing changed
    # The owner of the taken address hears about it; the new address gets its confirmation link.
    assert [m.kind for m in mails(app, to=KNOWN)] == ["signup_attempt"]
    assert [m.kind for m in mails(app, to="ada@example.com")] == ["verify_email"]


def test_sign_up_still_explains_bad_input_beside_the_field(confirming, client):
    with confirming.app_context():
        make_user(email=KNOWN)

    for email in (KNOWN, "ada@example.com"):
        response = client.post("/signup", data={**SIGNUP, "email": email, "password": "short"})
        assert response.status_code == 422
        assert "Use between 8 and 200 characters." in response.get_data(as_text=True)
    assert mails(confirming) == []


def test_the_someone_tried_to_sign_up_mail_says_how_to_sign_in_or_reset(confirming, client):
    with confirming.app_context():
        make_user(email=KNOWN)

    _sign_up(client, KNOWN)

    message = mails(confirming, kind="signup_attempt")[0]
    assert "http://portal.test/login" in message.text_body
    assert "http://portal.test/password/forgot" in message.text_body
    assert "analytical-engine" not in message.text_body + message.html_body


# Password reset --------------------------------------------------------------------------------------------------

def _forgot(client, email: str):
    response = client.post("/password/forgot", data={"email": email}, follow_redirects=True)
    return response.status_code, [r.headers.get("Location") for r in response.history], \
        comparable(response.get_data(as_text=True).replace(email, "EMAIL"))


def test_asking_for_a_reset_answers_the_same_whether_or_not_an_account_exists(app, client):
    with app.app_context():
        make_user(email=KNOWN)

    known = _forgot(client, KNOWN)
    unknown = _forgot(app.test_client(), UNKNOWN)

    assert known == unknown
    assert "If an account has that address, we have sent it a link" in known[2]
    assert [m.to_address for m in mails(app, kind="password_reset")] == [KNOWN]

