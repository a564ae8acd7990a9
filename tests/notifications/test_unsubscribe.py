"""Unsubscribe links: a page, a button, RFC 8058 one-click from mail clients; valid, tampered and expired tokens."""

from __future__ import annotations

import time
from html import unescape

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from portal import create_app
from portal.extensions import db
from portal.notifications.models import DEFAULT_DELIVERY, Delivery, Event
from portal.notifications.preferences import deliveries, save_preferences
from portal.notifications.tokens import ALL, MAX_AGE_SECONDS, SALT, make_token
from tests.factories import make_idea, make_user

ONE_CLICK = {"data": "List-Unsubscribe=One-Click", "content_type": "application/x-www-form-urlencoded"}


@pytest.fixture
def person(app):
    with app.app_context():
        return make_user(display_name="Una Subscriber")


def _choices(app, user_id: int) -> dict[Event, Delivery]:
    with app.app_context():
        return deliveries([user_id])[user_id]


def _token(app, user_id: int, event: Event | str = ALL) -> str:
    with app.app_context():
        return make_token(user_id, event)


def _text(response) -> str:
    return " ".join(unescape(response.get_data(as_text=True)).split())


@pytest.fixture
def csrf_client(app):
    """A client of the same portal with CSRF protection on, as in production."""
    live = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"], WTF_CSRF_ENABLED=True)
    yield live.test_client()
    with live.app_context():
        db.engine.dispose()


def test_the_page_names_the_one_kind_of_email_that_will_stop_and_changes_nothing(app, client, person):
    token = _token(app, person.id, Event.COMMENT)

    response = client.get(f"/unsubscribe/{token}")

    assert response.status_code == 200
    assert "Stop email when: someone comments on an idea i follow?" in _text(response)
    assert '<button type="submit" class="button">Unsubscribe</button>' in response.get_data(as_text=True)
    # The token must not leave in a Referer header when the person follows a link from the page.
    assert '<meta name="referrer" content="no-referrer">' in response.get_data(as_text=True)
    assert _choices(app, person.id) == DEFAULT_DELIVERY  # link checkers and previews that GET change nothing


def test_pressing_the_button_stops_that_email_only_without_signing_in(app, client, person):
    token = _token(app, person.id, Event.COMMENT)

    response = client.post(f"/unsubscribe/{token}")

    assert response.status_code == 200
    assert "You are unsubscribed" in _text(response)
    assert _choices(app, person.id) == DEFAULT_DELIVERY | {Event.COMMENT: Delivery.OFF}


def test_an_all_token_stops_every_email_and_says_so(app, client, person):
    token = _token(app, person.id)

    assert "Stop all email from" in _text(client.get(f"/unsubscribe/{token}"))
    client.post(f"/unsubscribe/{token}")

    assert set(_choices(app, person.id).values()) == {Delivery.OFF}


def test_unsubscribing_keeps_the_person_s_other_choices(app, client, person):
    with app.app_context():
        save_preferences(db.session.get(type(person), person.id),
                         DEFAULT_DELIVERY | {Event.MENTION: Delivery.DIGEST, Event.STATUS_CHANGED: Delivery.OFF})

    client.post(f"/unsubscribe/{_token(app, person.id, Event.REPLY)}")

    assert _choices(app, person.id) == DEFAULT_DELIVERY | {
        Event.MENTION: Delivery.DIGEST, Event.STATUS_CHANGED: Delivery.OFF, Event.REPLY: Delivery.OFF}


def test_one_click_from_a_mail_client_works_with_csrf_on_and_no_cookies(app, csrf_client, person):
    token = _token(app, person.id, Event.STATUS_CHANGED)

    response = csrf_client.post(f"/unsubscribe/{token}", **ONE_CLICK)

    assert response.status_code == 200
    assert _choices(app, person.id)[Event.STATUS_CHANGED] is Delivery.OFF


def test_other_forms_still_need_their_csrf_token(app, csrf_client, person):
    with app.app_context():
        idea = make_idea()
    csrf_client.post("/login", data={"email": person.email, "password": "correct-horse-battery"})

    assert csrf_client.post(f"/ideas/{idea.id}/follow").status_code == 400


