"""One invitation link used by several sign-ups at the same moment: exactly one account is credited."""

from __future__ import annotations

import re
import threading

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.invitations import services
from portal.invitations.models import Invitation
from portal.notifications.models import OutboxMessage
from tests.factories import PASSWORD, make_user

WORKERS = 5


def test_a_link_used_at_once_by_several_sign_ups_credits_one(app):
    with app.app_context():
        services.send_invitations(make_user(), "shared@example.org", "")
        body = db.session.scalar(select(OutboxMessage.text_body))
    token = re.search(r"/invite/(\S+)", body).group(1)
    statuses: list[int] = []
    barrier = threading.Barrier(WORKERS)

    def join(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/invite/{token}", data={"email": f"racer{i}@example.org",
                                                          "display_name": f"Racer {i}", "password": PASSWORD})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=join, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [302] + [410] * (WORKERS - 1)
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        assert invitation.accepted_by_id is not None
        racers = db.session.scalar(select(func.count()).select_from(User).where(User.email.like("racer%")))
        assert racers == 1  # the losers' accounts were rolled back with their claim
