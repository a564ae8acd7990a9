"""Brute-force throttling of sign-in: per account and per client address, growing, stored in the database so it
holds across server processes and restarts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.accounts import throttle
from portal.accounts.models import SignInThrottle
from portal.extensions import db
from tests.factories import PASSWORD, make_user

WRONG = "not-the-password"
OFFICE, HOME = "198.51.100.7", "203.0.113.9"


def _try(client, email: str, password: str = WRONG, address: str = OFFICE, **headers):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def _fail(client, email: str, times: int, address: str = OFFICE) -> None:
    for _ in range(times):
        response = _try(client, email, address=address)
        assert response.status_code == 422, "refused before the threshold"
        assert b"don&#39;t match an account" in response.data


def _retry_after(response) -> int:
    assert response.status_code == 429
    return int(response.headers["Retry-After"])


@pytest.fixture
def user(app):
    with app.app_context():
        return make_user(email="grace@example.com")


# Per account --------------------------------------------------------------------------------------------------------

def test_after_five_failures_the_account_gets_429_with_retry_after_even_with_the_right_password(app, client, user,
                                                                                                 clock):
    _fail(client, user.email, 5)

    response = _try(client, user.email, PASSWORD)

    assert 55 <= _retry_after(response) <= 60
    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    assert "Reset my password" in response.get_data(as_text=True)
    assert client.get_cookie("session") is None or "_user_id" not in client.get_cookie("session").value


def test_each_failure_after_a_lock_doubles_the_wait(app, client, user, clock):
    _fail(client, user.email, 5)
    waits = [_retry_after(_try(client, user.email))]
    for _ in range(3):
        clock.advance(seconds=waits[-1] + 1)  # the lock has run out: one more try is allowed, and fails
        _fail(client, user.email, 1)
        waits.append(_retry_after(_try(client, user.email)))

    assert waits == [60, 120, 240, 480]


def test_the_wait_is_capped_at_an_hour(ctx, clock):
    for _ in range(12):  # each try as soon as the last lock ran out: 1, 2, 4 ... 32 minutes, then the cap
        clock.advance(seconds=throttle.retry_after("grace@example.com", OFFICE))
        throttle.record_failure("grace@example.com", OFFICE)

    assert throttle.retry_after("grace@example.com", OFFICE) == 3600


def test_the_lock_runs_out(app, client, user, clock):
    _fail(client, user.email, 5)
    clock.advance(seconds=61)

    assert _try(client, user.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_accounts_count(app, client, user, clock):
    _fail(client, user.email, 4)
    assert _try(client, user.email, PASSWORD).status_code == 302
    client.post("/logout")

    _fail(client, user.email, 4)

    assert _try(client, user.email, PASSWORD).status_code == 302


def test_failures_are_forgotten_an_hour_after_the_last_one(app, client, user, clock):
    _fail(client, user.email, 4)
    clock.advance(minutes=61)

    _fail(client, user.email, 4)

    assert _try(client, user.email, PASSWORD).status_code == 302


def test_an_account_lock_holds_from_every_address(app, client, user, clock):
    _fail(client, user.email, 5, address=OFFICE)

    assert _retry_after(_try(client, user.email, PASSWORD, address=HOME)) > 0


def test_an_unknown_email_is_locked_just_like_an_account(app, client, clock):
    _fail(client, "nobody@example.com", 5)

    assert _retry_after(_try(client, "nobody@example.com")) == 60


def test_other_accounts_still_sign_in_from_the_same_address(app, client, user, clock):
    with app.app_context():
        other = make_user()
    _fail(client, user.email, 5)

    assert _try(client, other.email, PASSWORD).status_code == 302


# Per client address -------------------------------------------------------------------------------------------------

def test_twenty_failures_from_one_address_lock_that_address_for_every_account(app, client, user, clock):
    for n in range(5):  # four tries at each of five made-up accounts: no account reaches its own threshold
        _fail(client, f"guess{n}@example.com", 4)

    assert _retry_after(_try(client, user.email, PASSWORD)) == 60
    assert _try(client, user.email, PASSWORD, address=HOME).status_code == 302


def test_addresses_in_one_ipv6_64_count_together(app, client, user, clock):
    for n in range(20):
        _try(client, f"guess{n % 5}@example.com", address=f"2001:db8:1:2::{n + 1:x}")

    assert _retry_after(_try(client, user.email, PASSWORD, address="2001:db8:1:2:ffff::1")) == 60
    assert _try(client, user.email, PASSWORD, address="2001:db8:1:3::1").status_code == 302


def test_client_networks():
    assert throttle.client_network("192.0.2.1") == "192.0.2.1"
    assert throttle.client_network("::ffff:192.0.2.1") == "192.0.2.1"
    assert throttle.client_network("2001:db8::1") == throttle.client_network("2001:db8::ffff:1") == "2001:db8::/64"
    assert throttle.client_network(None) == "unknown"
    assert throttle.client_network("not an address") == "not an address"


# Stored, shared and private ----------------------------------------------------------------------------------------

def test_a_lock_holds_in_another_process_and_after_a_restart(app, client, user):
    _fail(client, user.email, 5)

    restarted = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        response = _try(restarted.test_client(), user.email, PASSWORD, address=HOME)
        assert _retry_after(response) > 0
    finally:
        with restarted.app_context():
            db.engine.dispose()


def test_the_stored_counts_name_neither_the_email_nor_the_address(app, client, user, clock):
    _fail(client, user.email, 2)

    with app.app_context():
        rows = db.session.scalars(select(SignInThrottle)).all()
        assert {(row.scope, row.failures) for row in rows} == {("account", 2), ("address", 2)}
        for row in rows:
            assert "grace" not in row.key and OFFICE not in row.key and len(row.key) == 64


def test_json_clients_get_json_with_retry_after(app, client, user, clock):
    _fail(client, user.email, 5)

    response = _try(client, user.email, Accept="application/json")

    assert _retry_after(response) == 60
    assert response.get_json() == {"error": "Too many sign-in attempts", "retry_after": 60, "status": 429}


def test_expired_counts_are_purged(ctx, clock):
    throttle.record_failure("old@example.com", OFFICE)
    clock.advance(hours=2)

    throttle.record_failure("new@example.com", HOME)
    db.session.commit()

    assert db.session.scalar(select(func.count()).select_from(SignInThrottle)) == 2  # the new email's and address's
