"""Connection requests, answers, blocks, holds, the daily cap and introductions, at the service level."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas import services as ideas
from portal.network import services
from portal.network.models import Block, Connection, Introduction
from portal.network.queries import are_connected, connection_between, connection_count, incoming_requests
from portal.notifications.models import OutboxMessage
from tests.factories import make_idea, make_user
from tests.network.conftest import contributor, told


def _rows() -> int:
    return db.session.scalar(select(func.count(Connection.id)))


def _refusal(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.errors.values())


def test_a_request_with_a_message_reaches_the_other_person(ctx):
    ada, bob = contributor(), make_user()

    row = services.request_connection(ada, bob, "  We both test batteries. ")

    assert row.status == "pending" and row.message == "We both test batteries."
    assert [r.id for r in incoming_requests(bob.id)] == [row.id]
    assert told(bob) == ["connection_request"]
    assert not are_connected(ada.id, bob.id)


def test_accepting_connects_both_and_tells_the_requester(ctx):
    ada, bob = contributor(), make_user()
    row = services.request_connection(ada, bob)

    services.accept_connection(bob, row.id)

    assert are_connected(ada.id, bob.id) and are_connected(bob.id, ada.id)
    assert connection_count(ada.id) == connection_count(bob.id) == 1
    assert told(ada) == ["connection_accepted"]


def test_declining_is_silent_and_asking_again_stays_declined(ctx):
    ada, bob = contributor(), make_user()
    row = services.request_connection(ada, bob)

    services.decline_connection(bob, row.id)

    assert told(ada) == []
    assert incoming_requests(bob.id) == []
    with pytest.raises(ValidationError) as exc:
        services.request_connection(ada, bob)
    assert "waiting for their answer" in _refusal(exc)  # the same answer as a request not yet answered
    services.withdraw_request(ada, row.id)
    again = services.request_connection(ada, bob)
    assert again.status == "declined"
    assert told(bob) == ["connection_request"]  # told once, not again after the decline


def test_asking_someone_who_asked_you_connects_you(ctx):
    ada, bob = contributor(), contributor()
    services.request_connection(ada, bob)

    row = services.request_connection(bob, ada)

    assert row.is_accepted and _rows() == 1


@pytest.mark.parametrize("case", ["self", "banned", "contact"])
def test_requests_to_oneself_banned_or_contact_accounts_are_refused_and_change_nothing(ctx, case):
    ada = contributor()
    other = make_user()
    if case == "self":
        other = ada
    elif case == "banned":
        other.banned_at = other.created_at
    else:
        other.is_contact = True
    db.session.commit()

    with pytest.raises(ValidationError) as exc:
        services.request_connection(ada, other, "hello")

    assert ("yourself" in _refusal(exc)) if case == "self" else ("can't take connection requests" in _refusal(exc))
    assert _rows() == 0 and told(other) == []


def test_a_duplicate_request_is_refused_and_changes_nothing(ctx):
    ada, bob = contributor(), make_user()
    row = services.request_connection(ada, bob, "first")

    with pytest.raises(ValidationError) as exc:
        services.request_connection(ada, bob, "second")

    assert "already asked" in _refusal(exc)
    assert db.session.get(Connection, row.id).message == "first" and _rows() == 1
    assert told(bob) == ["connection_request"]


def test_a_request_to_someone_already_connected_is_refused(ctx):
    ada, bob = contributor(), make_user()
    services.accept_connection(bob, services.request_connection(ada, bob).id)

    with pytest.raises(ValidationError) as exc:
        services.request_connection(bob, ada)

    assert "already connected" in _refusal(exc)


def test_blocked_people_cannot_ask_again_and_the_blocker_is_told_to_unblock_first(ctx):
    ada, bob = contributor(), contributor()
    row = services.request_connection(ada, bob)

    services.block_person(bob, ada)

    assert db.session.get(Connection, row.id).status == "withdrawn"
    assert incoming_requests(bob.id) == []
    with pytest.raises(ValidationError) as exc:
        services.request_connection(ada, bob)
    assert f"You can't send a request to {bob.display_name}" in _refusal(exc)
    with pytest.raises(ValidationError) as exc:
        services.request_connection(bob, ada)
    assert "Unblock them first" in _refusal(exc)
    services.unblock_person(bob, ada)
    assert services.request_connection(ada, bob).status == "pending"


def test_blocking_ends_a_connection(ctx):
    ada, bob = contributor(), make_user()
    services.accept_connection(bob, services.request_connection(ada, bob).id)

    services.block_person(ada, bob)

    assert not are_connected(ada.id, bob.id)
    assert db.session.get(Block, (ada.id, bob.id)) is not None


def test_withdrawing_and_disconnecting(ctx):
    ada, bob = contributor(), make_user()
    row = services.request_connection(ada, bob)
    services.withdraw_request(ada, row.id)
    assert incoming_requests(bob.id) == []

    row = services.request_connection(ada, bob)
    services.accept_connection(bob, row.id)
    services.disconnect(bob, ada)

    assert not are_connected(ada.id, bob.id) and connection_count(ada.id) == 0
    with pytest.raises(ValidationError):
        services.disconnect(ada, bob)


def test_only_the_addressee_answers_and_strangers_find_nothing(ctx):
    ada, bob, eve = contributor(), make_user(), make_user()
    row = services.request_connection(ada, bob)

    with pytest.raises(ValidationError):
        services.accept_connection(ada, row.id)  # one's own request
    with pytest.raises(ValidationError):
        services.withdraw_request(bob, row.id)
    from portal.errors import NotFound
    for action in (services.accept_connection, services.decline_connection, services.withdraw_request):
        with pytest.raises(NotFound):
            action(eve, row.id)
    assert db.session.get(Connection, row.id).status == "pending"


def test_the_daily_cap_refuses_the_request_beyond_it(app, ctx):
    app.config["NETWORK_DAILY_REQUEST_CAP"] = 3
    try:
        ada = contributor()
        people = [make_user() for _ in range(4)]
        for person in people[:3]:
            services.request_connection(ada, person)
            services.withdraw_request(ada, connection_between(ada.id, person.id).id)  # withdrawing frees nothing

        with pytest.raises(ValidationError) as exc:
            services.request_connection(ada, people[3])
    finally:
        app.config.pop("NETWORK_DAILY_REQUEST_CAP")

    assert "daily limit" in _refusal(exc)
    assert connection_between(ada.id, people[3].id) is None and told(people[3]) == []


def test_a_new_accounts_requests_are_held_until_it_contributes(ctx):
    newcomer, bob = make_user(), make_user()

    row = services.request_connection(newcomer, bob, "hi")

    assert row.status == "held"
    assert incoming_requests(bob.id) == [] and told(bob) == []
    make_idea(author=newcomer)  # posting releases it, in the same transaction
    assert db.session.get(Connection, row.id).status == "pending"
    assert [r.id for r in incoming_requests(bob.id)] == [row.id]
    assert told(bob) == ["connection_request"]


def test_a_comment_also_releases_held_requests(ctx):
    newcomer, bob = make_user(), make_user()
    row = services.request_connection(newcomer, bob)

    ideas.add_comment(newcomer, make_idea(), "I have tested this in a classroom.")

    assert db.session.get(Connection, row.id).status == "pending"


def test_team_members_requests_are_not_held(ctx):
    designer, customer = make_user("designer"), make_user()

    assert services.request_connection(designer, customer).status == "pending"


def test_an_unconfirmed_account_may_not_ask(app, ctx):
    app.config["REQUIRE_EMAIL_VERIFICATION"] = True
    try:
        ada, bob = make_user(verified=False), make_user()
        with pytest.raises(PermissionDenied):
            services.request_connection(ada, bob)
    finally:
        app.config["REQUIRE_EMAIL_VERIFICATION"] = False
    assert _rows() == 0


def test_a_host_introduces_two_people_who_each_accept(ctx):
    host, ada, bob = make_user("designer"), make_user(), make_user()

    intro = services.introduce(host, ada, bob, "You both asked for offline maps. Meet!")

    assert told(ada) == told(bob) == ["introduction"]
    assert {r.id for r in incoming_requests(ada.id)} == {r.id for r in incoming_requests(bob.id)}
    row = connection_between(ada.id, bob.id)
    assert row.introduction_id == intro.id and row.status == "pending"
    services.accept_connection(ada, row.id)
    assert not are_connected(ada.id, bob.id) and incoming_requests(ada.id) == []
    services.accept_connection(bob, row.id)
    assert are_connected(ada.id, bob.id)
    assert told(ada) == ["introduction", "connection_accepted"]


def test_an_introduction_either_person_declines_silently(ctx):
    host, ada, bob = make_user("developer"), make_user(), make_user()
    services.introduce(host, ada, bob, "Meet")
    row = connection_between(ada.id, bob.id)
    services.accept_connection(ada, row.id)

    services.decline_connection(bob, row.id)

    assert not are_connected(ada.id, bob.id) and told(ada) == ["introduction"] and told(host) == []


@pytest.mark.parametrize("case, field, message", [
    ("same", "second", "two different people"),
    ("host", "second", "Introduce two other people"),
    ("blocked", "second", "can't be introduced"),
    ("connected", "second", "already connected"),
    ("pending", "second", "already a request"),
    ("banned", "first", "can't be introduced"),
])
def test_introductions_that_cannot_be_made_are_refused_and_change_nothing(ctx, case, field, message):
    host, ada, bob = make_user("designer"), contributor(), make_user()
    second = {"same": ada, "host": host}.get(case, bob)
    if case == "blocked":
        services.block_person(bob, ada)
    elif case == "connected":
        services.accept_connection(bob, services.request_connection(ada, bob).id)
    elif case == "pending":
        services.request_connection(ada, bob)
    elif case == "banned":
        ada.banned_at = ada.created_at
        db.session.commit()
    rows_before = _rows()

    with pytest.raises(ValidationError) as exc:
        services.introduce(host, ada, second, "Meet")

    assert message in exc.value.errors[field]
    assert db.session.scalar(select(func.count(Introduction.id))) == 0 and _rows() == rows_before


def test_customers_cannot_introduce(ctx):
    customer, ada, bob = contributor(), make_user(), make_user()

    with pytest.raises(PermissionDenied):
        services.introduce(customer, ada, bob, "Meet")


def test_a_request_email_goes_to_the_outbox_with_a_link_to_connections(ctx):
    ada, bob = contributor(), make_user()

    services.request_connection(ada, bob, "Hello there")

    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == bob.id)).one()
    assert f"{ada.display_name} asked to connect with you" in mail.subject
    assert "/connections" in mail.text_body and "Hello there" in mail.text_body
