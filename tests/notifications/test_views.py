"""Notifications in the browser: the bell, /notifications, marking read, preferences, following and watching."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.moderation.services import hide_comment, hide_idea
from portal.notifications.follows import is_following, is_watching
from portal.notifications.models import DEFAULT_DELIVERY, Delivery, Event, Follow, Notification
from portal.notifications.preferences import deliveries
from portal.prototypes.models import Product
from tests.factories import make_comment, make_idea, make_prototype, make_user

JSON = {"Accept": "application/json"}
TEAM_ONLY = {Event.NEW_IDEA, Event.INTERNAL_NOTE, Event.INTRODUCTION_ASKED}


def _note(user, idea, actor=None, event: Event = Event.COMMENT, comment=None, excerpt: str = "Some words",
          about: str = "", read: bool = False) -> int:
    """A notification row made directly, so each test controls exactly what its person was told."""
    note = Notification(user_id=user.id, event=event.value, actor_id=actor.id if actor else None, idea_id=idea.id,
                        comment_id=comment.id if comment else None, excerpt=excerpt, about=about,
                        read_at=utcnow() if read else None)
    db.session.add(note)
    db.session.commit()
    return note.id


def _loaded(*rows) -> None:
    """Reload rows a commit expired, so the test can read them after its app context ends."""
    for row in rows:
        db.session.refresh(row)


def _unread(user_id: int) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification.id).where(Notification.user_id == user_id,
                                                                 Notification.read_at.is_(None))))


def _bell(page: str) -> str | None:
    match = re.search(r'<a href="/notifications" class="bell[^"]*" data-bell\s+aria-label="([^"]*)"', page)
    return unescape(match.group(1)) if match else None


def _text(page: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def world(app):
    """A reader, an actor, an idea the reader may see, and a comment on it."""
    with app.app_context():
        reader, actor = make_user(display_name="Rita Reader"), make_user(display_name="Abe Actor")
        idea = make_idea(make_user(), title="Offline maps for field trips")
        comment = make_comment(actor, idea, "Works on the bus too")
        # What the factories' own events told the reader is not what these tests are about.
        db.session.execute(Notification.__table__.delete())
        db.session.commit()
        for row in (reader, actor, idea, comment):
            db.session.refresh(row)
        return {"reader": reader, "actor": actor, "idea": idea, "comment": comment}


# --- the bell -------------------------------------------------------------------------------------------

def test_the_bell_shows_the_unread_count(app, client, auth, world):
    with app.app_context():
        for _ in range(3):
            _note(world["reader"], world["idea"], world["actor"])
        _note(world["reader"], world["idea"], world["actor"], read=True)
    auth.login(world["reader"])

    page = client.get("/").get_data(as_text=True)

    assert _bell(page) == "Notifications, 3 unread"
    assert re.search(r'<span class="bell-count" aria-hidden="true" data-bell-count>3</span>', page)


def test_the_bell_without_unread_has_no_badge(app, client, auth, world):
    auth.login(world["reader"])

    page = client.get("/").get_data(as_text=True)

    assert _bell(page) == "Notifications"
    assert re.search(r"data-bell-count hidden>\s*</span>", page)


def test_the_bell_stops_counting_at_99_plus(app, client, auth, world):
    with app.app_context():
        reader, idea = world["reader"], world["idea"]
        db.session.add_all([Notification(user_id=reader.id, event="comment", idea_id=idea.id) for _ in range(130)])
        db.session.commit()
    auth.login(reader)

    assert _bell(client.get("/").get_data(as_text=True)) == "Notifications, 99+ unread"


def test_visitors_have_no_bell(client, world):
    assert _bell(client.get("/").get_data(as_text=True)) is None


def test_the_bell_costs_no_query_of_its_own(app, client, auth, world, count_queries):
    with app.app_context():
        _note(world["reader"], world["idea"], world["actor"])
    auth.login(world["reader"])

    with count_queries() as statements:
        page = client.get("/").get_data(as_text=True)

    assert _bell(page) == "Notifications, 1 unread"
    counting = [s for s in statements if re.search(r'\bFROM "?notification"?\b', s)]
    # Read in the page's first statement, the one that loads the signed-in person.
    assert len(counting) == 1 and re.search(r'\bFROM "?user"?\b', counting[0]), counting


# --- the list -------------------------------------------------------------------------------------------

def test_notifications_are_listed_newest_first_with_headline_excerpt_and_link(app, client, auth, world):
    with app.app_context():
        reader, actor, idea, comment = world["reader"], world["actor"], world["idea"], world["comment"]
        old = _note(reader, idea, actor, Event.STATUS_CHANGED, about="Planned", excerpt="Next sprint", read=True)
        new = _note(reader, idea, actor, Event.COMMENT, comment=comment, excerpt="Works on the bus too")
    auth.login(reader)

    page = client.get("/notifications").get_data(as_text=True)
    text = _text(page)

    assert text.index("Abe Actor commented on “Offline maps for field trips”") < \
        text.index("Abe Actor moved “Offline maps for field trips” to Planned")
    assert "Works on the bus too" in text and "Next sprint" in text
    assert f'href="/ideas/{idea.id}/offline-maps-for-field-trips#comment-{comment.id}"' in page
    assert re.search(rf'<li class="notify-item is-unread" id="notification-{new}">', page)
    assert re.search(rf'<li class="notify-item" id="notification-{old}">', page)
    assert "Unread: " in page and page.count("Mark as read<") == 1
    assert 'href="/settings/notifications"' in page


def test_the_list_is_paginated(app, client, auth, world):
    with app.app_context():
        ids = [_note(world["reader"], world["idea"], world["actor"], excerpt=f"Number {n}") for n in range(30)]
    auth.login(world["reader"])

    first = client.get("/notifications").get_data(as_text=True)
    second = client.get("/notifications?page=2").get_data(as_text=True)

    assert f'id="notification-{ids[-1]}"' in first and f'id="notification-{ids[4]}"' not in first
    assert first.count('class="notify-item') == 25 and second.count('class="notify-item') == 5
    assert "Page 1 of 2" in first and f'id="notification-{ids[0]}"' in second


@pytest.mark.parametrize("raw", ["abc", "-1", "0", "99999999999999999999999", "%00"])
def test_odd_page_numbers_still_answer(app, client, auth, world, raw):
    auth.login(world["reader"])

    assert client.get(f"/notifications?page={raw}").status_code == 200


def test_an_empty_list_says_how_to_get_notifications(app, client, auth, world):
    auth.login(world["reader"])

    page = client.get("/notifications").get_data(as_text=True)

    assert "No notifications yet" in page and "all caught up" in page and "Mark all as read" not in page


def test_only_ones_own_notifications_are_listed(app, client, auth, world):
    with app.app_context():
        someone = make_user()
        theirs = _note(someone, world["idea"], world["actor"], excerpt="Not for Rita")
    auth.login(world["reader"])

    page = client.get("/notifications").get_data(as_text=True)

    assert f"notification-{theirs}" not in page and "Not for Rita" not in page


def test_a_hidden_idea_is_not_named_to_someone_who_can_no_longer_see_it(app, client, auth, world):
    with app.app_context():
        reader, actor, idea = world["reader"], world["actor"], world["idea"]
        teammate = make_user(role="designer")
        _note(reader, idea, actor, Event.STATUS_CHANGED, about="Planned", excerpt="Secret plan")
        _note(teammate, idea, actor, Event.STATUS_CHANGED, about="Planned", excerpt="Secret plan")
        hide_idea(make_user(role="admin"), db.session.get(Idea, idea.id), "Spam")
        _loaded(teammate)
    auth.login(reader)

    page = client.get("/notifications").get_data(as_text=True)

    assert "Offline maps" not in page and "Secret plan" not in page and f"/ideas/{idea.id}" not in page
    assert "An update about an idea you can no longer see" in _text(page)

    auth.logout()
    auth.login(teammate)
    assert "Offline maps for field trips" in _text(client.get("/notifications").get_data(as_text=True))


def test_a_hidden_comment_s_words_are_not_shown(app, client, auth, world):
    with app.app_context():
        reader, actor, idea = world["reader"], world["actor"], world["idea"]
        comment = make_comment(actor, idea, "Rude words here")
        _note(reader, idea, actor, Event.COMMENT, comment=comment, excerpt="Rude words here")
        hide_comment(make_user(role="admin"), db.session.get(Comment, comment.id), "Rude")
        _loaded(comment)
    auth.login(reader)

    page = client.get("/notifications").get_data(as_text=True)

    assert "Rude words here" not in page and f"comment-{comment.id}" not in page
    assert "Abe Actor commented on “Offline maps for field trips”" in _text(page)


def test_someone_who_left_the_team_no_longer_reads_internal_notes(app, client, auth, world):
    with app.app_context():
        former = make_user(role="developer")
        _note(former, world["idea"], world["actor"], Event.INTERNAL_NOTE, excerpt="Internal: costs too much")
        former.role = "customer"
        db.session.commit()
        _loaded(former)
    auth.login(former)

    page = client.get("/notifications").get_data(as_text=True)

    assert "costs too much" not in page


def test_visitors_are_sent_to_sign_in(client):
    for path in ("/notifications", "/settings/notifications"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- marking read ---------------------------------------------------------------------------------------

def test_marking_one_read_leaves_the_others_unread_and_returns_to_the_list(app, client, auth, world):
    with app.app_context():
        first = _note(world["reader"], world["idea"], world["actor"])
        second = _note(world["reader"], world["idea"], world["actor"])
    auth.login(world["reader"])

    response = client.post(f"/notifications/{first}/read", data={"next": f"/notifications#notification-{first}"})

    assert response.status_code == 302 and response.headers["Location"] == f"/notifications#notification-{first}"
    with app.app_context():
        assert _unread(world["reader"].id) == [second]


def test_marking_read_answers_json_with_the_new_count(app, client, auth, world):
    with app.app_context():
        first = _note(world["reader"], world["idea"], world["actor"])
        _note(world["reader"], world["idea"], world["actor"])
    auth.login(world["reader"])

    response = client.post(f"/notifications/{first}/read", headers=JSON)

    assert response.get_json() == {"unread": 1}
    assert client.post(f"/notifications/{first}/read", headers=JSON).get_json() == {"unread": 1}  # twice is fine


def test_marking_read_never_follows_an_outside_next(app, client, auth, world):
    with app.app_context():
        note = _note(world["reader"], world["idea"], world["actor"])
    auth.login(world["reader"])

    response = client.post(f"/notifications/{note}/read", data={"next": "https://evil.example/"})

    assert response.headers["Location"] == "/notifications"


@pytest.mark.parametrize("target", ["theirs", "missing", "2147483647", "2147483648", "99999999999999999999", "-1",
                                    "abc"])
def test_other_people_s_and_missing_notifications_are_not_found(app, client, auth, world, target):
    with app.app_context():
        theirs = _note(make_user(), world["idea"], world["actor"])
        path_id = {"theirs": theirs, "missing": theirs + 1000}.get(target, target)
    auth.login(world["reader"])

    response = client.post(f"/notifications/{path_id}/read")

    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Notification, theirs).read_at is None


def test_marking_read_is_not_a_get(app, client, auth, world):
    with app.app_context():
        note = _note(world["reader"], world["idea"], world["actor"])
    auth.login(world["reader"])

    assert client.get(f"/notifications/{note}/read").status_code == 405
    assert client.get("/notifications/read").status_code == 405


def test_mark_all_read_touches_only_ones_own(app, client, auth, world):
    with app.app_context():
        for _ in range(3):
            _note(world["reader"], world["idea"], world["actor"])
        someone = make_user()
        theirs = _note(someone, world["idea"], world["actor"])
        _loaded(someone)
    auth.login(world["reader"])

    response = client.post("/notifications/read", follow_redirects=True)

    assert "Marked 3 notifications as read." in response.get_data(as_text=True)
    assert _bell(response.get_data(as_text=True)) == "Notifications"
    with app.app_context():
        assert _unread(world["reader"].id) == [] and _unread(someone.id) == [theirs]
    again = client.post("/notifications/read", follow_redirects=True).get_data(as_text=True)
    assert "Nothing was unread." in again


def test_signed_out_people_can_t_mark_anything(app, client, world):
    with app.app_context():
        note = _note(world["reader"], world["idea"], world["actor"])

    assert client.post(f"/notifications/{note}/read").status_code == 302
    assert client.post("/notifications/read").status_code == 302
    with app.app_context():
        assert _unread(world["reader"].id) == [note]


# --- preferences ----------------------------------------------------------------------------------------

def _radios(page: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for tag in re.findall(r'<input[^>]*type="radio"[^>]*>', page):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        groups.setdefault(name, [])
        if re.search(r"\schecked\b", tag):
            groups[name].append(re.search(r'value="([^"]+)"', tag).group(1))
    return groups


def test_customers_choose_for_the_public_events_only(app, client, auth, world):
    auth.login(world["reader"])

    page = client.get("/settings/notifications").get_data(as_text=True)
    groups = _radios(page)

    assert set(groups) == {f"event_{e.value}" for e in Event if e not in TEAM_ONLY}
    assert groups["event_comment"] == ["digest"] and groups["event_status_changed"] == ["instant"]
    assert re.search(r"<legend>Someone comments on an idea I follow</legend>", page)
    assert 'aria-current="page" class="is-active">Notifications</a>' in page


def test_the_team_also_chooses_for_new_ideas_and_internal_notes(app, client, auth):
    with app.app_context():
        developer = make_user(role="developer")
    auth.login(developer)

    groups = _radios(client.get("/settings/notifications").get_data(as_text=True))

    assert set(groups) == {f"event_{e.value}" for e in Event}


def test_saving_preferences_and_automatic_following(app, client, auth, world):
    auth.login(world["reader"])
    choices = {f"event_{e.value}": "instant" for e in Event if e not in TEAM_ONLY}
    choices |= {"event_comment": "off", "event_mention": "digest"}

    response = client.post("/settings/notifications", data=choices, follow_redirects=True)

    assert "Your notification preferences are saved." in response.get_data(as_text=True)
    with app.app_context():
        chosen = deliveries([world["reader"].id])[world["reader"].id]
        assert chosen[Event.COMMENT] is Delivery.OFF and chosen[Event.MENTION] is Delivery.DIGEST
        assert chosen[Event.REPLY] is Delivery.INSTANT
        assert db.session.get(type(world["reader"]), world["reader"].id).auto_follow is False  # box left unticked
    groups = _radios(response.get_data(as_text=True))
    assert groups["event_comment"] == ["off"] and groups["event_mention"] == ["digest"]

    client.post("/settings/notifications", data=choices | {"auto_follow": "y"})
    with app.app_context():
        assert db.session.get(type(world["reader"]), world["reader"].id).auto_follow is True


@pytest.mark.parametrize("data, message", [
    ({"event_comment": "sometimes"}, "Some choices were not recognised"),
    ({"event_comment": ""}, "Some choices were not recognised"),
    ({"event_nonsense": "off"}, "There is no notification called “nonsense”"),
    ({"event_new_idea": "off"}, "There is no notification called “new_idea”"),  # team-only, asked by a customer
    ({"event_comment": "off\x00"}, "Some choices were not recognised"),
])
def test_bad_choices_are_explained_and_nothing_is_saved(app, client, auth, world, data, message):
    auth.login(world["reader"])

    response = client.post("/settings/notifications", data={"event_mention": "off", **data})

    assert response.status_code == 422
    assert message in unescape(response.get_data(as_text=True))
    with app.app_context():
        assert deliveries([world["reader"].id])[world["reader"].id] == DEFAULT_DELIVERY


def test_the_profile_settings_link_to_notification_preferences(app, client, auth, world):
    auth.login(world["reader"])

    assert 'href="/settings/notifications"' in client.get("/settings/profile").get_data(as_text=True)


# --- following ideas ------------------------------------------------------------------------------------

def _follow_bar(page: str) -> str:
    return re.search(r'<div class="follow-bar" id="follow">(.*?)</div>', page, re.S).group(1)


def test_following_and_unfollowing_from_the_idea_page(app, client, auth, world):
    idea = world["idea"]
    with app.app_context():
        count = len(db.session.scalars(select(Follow).where(Follow.idea_id == idea.id)).all())
    auth.login(world["reader"])

    bar = _follow_bar(client.get(f"/ideas/{idea.id}", follow_redirects=True).get_data(as_text=True))
    assert f'action="/ideas/{idea.id}/follow"' in bar and 'aria-pressed="false"' in bar
    assert f"{count} following" in bar

    response = client.post(f"/ideas/{idea.id}/follow", follow_redirects=True)
    bar = _follow_bar(response.get_data(as_text=True))
    assert "You follow this idea" in response.get_data(as_text=True)
    assert f'action="/ideas/{idea.id}/unfollow"' in bar and 'aria-pressed="true"' in bar and "Following" in bar
    assert f"{count + 1} following" in bar

    client.post(f"/ideas/{idea.id}/follow")  # twice is no error and no second row
    response = client.post(f"/ideas/{idea.id}/unfollow", follow_redirects=True)
    assert f"{count} following" in _follow_bar(response.get_data(as_text=True))
    with app.app_context():
        assert not is_following(db.session.get(type(world["reader"]), world["reader"].id),
                                db.session.get(Idea, idea.id))


def test_following_answers_json_for_the_in_place_toggle(app, client, auth, world):
    idea = world["idea"]
    auth.login(world["reader"])

    followed = client.post(f"/ideas/{idea.id}/follow", headers=JSON).get_json()
    unfollowed = client.post(f"/ideas/{idea.id}/unfollow", headers=JSON).get_json()

    assert followed["following"] is True and unfollowed["following"] is False
    assert followed["follower_count"] == unfollowed["follower_count"] + 1


def test_visitors_see_the_count_and_a_sign_in_link(app, client, world):
    idea = world["idea"]

    bar = _follow_bar(client.get(f"/ideas/{idea.id}", follow_redirects=True).get_data(as_text=True))

    assert "Sign in to follow" in bar and "/login?next=" in bar and re.search(r"\d+ following", bar)
    response = client.post(f"/ideas/{idea.id}/follow")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_hidden_or_missing_idea_can_t_be_followed(app, client, auth, world):
    with app.app_context():
        hidden = make_idea(title="Hidden one")
        hide_idea(make_user(role="admin"), db.session.get(Idea, hidden.id), "Spam")
        _loaded(hidden)
    auth.login(world["reader"])

    assert client.post(f"/ideas/{hidden.id}/follow").status_code == 404
    assert client.post("/ideas/2147483647/follow").status_code == 404
    assert client.post("/ideas/99999999999999/unfollow").status_code == 404
    with app.app_context():
        assert not is_following(db.session.get(type(world["reader"]), world["reader"].id),
                                db.session.get(Idea, hidden.id))


def test_unfollowing_an_idea_one_can_no_longer_see_still_works(app, client, auth, world):
    with app.app_context():
        idea = make_idea(title="Soon hidden")
        db.session.add(Follow(user_id=world["reader"].id, idea_id=idea.id))
        db.session.commit()
        hide_idea(make_user(role="admin"), db.session.get(Idea, idea.id), "Spam")
        _loaded(idea)
    auth.login(world["reader"])

    response = client.post(f"/ideas/{idea.id}/unfollow")

    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    with app.app_context():
        assert not is_following(db.session.get(type(world["reader"]), world["reader"].id),
                                db.session.get(Idea, idea.id))


# --- watching products ----------------------------------------------------------------------------------

def test_the_team_watches_a_product_for_new_ideas(app, client, auth):
    with app.app_context():
        designer, product = make_user(role="designer"), make_prototype().product
    auth.login(designer)

    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "Watch new ideas" in page and 'name="watching" value="1"' in page

    response = client.post(f"/products/{product.slug}/watch", data={"watching": "1"}, follow_redirects=True)
    assert "You'll hear about every new idea" in unescape(response.get_data(as_text=True))
    assert "Watching new ideas" in response.get_data(as_text=True)
    with app.app_context():
        assert is_watching(db.session.get(type(designer), designer.id), db.session.get(Product, product.id))

    client.post(f"/products/{product.slug}/watch", data={"watching": "0"})
    with app.app_context():
        assert not is_watching(db.session.get(type(designer), designer.id), db.session.get(Product, product.id))


def test_customers_can_t_watch_products(app, client, auth, world):
    with app.app_context():
        product = make_prototype().product
    auth.login(world["reader"])

    assert "Watch new ideas" not in client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert client.post(f"/products/{product.slug}/watch", data={"watching": "1"}).status_code == 403


@pytest.mark.parametrize("slug", ["no-such-product", "x" * 300, "bad%00slug"])
def test_watching_an_unknown_product_is_not_found(app, client, auth, slug):
    with app.app_context():
        designer = make_user(role="designer")
    auth.login(designer)

    assert client.post(f"/products/{slug}/watch", data={"watching": "1"}).status_code == 404


@pytest.mark.parametrize("role", ["customer", "developer", "designer", "admin"])
@pytest.mark.parametrize("page", ["/notifications", "/settings/notifications", "/notifications?page=2"])
def test_every_signed_in_role_has_its_notification_pages(app, client, auth, role, page):
    with app.app_context():
        person = make_user(role=role)
    auth.login(person)

    assert client.get(page).status_code == 200


def test_the_list_reads_in_a_fixed_number_of_queries(app, client, auth, world, count_queries):
    with app.app_context():
        _note(world["reader"], world["idea"], world["actor"], Event.COMMENT, comment=world["comment"])
    auth.login(world["reader"])
    with count_queries() as few:
        client.get("/notifications")
    with app.app_context():
        for n in range(12):
            idea = make_idea(make_user(), title=f"Another idea {n}")
            _note(world["reader"], idea, make_user(), Event.COMMENT,
                  comment=make_comment(make_user(), idea, f"Comment {n}"))
    with count_queries() as many:
        client.get("/notifications")

    assert len(many) == len(few)


def test_the_idea_page_reads_followers_in_a_fixed_number_of_queries(app, client, auth, world, count_queries):
    idea = world["idea"]
    auth.login(world["reader"])
    with count_queries() as few:
        client.get(f"/ideas/{idea.id}", follow_redirects=True)
    with app.app_context():
        for _ in range(10):
            db.session.add(Follow(user_id=make_user().id, idea_id=idea.id))
        db.session.commit()
    with count_queries() as many:
        client.get(f"/ideas/{idea.id}", follow_redirects=True)

    assert len(many) == len(few)
