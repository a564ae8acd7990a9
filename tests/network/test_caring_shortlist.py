"""“Others who care” from the per-idea shortlist gives exactly what the full ranking in SQL gives, for every viewer.

The shortlist is cut to a few people per role group here, so viewers connected with or blocked from most of it
take the fallback, and the rest take the shortlist, on the same data.
"""

from __future__ import annotations

import random

import pytest

from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Vote
from portal.network import caring
from portal.network.models import Block, Connection, ConnectionStatus
from tests.factories import PASSWORD, make_comment, make_idea, make_user


def _ranked_in_sql(viewer, idea) -> list[tuple[int, bool, bool]]:
    rows = db.session.execute(caring._STATEMENT, {
        "idea_id": idea.id, "author_id": idea.author_id, "me": viewer.id, "viewer_team": int(viewer.is_team),
        "limit": caring.SHOWN})
    return [(user.id, total >= 3, bool(conn)) for user, total, conn in rows]


def _shown(viewer, idea) -> list[tuple[int, bool, bool]]:
    return [(f.user.id, f.commented, f.connected) for f in caring.others_who_care(viewer, idea)]


@pytest.mark.parametrize("seed", range(4))
def test_the_shortlist_ranks_every_viewer_as_the_full_query_does(ctx, monkeypatch, seed):
    monkeypatch.setattr(caring, "SHORTLIST", 3)
    monkeypatch.setattr(caring, "MAX_TIES", 4)  # people with more ties take the full query too
    rng = random.Random(seed)
    idea = make_idea()
    people = [make_user(rng.choice(["customer", "customer", "designer", "developer"])) for _ in range(16)]
    for person in people:
        if rng.random() < 0.4:
            make_comment(person, idea, "Me too")
        if rng.random() < 0.6:
            db.session.add(Vote(idea_id=idea.id, user_id=person.id))
    for a, b in rng.sample([(a, b) for a in people for b in people if a.id < b.id], 40):
        if rng.random() < 0.7:
            db.session.add(Connection(requester_id=a.id, addressee_id=b.id, status=ConnectionStatus.ACCEPTED.value,
                                      addressee_accepted=True))
        else:
            db.session.add(Block(blocker_id=a.id, blocked_id=b.id))
    db.session.commit()

    for viewer in people:
        assert _shown(viewer, idea) == _ranked_in_sql(viewer, idea), viewer.id


def test_a_viewer_connected_with_the_whole_shortlist_still_sees_people_beyond_it(ctx, monkeypatch):
    monkeypatch.setattr(caring, "SHORTLIST", 2)
    idea = make_idea()
    viewer = make_user()
    friends = [make_user() for _ in range(2)]
    strangers = [make_user() for _ in range(3)]
    for friend in friends:
        make_comment(friend, idea, "Most engaged")  # weight 3: the shortlist's first two customers
        db.session.add(Connection(requester_id=viewer.id, addressee_id=friend.id,
                                  status=ConnectionStatus.ACCEPTED.value, addressee_accepted=True))
    for stranger in strangers:
        idea_services.cast_vote(stranger, idea)
    db.session.commit()

    shown = caring.others_who_care(viewer, idea)

    # The author and the strangers first (not connected), the friends last, though only two were shortlisted.
    assert [f.user.id for f in shown][-2:] == [f.id for f in friends]
    assert {f.user.id for f in shown[:-2]} == {idea.author_id, *(s.id for s in strangers)}
    assert _shown(viewer, idea) == _ranked_in_sql(viewer, idea)


def _card(page: str) -> str:
    card = page[page.index("data-others-care"):]
    return card[:card.index("</section>")]


def test_the_card_kept_for_one_viewer_is_never_shown_to_a_viewer_who_would_see_it_otherwise(app, monkeypatch):
    with app.app_context():
        idea = make_idea()
        fiona = make_user(display_name="Fiona Fellow")
        make_comment(fiona, idea, "Me too")
        friend, stranger = make_user(display_name="Friend"), make_user(display_name="Stranger")
        unconfirmed = make_user(display_name="Unconfirmed", verified=False)
        db.session.add(Connection(requester_id=friend.id, addressee_id=fiona.id,
                                  status=ConnectionStatus.ACCEPTED.value, addressee_accepted=True))
        db.session.commit()
        path, people = f"/ideas/{idea.id}", (friend.email, stranger.email, unconfirmed.email)
    monkeypatch.setitem(app.config, "REQUIRE_EMAIL_VERIFICATION", True)
    clients = {}
    for email in people:  # all signed in first: signing in is a write, which starts the cache afresh
        clients[email] = app.test_client()
        clients[email].post("/login", data={"email": email, "password": PASSWORD})
    cards = {}
    for email in people * 2:  # the second round is served from what the first kept
        page = clients[email].get(path, follow_redirects=True).get_data(as_text=True)
        cards.setdefault(email, []).append(_card(page))

    friend_card, stranger_card, unconfirmed_card = (cards[email] for email in people)
    assert friend_card[0] == friend_card[1] and stranger_card[0] == stranger_card[1]
    assert "Connected" in friend_card[0] and "Ask for an introduction" not in friend_card[0].split("Fiona")[1]
    assert "Connected" not in stranger_card[0] and "Ask for an introduction" in stranger_card[0]
    assert "Fiona Fellow" in unconfirmed_card[0] and "Connect</a>" not in unconfirmed_card[0]


def test_a_connection_made_after_the_viewers_ties_were_kept_shows_at_once(app):
    with app.app_context():
        idea = make_idea()
        fiona, viewer = make_user(display_name="Fiona Fellow"), make_user(display_name="Viewer")
        make_comment(fiona, idea, "Me too")
        path, viewer_email = f"/ideas/{idea.id}", viewer.email
    client = app.test_client()
    client.post("/login", data={"email": viewer_email, "password": PASSWORD})
    for _ in range(2):  # the second view is served from what the first kept, the viewer's ties among it
        before = _card(client.get(path, follow_redirects=True).get_data(as_text=True))
    assert "Fiona Fellow" in before and "Connected" not in before

    with app.app_context():  # a committed write, as accepting a request is
        db.session.add(Connection(requester_id=viewer.id, addressee_id=fiona.id,
                                  status=ConnectionStatus.ACCEPTED.value, addressee_accepted=True))
        db.session.commit()

    after = _card(client.get(path, follow_redirects=True).get_data(as_text=True))
    assert "Connected" in after
