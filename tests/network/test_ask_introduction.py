"""Asking the team's hosts for an introduction: who is asked, the prefilled link, every refusal, preferences."""

from __future__ import annotations

from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.services import cast_vote
from portal.network import services
from portal.network.asking import ask_for_introduction, hosts_for
from portal.network.queries import are_connected, connection_between
from portal.notifications.follows import watch_product
from portal.notifications.models import Delivery, Event, Notification, OutboxMessage
from portal.notifications.preferences import save_preferences
from portal.prototypes.models import Prototype
from tests.factories import make_idea, make_product, make_prototype, make_user
from tests.network.conftest import contributor


def _asks(host_id: int | None = None) -> list[Notification]:
    stmt = select(Notification).where(Notification.event == Event.INTRODUCTION_ASKED.value)
    if host_id is not None:
        stmt = stmt.where(Notification.user_id == host_id)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def _count_asks(app) -> int:
    with app.app_context():
        return len(_asks())


@pytest.fixture
def people(app):
    """Ada (a contributor) and Bob both voted on an idea of product A, watched by designer Dee; admin Al watches
    nothing; product B is watched by designer Eve, whom neither took part in."""
    with app.app_context():
        dee, al, eve = (make_user("designer", display_name="Dee Designer"),
                        make_user("admin", display_name="Al Admin"), make_user("designer", display_name="Eve Other"))
        ada, bob = contributor(display_name="Ada Tester"), make_user(display_name="Bob Teacher")
        idea = make_idea(author=ada)
        proto = db.session.get(Prototype, idea.prototype_id)
        cast_vote(db.session.get(User, bob.id), idea)
        other_proto = make_prototype(make_product(name="Product B"))
        watch_product(db.session.get(User, dee.id), proto.product, True)
        watch_product(db.session.get(User, eve.id), other_proto.product, True)
        return SimpleNamespace(**{name: SimpleNamespace(id=p.id, email=p.email, name=p.display_name)
                                  for name, p in dict(ada=ada, bob=bob, dee=dee, al=al, eve=eve).items()})


def _user(person: SimpleNamespace) -> User:
    return db.session.get(User, person.id)


def test_hosts_are_those_watching_a_shared_product_else_every_team_member(app, people):
    with app.app_context():
        assert [u.display_name for u in hosts_for(_user(people.ada), _user(people.bob))] == ["Dee Designer"]
        loner = make_user(display_name="Lone Newcomer")
        names = {u.display_name for u in hosts_for(_user(people.ada), loner)}
        assert names == {"Dee Designer", "Al Admin", "Eve Other"}


def test_asking_tells_the_hosts_with_a_prefilled_link_and_ends_in_a_connection(app, client, auth, people):
    auth.login(people.ada.email)
    profile = client.get(f"/people/{people.bob.id}").get_data(as_text=True)
    assert "Ask for an introduction" in profile
    form = client.get(f"/people/{people.bob.id}/ask-introduction")
    assert form.status_code == 200 and "Ask for an introduction to Bob Teacher" in form.get_data(as_text=True)

    response = client.post(f"/people/{people.bob.id}/ask-introduction",
                           data={"note": "We both care about the battery & want to test it."},
                           follow_redirects=True)
    assert "1 team member will see your request to meet Bob Teacher." in unescape(response.get_data(as_text=True))
    with app.app_context():
        assert [n.user_id for n in _asks()] == [people.dee.id]
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == people.dee.id)).one()
        assert mail.subject.endswith("Ada Tester asks you to introduce them to Bob Teacher")
        assert "would like to meet Bob Teacher and asks you" in mail.text_body
        assert "We both care about the battery & want to test it." in mail.text_body
        link = next(w for w in mail.text_body.split() if "/introductions/new" in w)
    query = parse_qs(urlsplit(link).query)
    assert query == {"first": [str(people.ada.id)], "second": [str(people.bob.id)],
                     "note": ["We both care about the battery & want to test it."]}
    auth.logout()

    auth.login(people.dee.email)
    bell = unescape(client.get("/notifications").get_data(as_text=True))
    assert "Ada Tester asks you to introduce them to Bob Teacher<" in bell.replace("</a>", "<").replace("\n", "")
    assert f"(#{people.bob.id})" not in bell
    bell_link = next(part.split('"')[0] for part in bell.split('href="') if part.startswith("/introductions/new"))
    assert parse_qs(urlsplit(bell_link).query) == query
    prefilled = unescape(client.get(bell_link).get_data(as_text=True))
    assert f"/people/{people.ada.id}" in prefilled and f"/people/{people.bob.id}" in prefilled
    assert "We both care about the battery & want to test it.</textarea>" in prefilled
    made = client.post("/introductions/new", data={"first": f"/people/{people.ada.id}",
                                                    "second": f"/people/{people.bob.id}",
                                                    "note": query["note"][0]})
    assert made.status_code == 302
    auth.logout()

    for person in (people.ada, people.bob):
        with app.app_context():
            row_id = connection_between(people.ada.id, people.bob.id).id
        auth.login(person.email)
        client.post(f"/connections/{row_id}/accept")
        auth.logout()
    with app.app_context():
        assert are_connected(people.ada.id, people.bob.id)
    auth.login(people.ada.email)
    assert "Ask for an introduction" not in client.get(f"/people/{people.bob.id}").get_data(as_text=True)


