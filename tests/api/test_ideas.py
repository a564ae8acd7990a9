"""Ideas over the API: list, get, create, edit, delete, with the site's rules for every role."""

from __future__ import annotations

from portal.extensions import db
from portal.ideas.models import Idea
from tests.factories import make_idea, make_prototype, make_user


def test_a_customer_posts_an_idea_and_it_starts_with_their_vote(api_as, customer):
    prototype = make_prototype()
    response = api_as(customer).post("/ideas", {"prototype_id": prototype.id, "title": "Longer battery life",
                                               "body": "Make it **last** a school day."})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["title"] == "Longer battery life"
    assert body["body_html"] == "<p>Make it <strong>last</strong> a school day.</p>"
    assert body["vote_count"] == 1 and body["voted"] is True
    assert body["author"]["id"] == customer.id
    assert response.headers["Location"].endswith(f"/api/v1/ideas/{body['id']}")
    assert db.session.get(Idea, body["id"]).author_id == customer.id


def test_anyone_reads_an_idea_but_a_hidden_one_is_not_found_outside_the_team(api_as, customer, designer):
    idea = make_idea(title="Bigger trackpad")
    assert api_as(None).get(f"/ideas/{idea.id}").json["title"] == "Bigger trackpad"
    api_as(designer).post(f"/ideas/{idea.id}/hide", {"reason": "Spam link"})
    missing = api_as(customer).get(f"/ideas/{idea.id}")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert api_as(designer).get(f"/ideas/{idea.id}").json["hidden"] is True


def test_a_closed_prototype_refuses_ideas(api_as, customer):
    prototype = make_prototype(open_for_feedback=False)
    response = api_as(customer).post("/ideas", {"prototype_id": prototype.id, "title": "Another idea"})
    assert response.status_code == 403
    assert response.json["detail"] == "This prototype is not open for feedback."


def test_editing_someone_elses_idea_is_forbidden_but_the_team_may(api_as, customer, designer):
    idea = make_idea(title="Original title")
    assert api_as(customer).patch(f"/ideas/{idea.id}", {"title": "Hijacked"}).status_code == 403
    response = api_as(designer).patch(f"/ideas/{idea.id}", {"title": "Clearer title"})
    assert response.status_code == 200
    assert response.json["title"] == "Clearer title" and response.json["edited_at"] is not None


def test_an_author_deletes_their_idea(api_as):
    author = make_user()
    idea = make_idea(author)
    assert api_as(author).delete(f"/ideas/{idea.id}").status_code == 204
    assert api_as(author).get(f"/ideas/{idea.id}").status_code == 404
