"""At the same moment: failed sign-ins from many workers all count, and one reset link works only once."""

from __future__ import annotations

import threading

from sqlalchemy import select

from portal.accounts.models import SignInThrottle
from portal.extensions import db
from tests.accounts.conftest import link_in, mails, path_of
from tests.factories import make_user

WORKERS = 6


def _run_threads(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def wrapped(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_failed_sign_ins_at_the_same_moment_all_count(app):
    """Twelve failures at once, four at each of three emails: below both thresholds, so every one must be counted;
    a lost update (two workers reading the same count) would show as a smaller number."""

    def fail(i: int) -> None:
        response = app.test_client().post("/login", data={"email": f"guess{i % 3}@example.com",
                                                          "password": "wrong-password"})
        assert response.status_code == 422

    assert _run_threads(fail, 12) == []
    with app.app_context():
        counts = sorted(db.session.execute(select(SignInThrottle.scope, SignInThrottle.failures)).all())
    assert counts == [("account", 4)] * 3 + [("address", 12)]


def test_a_reset_link_used_twice_at_the_same_moment_works_once(app):
    with app.app_context():
        user = make_user(email="grace@example.com")
    app.test_client().post("/password/forgot", data={"email": user.email})
    (message,) = mails(app, kind="password_reset")
    path = path_of(link_in(message, "/password/reset/"))
    statuses: list[int] = []

    def reset(i: int) -> None:
        statuses.append(app.test_client().post(path, data={"password": f"new-password-{i}"}).status_code)

    assert _run_threads(reset, WORKERS) == []
    assert sorted(statuses) == [302] + [400] * (WORKERS - 1)