def test_the_idea_page_offers_to_ask_for_an_introduction(app, client, auth, people):
    with app.app_context():
        idea_id = db.session.scalar(select(Idea.id).where(Idea.author_id == people.ada.id).order_by(Idea.id.desc()))
    auth.login(people.bob.email)
    page = client.get(f"/ideas/{idea_id}", follow_redirects=True).get_data(as_text=True)
    assert f"/people/{people.ada.id}/ask-introduction" in page


def _refusal(app, client, auth, asker, target_id: int, expected: str, note: str = "Please") -> None:
    before = _count_asks(app)
    auth.login(asker.email)
    response = client.post(f"/people/{target_id}/ask-introduction", data={"note": note})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert expected in page and f"\n{note}</textarea>" in page
    assert _count_asks(app) == before


def test_asking_about_oneself_is_refused(app, client, auth, people):
    _refusal(app, client, auth, people.ada, people.ada.id, "You can't ask for an introduction to yourself.")


def test_asking_about_a_connection_is_refused(app, client, auth, people):
    with app.app_context():
        services.request_connection(_user(people.ada), _user(people.bob))
        row = connection_between(people.ada.id, people.bob.id)
        services.accept_connection(_user(people.bob), row.id)
    _refusal(app, client, auth, people.ada, people.bob.id, "You are already connected with Bob Teacher.")


def test_asking_while_a_request_waits_is_refused(app, client, auth, people):
    with app.app_context():
        services.request_connection(_user(people.ada), _user(people.bob))
    _refusal(app, client, auth, people.ada, people.bob.id,
             "There is already a request between you and Bob Teacher, waiting for an answer.")


def test_asking_about_someone_one_blocked_is_refused(app, client, auth, people):
    with app.app_context():
        services.block_person(_user(people.ada), _user(people.bob))
    _refusal(app, client, auth, people.ada, people.bob.id, "You have blocked Bob Teacher.")


def test_someone_who_blocked_you_reads_like_a_banned_person(app, client, auth, people):
    with app.app_context():
        services.block_person(_user(people.bob), _user(people.ada))
        carl = make_user(display_name="Carl Banned")
        carl.banned_at = utcnow()
        db.session.commit()
        carl_id = carl.id
    _refusal(app, client, auth, people.ada, people.bob.id, "Bob Teacher can't be introduced to you.")
    auth.logout()
    _refusal(app, client, auth, people.ada, carl_id, "Carl Banned can't be introduced to you.")


def test_repeating_a_pending_ask_is_refused_until_a_host_introduces_them(app, client, auth, people):
    with app.app_context():
        ask_for_introduction(_user(people.ada), _user(people.bob), "First ask")
    _refusal(app, client, auth, people.ada, people.bob.id,
             "You already asked for an introduction to Bob Teacher; the hosts have it.")
    with app.app_context():
        services.introduce(_user(people.dee), _user(people.ada), _user(people.bob), "Meet")
        services.decline_connection(_user(people.bob), connection_between(people.ada.id, people.bob.id).id)
        # Declined introductions are not pending asks: asking again reaches the hosts.
        assert len(ask_for_introduction(_user(people.ada), _user(people.bob), "Again")) == 1


def test_the_daily_cap_stops_more_asks(app, client, auth, people):
    app.config["NETWORK_DAILY_ASK_CAP"] = 2
    try:
        with app.app_context():
            for n in range(2):
                ask_for_introduction(_user(people.ada), make_user(display_name=f"Other {n}"))
            target = make_user(display_name="One Too Many").id
        _refusal(app, client, auth, people.ada, target,
                 "You have asked for 2 introductions in the last 24 hours, the daily limit.")
    finally:
        app.config.pop("NETWORK_DAILY_ASK_CAP")


def test_a_note_over_300_characters_is_refused_and_kept(app, client, auth, people):
    _refusal(app, client, auth, people.ada, people.bob.id, "300", note="x" * 301)


def test_asking_needs_a_signed_in_member_and_a_csrf_token(app, client, auth, people):
    response = client.post(f"/people/{people.bob.id}/ask-introduction", data={"note": "hi"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "Ask for an introduction" not in client.get(f"/people/{people.bob.id}").get_data(as_text=True)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        auth.login(people.ada.email)
        client.post(f"/people/{people.bob.id}/ask-introduction", data={"note": "hi"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _count_asks(app) == 0


def test_preferences_list_the_ask_for_hosts_only_and_off_means_no_email(app, client, auth, people):
    auth.login(people.ada.email)
    assert "Someone asks me to introduce them to a person" not in client.get("/settings/notifications").get_data(
        as_text=True)
    auth.logout()
    auth.login(people.dee.email)
    assert "Someone asks me to introduce them to a person" in client.get("/settings/notifications").get_data(
        as_text=True)
    with app.app_context():
        save_preferences(_user(people.dee), {Event.INTRODUCTION_ASKED: Delivery.OFF})
        ask_for_introduction(_user(people.ada), _user(people.bob), "Quietly")
        assert len(_asks(people.dee.id)) == 1
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.user_id == people.dee.id)) == 0
