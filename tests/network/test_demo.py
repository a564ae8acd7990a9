"""The demo comes with filled-in business cards, connections, a request and an introduction by the designer."""

from __future__ import annotations

from sqlalchemy import select

from portal.accounts.models import User
from portal.demo.seed import seed_demo
from portal.extensions import db
from portal.network.models import Introduction
from portal.network.queries import connection_count, incoming_requests
from portal.network.tags import tags_of


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_the_demo_has_cards_connections_a_request_and_an_introduction(ctx):
    seed_demo()
    seed_demo()  # idempotent

    grace = _user("customer@example.com")
    assert grace.location == "Chikwawa, Malawi" and grace.phone_visibility == "connections"
    assert "offline maps" in tags_of(grace.id)["need"]
    assert connection_count(grace.id) == 2
    waiting = incoming_requests(grace.id)
    assert {row.introduction_id is not None for row in waiting} == {True, False}
    intro = db.session.scalars(select(Introduction)).one()
    assert intro.host.email == "designer@example.com" and "charging carts" in intro.note