def test_unsubscribing_twice_is_still_fine(app, client, person):
    token = _token(app, person.id, Event.MENTION)

    first, second = client.post(f"/unsubscribe/{token}"), client.post(f"/unsubscribe/{token}", **ONE_CLICK)

    assert first.status_code == second.status_code == 200
    assert _choices(app, person.id)[Event.MENTION] is Delivery.OFF


def test_a_token_for_a_deleted_account_does_nothing_and_says_done(app, client, person):
    token = _token(app, person.id)
    with app.app_context():
        db.session.delete(db.session.get(type(person), person.id))
        db.session.commit()

    assert client.get(f"/unsubscribe/{token}").status_code == 200
    assert client.post(f"/unsubscribe/{token}").status_code == 200


def _tampered(app, person) -> dict[str, str]:
    good = _token(app, person.id, Event.COMMENT)
    payload, stamp, signature = good.split(".")
    other = _token(app, person.id + 1, Event.COMMENT).split(".")[0]
    with app.app_context():
        wrong_key = URLSafeTimedSerializer("not-the-secret", salt=SALT).dumps([person.id, "all"])
        wrong_salt = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="elsewhere").dumps([person.id, "all"])
        unknown_event = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT).dumps([person.id, "everything"])
        not_an_id = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT).dumps(["1", "all"])
    return {
        "changed signature": f"{payload}.{stamp}.{signature[:-2]}xx",
        "someone else's payload": f"{other}.{stamp}.{signature}",
        "cut short": good[: len(good) // 2],
        "garbage": "not-a-token",
        "wrong key": wrong_key,
        "wrong salt": wrong_salt,
        "unknown event": unknown_event,
        "id that is not a number": not_an_id,
        "very long": "a" * 3000,
    }


@pytest.mark.parametrize("case", ["changed signature", "someone else's payload", "cut short", "garbage", "wrong key",
                                  "wrong salt", "unknown event", "id that is not a number", "very long"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused_with_a_clear_page_and_changes_nothing(app, client, person, case, method):
    token = _tampered(app, person)[case]

    response = getattr(client, method)(f"/unsubscribe/{token}")

    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in _text(response)
    assert _choices(app, person.id) == DEFAULT_DELIVERY


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_link_says_so_and_points_to_preferences(app, client, person, monkeypatch, method):
    # The token is signed as if 181 days ago, so the view's own MAX_AGE check (not a test-only one) expires it.
    signed_at = int(time.time()) - MAX_AGE_SECONDS - 86400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at)
    token = _token(app, person.id, Event.COMMENT)
    monkeypatch.undo()

    response = getattr(client, method)(f"/unsubscribe/{token}", **(ONE_CLICK if method == "post" else {}))

    assert response.status_code == 410
    assert "This unsubscribe link has expired" in _text(response)
    assert 'href="/settings/notifications"' in response.get_data(as_text=True)
    assert _choices(app, person.id) == DEFAULT_DELIVERY


def test_a_link_just_inside_its_lifetime_still_works(app, client, person, monkeypatch):
    signed_at = int(time.time()) - MAX_AGE_SECONDS + 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at)
    token = _token(app, person.id, Event.COMMENT)
    monkeypatch.undo()

    assert client.post(f"/unsubscribe/{token}").status_code == 200
    assert _choices(app, person.id)[Event.COMMENT] is Delivery.OFF


def test_the_link_in_a_queued_email_opens_the_page(app, client, person):
    with app.app_context():
        from portal.notifications.outbox import enqueue

        row = enqueue(db.session.get(type(person), person.id), "comment", "Hello", "test",
                      unsubscribe_event=Event.COMMENT, sender_name="Tester")
        db.session.commit()
        path = row.unsubscribe_url.removeprefix(app.config["SITE_URL"])

    assert client.get(path).status_code == 200
    assert client.post(path, **ONE_CLICK).status_code == 200
    assert _choices(app, person.id)[Event.COMMENT] is Delivery.OFF
