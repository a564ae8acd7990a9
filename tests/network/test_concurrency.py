"""Two people asking each other at the same moment end up connected once, never with two rows or an error."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.network import services
from portal.network.models import Connection
from portal.network.queries import are_connected
from tests.network.conftest import contributor

ROUNDS = 5


def _ask_each_other(app, ids: tuple[int, int]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def ask(mine: int, theirs: int) -> None:
        with app.app_context():
            try:
                me, them = db.session.get(User, mine), db.session.get(User, theirs)
                db.session.commit()  # no transaction held while waiting (SQLite's writer lock)
                barrier.wait()
                services.request_connection(me, them, "At the same moment")
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=ask, args=pair) for pair in (ids, ids[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_asking_each_other_at_once_connects_the_pair_once(app):
    for _ in range(ROUNDS):
        with app.app_context():
            pair = (contributor().id, contributor().id)

        assert _ask_each_other(app, pair) == []

        with app.app_context():
            rows = db.session.scalar(select(func.count(Connection.id)).where(
                Connection.requester_id.in_(pair), Connection.addressee_id.in_(pair)))
            assert rows == 1 and are_connected(*pair)
