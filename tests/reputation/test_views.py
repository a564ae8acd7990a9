"""Reputation over HTTP: the helpful toggle on comments, the formula page, leaderboards and the profile section."""

from __future__ import annotations

from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Idea
from portal.reputation.models import HelpfulMark
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import make_comment, make_idea, make_user


def _setup(app):
    with app.app_context():
        author, helper = make_user(display_name="Ida Author"), make_user(display_name="Hal Helper")
        idea = make_idea(author, title="Offline maps for field trips")
        comment = make_comment(helper, idea, "Try the OpenStreetMap extracts.")
        return author.email, helper.email, idea.id, comment.id, helper.id


def test_the_author_marks_a_comment_helpful_and_everyone_sees_it(app, client, auth):
    author, helper, idea_id, comment_id, helper_id = _setup(app)
    auth.login(author)
    page = client.get(f"/ideas/{idea_id}", follow_redirects=True).data.decode()
    assert "Mark helpful" in page
    response = client.post(f"/comments/{comment_id}/helpful", data={"action": "mark"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#comment-{comment_id}")
    auth.logout()
    page = client.get(f"/ideas/{idea_id}", follow_redirects=True).data.decode()
    assert "✓ Helpful" in page and "Mark helpful" not in page
    profile = client.get(f"/people/{helper_id}").data.decode()
    assert 'class="rep-total">5<' in profile and "helpful comment" in profile
    auth.login(author)
    client.post(f"/comments/{comment_id}/helpful", data={"action": "unmark"})
    with app.app_context():
        assert db.session.get(HelpfulMark, comment_id) is None


def test_others_cannot_mark_and_guests_are_sent_to_sign_in(app, client, auth):
    _, helper, idea_id, comment_id, _ = _setup(app)
    assert client.post(f"/comments/{comment_id}/helpful").status_code == 302  # to sign in
    auth.login(helper)  # the comment's own author
    assert "Mark helpful" not in client.get(f"/ideas/{idea_id}", follow_redirects=True).data.decode()
    assert client.post(f"/comments/{comment_id}/helpful", data={"action": "mark"}).status_code == 403
    with app.app_context():
        stranger = make_user().email
    auth.login(stranger)
    assert client.post(f"/comments/{comment_id}/helpful", data={"action": "mark"}).status_code == 403
    assert client.post("/comments/999999/helpful").status_code == 404
    with app.app_context():
        assert db.session.get(HelpfulMark, comment_id) is None


def test_marking_needs_a_post(client, app):
    _, _, _, comment_id, _ = _setup(app)
    assert client.get(f"/comments/{comment_id}/helpful").status_code == 405


def test_formula_page_lists_every_rule_and_badge(client):
    page = client.get("/reputation").data.decode()
    for text in ("Idea that shipped", "+10", "Helpful comment", "Introduction both accepted", "Invitee who contributed",
                 "up to 50", "First idea shipped", "Connector", "First to answer a newcomer", "Trusted standing"):
        assert text in page


def test_profile_shows_shipped_ideas_and_badges(app, client):
    with app.app_context():
        author = make_user(display_name="Shipper")
        idea = make_idea(author, title="Brighter screen")
        initial_status()
        set_status(make_user(role="designer"), db.session.get(Idea, idea.id), status_by_name("Shipped"))
        author_id = author.id
    page = client.get(f"/people/{author_id}").data.decode()
    assert "First idea shipped" in page and "Brighter screen" in page and 'class="rep-total">10<' in page


def test_leaderboard_filters_and_bad_parameters(app, client):
    with app.app_context():
        voter = make_user(display_name="Vera Voter")
        idea_services.cast_vote(voter, db.session.get(Idea, make_idea().id))
    page = client.get("/reputation/leaderboard?period=all").data.decode()
    assert "Vera Voter" in page
    for query in ("period=decade", "product=nope", "period=%00", "product=" + "x" * 3000):
        assert client.get(f"/reputation/leaderboard?{query}").status_code == 200
    assert "Nobody has earned points" in client.get("/reputation/leaderboard?product=nope&period=week").data.decode() \
        or "Vera Voter" in client.get("/reputation/leaderboard?product=nope&period=week").data.decode()
