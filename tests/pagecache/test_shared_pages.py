"""Whole pages shared by the signed-in members of one audience (issue 7): the product page is rendered once and
each member gets their own header, notices, token and votes. Each test serves one member what another stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import inspect

import portal.prototypes.views as product_views
from portal.accounts.models import User
from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Idea
from portal.triage.statuses import initial_status
from tests.conftest import AuthActions
from tests.factories import make_comment, make_idea, make_prototype, make_user


@pytest.fixture
def clients(app):
    def signed_in(user):
        with app.app_context():
            email = db.session.get(User, inspect(user).identity[0]).email
        client = app.test_client()
        assert AuthActions(client).login(email).status_code == 302
        return client

    return signed_in


@pytest.fixture
def product_page(app):
    with app.app_context():
        initial_status()
        prototype = make_prototype(name="Reading lamp")
        ideas = [make_idea(prototype=prototype, title=f"Lamp idea {n}").id for n in range(2)]
        return f"/products/{prototype.product.slug}", ideas


def _header(html: str) -> str:
    return html[html.index('<header class="site-header">'):html.index("</header>")]


def test_each_member_gets_their_own_header_on_a_shared_page(app, clients, product_page, monkeypatch):
    path, ideas = product_page
    with app.app_context():
        alice, bob = make_user(display_name="Alice Arden"), make_user(display_name="Bob Brook")
        idea_services.cast_vote(bob, db.session.get(Idea, ideas[1]))
        alice_id, bob_id = alice.id, bob.id
    rendered: list[int] = []
    real = product_views.prototypes_by_stage
    monkeypatch.setattr(product_views, "prototypes_by_stage", lambda *a: rendered.append(1) or real(*a))
    as_alice, as_bob = clients(alice), clients(bob)

    mine = as_alice.get(path).get_data(as_text=True)
    theirs = as_bob.get(path).get_data(as_text=True)  # served what Alice's request stored

    assert len(rendered) == 1
    assert "Alice Arden" in _header(mine) and f"/people/{alice_id}" in _header(mine) and "Bob Brook" not in mine
    assert "Bob Brook" in _header(theirs) and f"/people/{bob_id}" in _header(theirs) and "Alice Arden" not in theirs
    assert 'aria-pressed="true"' in theirs and 'aria-pressed="true"' not in mine
    assert "<!--slot:" not in mine + theirs


def test_the_shared_page_carries_each_members_working_token(app, clients, product_page, monkeypatch):
    path, _ = product_page
    with app.app_context():
        alice, bob = make_user(), make_user()
    as_alice, as_bob = clients(alice), clients(bob)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    as_alice.get(path)
    page = as_bob.get(path).get_data(as_text=True)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)[1]
    sign_out = re.search(r'action="/logout".*?name="csrf_token" value="([^"]+)"', page, re.S)[1]
    assert meta == sign_out
    assert as_bob.post("/logout", data={"csrf_token": sign_out}).status_code == 302
    assert "Sign in" in _header(as_bob.get(path).get_data(as_text=True))


def test_a_flashed_message_reaches_only_its_member(app, clients, product_page):
    path, _ = product_page
    with app.app_context():
        alice, bob = make_user(), make_user()
    as_alice, as_bob = clients(alice), clients(bob)
    as_bob.get(path)
    with as_alice.session_transaction() as session:
        session["_flashes"] = [("success", "Your settings are saved.")]

    assert "Your settings are saved." in as_alice.get(path).get_data(as_text=True)
    assert "Your settings are saved." not in as_bob.get(path).get_data(as_text=True)
    assert "Your settings are saved." not in as_alice.get(path).get_data(as_text=True)  # shown once


def test_an_unconfirmed_member_sees_their_own_address(app, clients, product_page, monkeypatch):
    path, _ = product_page
    monkeypatch.setitem(app.config, "REQUIRE_EMAIL_VERIFICATION", True)
    with app.app_context():
        first, second = make_user(verified=False), make_user(verified=False)
        first_email, second_email = first.email, second.email
    assert first_email in clients(first).get(path).get_data(as_text=True)
    page = clients(second).get(path).get_data(as_text=True)
    assert second_email in page and first_email not in page


def test_team_pages_are_their_own(app, clients, product_page):
    path, _ = product_page
    with app.app_context():
        designer, customer = make_user(role="designer"), make_user()
    assert "Edit product" in clients(designer).get(path).get_data(as_text=True)
    assert "Edit product" not in clients(customer).get(path).get_data(as_text=True)
    assert "Edit product" in clients(designer).get(path).get_data(as_text=True)


def test_a_product_that_does_not_exist_is_a_404_for_members(app, clients, product_page):
    with app.app_context():
        member = make_user()
    assert clients(member).get("/products/no-such-product").status_code == 404


@pytest.fixture
def idea_page(app):
    with app.app_context():
        initial_status()
        author = make_user(display_name="Ada Author")
        idea = make_idea(author=author, title="Brighter reading lamp")
        return f"/ideas/{idea.id}", idea.id, author


def test_each_member_gets_their_own_vote_follow_and_form_on_a_shared_idea_page(app, clients, idea_page, monkeypatch):
    import portal.ideas.pages as pages

    path, idea_id, _ = idea_page
    with app.app_context():
        alice, bob = make_user(display_name="Alice Arden"), make_user(display_name="Bob Brook")
        idea_services.cast_vote(bob, db.session.get(Idea, idea_id))  # voting follows the idea too
    rendered: list[int] = []
    real = pages.pins_of_idea
    monkeypatch.setattr(pages, "pins_of_idea", lambda *a: rendered.append(1) or real(*a))
    as_alice, as_bob = clients(alice), clients(bob)

    mine = as_alice.get(path, follow_redirects=True).get_data(as_text=True)
    theirs = as_bob.get(path, follow_redirects=True).get_data(as_text=True)

    assert len(rendered) == 1  # Bob was served the page Alice's request stored
    assert "Alice Arden" in _header(mine) and "Bob Brook" in _header(theirs)
    assert 'aria-pressed="true"' in theirs.split('class="idea-vote"')[1].split("</form>")[0]
    assert 'aria-pressed="false"' in mine.split('class="idea-vote"')[1].split("</form>")[0]
    assert "Following" in theirs.split('id="follow"')[1].split("</div>")[0]
    assert "Following" not in mine.split('id="follow"')[1].split("</div>")[0]
    # Others who care: Alice is shown Bob (he voted), and nobody is shown themselves.
    assert "Bob Brook" in mine.split("Others who care")[1] and "Alice Arden" not in mine.split("Others who care")[1]
    assert 'id="comment-form"' in mine and 'id="comment-form"' in theirs
    assert "<!--slot:" not in mine + theirs


def test_a_members_vote_and_follow_come_with_the_idea_on_a_shared_idea_page(app, clients, idea_page,
                                                                            count_queries):
    path, idea_id, _ = idea_page
    with app.app_context():
        carol, dan = make_user(display_name="Carol Crane"), make_user(display_name="Dan Dale")
        idea_services.cast_vote(carol, db.session.get(Idea, idea_id))  # voting follows the idea too
    as_carol, as_dan = clients(carol), clients(dan)
    as_dan.get(path, follow_redirects=True)  # stores the shared page
    canonical = as_carol.get(path).headers["Location"]
    as_carol.get(canonical)  # fills what is kept for her until the next write (her ties, her held ideas)
    with count_queries() as statements:
        page = as_carol.get(canonical).get_data(as_text=True)
    vote_form = page.split('class="idea-vote"')[1].split("</form>")[0]
    follow_bar = page.split('id="follow"')[1].split("</div>")[0]
    assert 'aria-pressed="true"' in vote_form and "Following" in follow_bar
    # Two follow it now: the author (posting follows) and Carol.
    assert re.search(r"\b2\b", follow_bar.split("</form>")[1] if "</form>" in follow_bar else follow_bar)
    # Then: the person (with the bell and content version), and the idea with her vote and the follow summary.
    reads = [s for s in statements if s.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE")]
    assert len(reads) == 2, "\n".join(reads)


def test_a_member_can_comment_with_the_form_of_a_shared_page(app, clients, idea_page, monkeypatch):
    path, idea_id, _ = idea_page
    with app.app_context():
        alice, bob = make_user(), make_user()
    as_alice, as_bob = clients(alice), clients(bob)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    as_alice.get(path, follow_redirects=True)
    page = as_bob.get(path, follow_redirects=True).get_data(as_text=True)
    form = page[page.index('id="comment-form"'):]
    form = form[:form.index("</form>")]
    fields = dict(re.findall(r'name="(csrf_token|form_shown|website_url)"[^>]*value="([^"]*)"', form))
    assert set(fields) == {"csrf_token", "form_shown", "website_url"}

    response = as_bob.post(f"/ideas/{idea_id}/comments", data={**fields, "body": "Warmer light, please"})

    assert response.status_code == 302
    assert "Warmer light, please" in as_alice.get(path, follow_redirects=True).get_data(as_text=True)


def test_the_author_sees_their_own_controls_and_others_do_not(app, clients, idea_page):
    path, _, author = idea_page
    with app.app_context():
        member = make_user()
    for _ in range(2):
        assert ">Edit</a>" in clients(author).get(path, follow_redirects=True).get_data(as_text=True)
        assert ">Edit</a>" not in clients(member).get(path, follow_redirects=True).get_data(as_text=True)


def test_an_unconfirmed_member_is_asked_to_confirm_their_own_address(app, clients, idea_page, monkeypatch):
    path, _, _ = idea_page
    monkeypatch.setitem(app.config, "REQUIRE_EMAIL_VERIFICATION", True)
    with app.app_context():
        first, second = make_user(verified=False), make_user(verified=False)
        first_email, second_email = first.email, second.email
    assert first_email in clients(first).get(path, follow_redirects=True).get_data(as_text=True)
    page = clients(second).get(path, follow_redirects=True).get_data(as_text=True)
    assert "Confirm your email address to join the discussion" in page
    assert second_email in page and first_email not in page


def test_a_page_that_printed_its_viewers_token_is_never_shared(app, clients, idea_page, monkeypatch, caplog):
    from flask import render_template

    import portal.ideas.pages as pages
    from portal.ideas.forms import CommentForm

    # As if a template printed the real token where a slot belongs (here, the comment form's hidden field).
    monkeypatch.setattr(pages, "_slotted_comment_form", lambda idea: render_template(
        "ideas/_comment_form.html", idea=idea, form=CommentForm(), reply_to=None))
    path, _, _ = idea_page
    with app.app_context():
        alice, bob = make_user(), make_user()
    as_alice, as_bob = clients(alice), clients(bob)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    alices = as_alice.get(path, follow_redirects=True).get_data(as_text=True)
    bobs = as_bob.get(path, follow_redirects=True).get_data(as_text=True)

    alice_token = re.search(r'<meta name="csrf-token" content="([^"]+)"', alices)[1]
    bob_token = re.search(r'<meta name="csrf-token" content="([^"]+)"', bobs)[1]
    assert alice_token != bob_token and alice_token not in bobs
    assert "printed the viewer's CSRF token" in caplog.text


def test_the_bell_follows_notifications_read_without_a_content_write(app, clients, product_page):
    path, ideas = product_page
    with app.app_context():
        author = db.session.get(Idea, ideas[0]).author
        make_comment(make_user(), db.session.get(Idea, ideas[0]), "Lovely idea")  # tells the author
    as_author = clients(author)

    page = as_author.get(path).get_data(as_text=True)
    before, token = _header(page), re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert as_author.post("/notifications/read", data={"csrf_token": token.group(1)}).status_code == 302
    after = _header(as_author.get(path).get_data(as_text=True))

    assert "1 unread" in before and "unread" not in after
    assert "<!--slot:" not in before + after and token.group(1) in before


def test_a_request_forgets_the_votes_it_read_with_the_idea(app, clients, idea_page):
    """An application context that outlives its requests (tests, CLI) must not keep one request's answers."""
    from portal.ideas.queries import voted_idea_ids
    from portal.notifications.queries import follow_summary

    path, idea_id, _ = idea_page
    with app.app_context():
        erin = make_user(display_name="Erin Eads")
        erin_id = erin.id
    as_erin = clients(erin)
    with app.app_context():
        page = as_erin.get(path, follow_redirects=True).get_data(as_text=True)
        assert 'aria-pressed="false"' in page.split('class="idea-vote"')[1].split("</form>")[0]
        erin = db.session.get(User, erin_id)
        idea = db.session.get(Idea, idea_id)
        idea_services.cast_vote(erin, idea)
        with app.test_request_context("/"):
            assert voted_idea_ids(erin, [idea_id]) == {idea_id}
            assert follow_summary(erin, idea).following
