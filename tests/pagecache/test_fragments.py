"""Idea lists and idea timelines are rendered once per audience and filled in per viewer (issue 7).

Each test signs people in one after another, so the second is served what the first one's request stored: what
one person sees of their own (votes, held ideas, their comments' controls, tokens) must never reach the other.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Idea
from portal.pagecache.fragments import VoteSlot, vote_state
from portal.triage.models import Tag
from portal.triage.statuses import initial_status
from tests.conftest import AuthActions
from tests.factories import make_comment, make_idea, make_prototype, make_user


@pytest.fixture
def clients(app):
    """A signed-in test client per person, each with its own cookies."""

    def signed_in(user):
        with app.app_context():  # the factories' objects are detached by now: read the address afresh
            email = db.session.get(User, inspect(user).identity[0]).email
        client = app.test_client()
        assert AuthActions(client).login(email).status_code == 302
        return client

    return signed_in


def _card(html: str, idea_id: int) -> str:
    start = html.index(f'id="idea-{idea_id}"')
    return html[start:html.index("</article>", start)]


def _list(app) -> tuple[str, list[int], object]:
    with app.app_context():
        initial_status()
        prototype = make_prototype()
        ideas = [make_idea(prototype=prototype, title=f"Shared idea {n}").id for n in range(3)]
        return f"/products/{prototype.product.slug}?sort=new", ideas, prototype


def test_each_member_sees_their_own_votes_in_a_shared_list(app, clients):
    path, ideas, _ = _list(app)
    with app.app_context():
        alice, bob = make_user(), make_user()
        idea_services.cast_vote(alice, db.session.get(Idea, ideas[0]))
        idea_services.cast_vote(bob, db.session.get(Idea, ideas[1]))
    as_alice, as_bob = clients(alice), clients(bob)
    for _ in range(2):  # the second round is served from what the first stored
        mine, theirs = as_alice.get(path).get_data(as_text=True), as_bob.get(path).get_data(as_text=True)
        assert 'aria-pressed="true"' in _card(mine, ideas[0]) and 'value="remove"' in _card(mine, ideas[0])
        assert 'aria-pressed="false"' in _card(mine, ideas[1]) and 'value="add"' in _card(mine, ideas[1])
        assert 'aria-pressed="true"' in _card(theirs, ideas[1]) and "is-voted" in _card(theirs, ideas[1])
        assert 'aria-pressed="false"' in _card(theirs, ideas[0]) and "is-voted" not in _card(theirs, ideas[0])
        assert "<!--slot:" not in mine + theirs


def test_the_vote_form_carries_the_viewers_own_working_token(app, clients, monkeypatch):
    path, ideas, _ = _list(app)
    with app.app_context():
        alice, bob = make_user(), make_user()
    as_alice, as_bob = clients(alice), clients(bob)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    as_alice.get(path)
    page = as_bob.get(path).get_data(as_text=True)  # from the fragment Alice's request stored
    token = re.search(rf'action="/ideas/{ideas[2]}/vote".*?name="csrf_token" value="([^"]+)"', page, re.S)[1]
    assert as_bob.post(f"/ideas/{ideas[2]}/vote", data={"csrf_token": token, "action": "add"}).status_code == 302
    # Alice's own token is not Bob's: his session's token was filled in, not one stored with the list.
    alice_page = as_alice.get(path).get_data(as_text=True)
    assert 'aria-pressed="true"' in _card(as_bob.get(path).get_data(as_text=True), ideas[2])
    assert 'aria-pressed="false"' in _card(alice_page, ideas[2])


def test_an_idea_held_for_approval_is_listed_only_for_its_author(app, clients):
    path, _, prototype = _list(app)
    with app.app_context():
        author, other = make_user(), make_user()
        held = make_idea(author=author, prototype=prototype, title="Waiting for the team")
        db.session.get(Idea, held.id).pending_approval = True
        db.session.commit()
    as_other, as_author = clients(other), clients(author)
    for _ in range(2):
        assert "Waiting for the team" not in as_other.get(path).get_data(as_text=True)
        page = as_author.get(path).get_data(as_text=True)
        assert "Waiting for the team" in page and "Awaiting approval" in page


def test_internal_tags_stay_with_the_team(app, clients):
    path, ideas, _ = _list(app)
    with app.app_context():
        tag = Tag(name="Costly", internal=True)
        db.session.add(tag)
        tagged = db.session.get(Idea, ideas[0])
        tagged.tags.append(tag)
        db.session.commit()
        designer, customer = make_user(role="designer"), make_user()
    as_designer, as_customer = clients(designer), clients(customer)
    for _ in range(2):
        assert "Costly" in _card(as_designer.get(path).get_data(as_text=True), ideas[0])
        assert "Costly" not in as_customer.get(path).get_data(as_text=True)


def test_a_member_who_has_not_confirmed_their_address_cannot_vote_from_a_shared_list(app, clients, monkeypatch):
    path, ideas, _ = _list(app)
    monkeypatch.setitem(app.config, "REQUIRE_EMAIL_VERIFICATION", True)
    with app.app_context():
        confirmed, unconfirmed = make_user(), make_user(verified=False)
    clients(confirmed).get(path)
    card = _card(clients(unconfirmed).get(path).get_data(as_text=True), ideas[0])
    assert "Confirm your email address to vote" in card and "<form" not in card


def test_a_new_vote_shows_in_everyones_list_at_once(app, clients):
    path, ideas, _ = _list(app)
    with app.app_context():
        alice, bob = make_user(), make_user()
    as_alice, as_bob = clients(alice), clients(bob)
    as_bob.get(path)
    as_alice.post(f"/ideas/{ideas[0]}/vote", data={"action": "add"})
    assert '<span class="vote-count">2</span>' in _card(as_bob.get(path).get_data(as_text=True), ideas[0])


def test_text_that_looks_like_a_slot_is_printed_as_typed(app, clients):
    with app.app_context():
        initial_status()
        prototype = make_prototype()
        idea = make_idea(prototype=prototype, title="<!--slot:csrf--> and <!--slot:vote-css:1-->")
        make_comment(make_user(), idea, "<!--slot:shown--> in a comment")
        reader = make_user()
        paths = (f"/products/{prototype.product.slug}", f"/ideas/{idea.id}")
    as_reader = clients(reader)
    for path in paths:
        page = as_reader.get(path, follow_redirects=True).get_data(as_text=True)
        assert "&lt;!--slot:csrf--&gt;" in page
        assert "<!--slot:" not in page


def _discussed(app):
    with app.app_context():
        initial_status()
        author, commenter, reader = make_user(), make_user(), make_user()
        idea = make_idea(author=author, title="Brighter lamp")
        make_comment(commenter, idea, "My own remark")
        make_comment(author, idea, "The author's reply")
        return f"/ideas/{idea.id}", author, commenter, reader


def _controls(html: str) -> list[str]:
    return re.findall(r'href="/comments/\d+/edit"|action="/comments/\d+/delete"|action="/comments/\d+/helpful"', html)


@pytest.mark.parametrize("first", ["reader", "commenter", "author"])
def test_comment_controls_are_only_their_owners_whoever_asked_first(app, clients, first):
    path, author, commenter, reader = _discussed(app)
    people = {"reader": reader, "commenter": commenter, "author": author}
    pages: dict[str, str] = {}
    for name in [first, *[n for n in people if n != first], first]:
        pages[name] = clients(people[name]).get(path, follow_redirects=True).get_data(as_text=True)
    assert "My own remark" in pages["reader"] and "The author's reply" in pages["reader"]
    assert _controls(pages["reader"]) == []
    assert len(_controls(pages["commenter"])) == 2  # edit and delete their comment
    assert len([c for c in _controls(pages["author"]) if "edit" in c]) == 1  # their reply only
    assert any("helpful" in c for c in _controls(pages["author"]))  # and marking the other helpful


def test_a_comment_held_for_approval_is_shown_to_its_author_only(app, clients):
    path, _, commenter, reader = _discussed(app)
    with app.app_context():
        idea = db.session.get(Idea, int(path.rsplit("/", 1)[1]))
        held = make_comment(commenter, idea, "Held back for now")
        held.pending_approval = True
        db.session.commit()
    as_reader, as_commenter = clients(reader), clients(commenter)
    for _ in range(2):
        assert "Held back for now" not in as_reader.get(path, follow_redirects=True).get_data(as_text=True)
        assert "Held back for now" in as_commenter.get(path, follow_redirects=True).get_data(as_text=True)


def test_each_reply_form_gets_a_fresh_signed_stamp(app, clients):
    path, _, _, reader = _discussed(app)
    as_reader = clients(reader)
    as_reader.get(path, follow_redirects=True)
    page = as_reader.get(path, follow_redirects=True).get_data(as_text=True)
    stamps = re.findall(r'name="form_shown" value="([^"]+)"', page)
    assert len(stamps) == 2 and all(re.fullmatch(r"\d+\.\d+\.[\w-]+", s) for s in stamps)  # two replies


def test_vote_states_print_what_the_button_needs():
    assert (vote_state(True).action, vote_state(True).css, vote_state(True).pressed) == ("remove", " is-voted", "true")
    assert (vote_state(False).action, vote_state(False).pressed) == ("add", "false")
    assert vote_state(VoteSlot(7)).action == "<!--slot:vote-action:7-->"


@pytest.mark.parametrize("viewer", ["commenter", "reader", "author"])
def test_a_timeline_is_rendered_once_for_each_viewer_until_the_next_write(app, clients, monkeypatch, viewer):
    import portal.ideas.pages as pages

    path, author, commenter, reader = _discussed(app)
    rendered: list[int] = []
    real = pages.timeline_and_commenters
    monkeypatch.setattr(pages, "timeline_and_commenters", lambda *a: rendered.append(1) or real(*a))
    client = clients({"commenter": commenter, "reader": reader, "author": author}[viewer])
    first = client.get(path, follow_redirects=True).get_data(as_text=True)
    second = client.get(path, follow_redirects=True).get_data(as_text=True)

    assert "My own remark" in first and _controls(first) == _controls(second)
    assert len(rendered) == 1  # the second view is served the copy the first one stored
