"""The demo: invitations from the demo customer, helpful answers, and the reputation they earned, seeded once."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.demo.seed import seed_demo
from portal.extensions import db
from portal.invitations.models import Invitation
from portal.reputation import queries
from portal.reputation.models import HelpfulMark, ReputationTotal


def test_demo_invitations_and_reputation_are_seeded_once_and_exact(ctx):
    seed_demo()
    seed_demo()
    customer = db.session.scalar(select(User).where(User.email == "customer@example.com"))
    sent = db.session.scalars(select(Invitation).where(Invitation.inviter_id == customer.id)).all()
    assert len(sent) == 3 and sum(1 for inv in sent if inv.accepted_by_id) == 2
    assert db.session.scalar(select(func.count()).select_from(HelpfulMark)) > 5
    assert queries.breakdown(customer.id).count("invitees") == 2  # both teachers contributed
    # The cached totals are exactly what the records give.
    for total in db.session.scalars(select(ReputationTotal)):
        assert total.points == queries.points(total.user_id)
