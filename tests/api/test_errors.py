"""Errors are application/problem+json with the right status, per-field messages, and never a 500."""

from __future__ import annotations

import re

import pytest

from portal.ideas.models import TITLE_MAX
from portal.triage.services import merge_ideas
from tests.api.conftest import Api, token_for
from tests.factories import make_idea, make_prototype, make_user

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def _is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert set(body) >= PROBLEM_KEYS and body["status"] == status and body["type"] == "about:blank"
    return body


def test_validation_errors_name_each_field(api_as, customer):
    prototype = make_prototype()
    body = _is_problem(api_as(customer).post("/ideas", {"prototype_id": prototype.id, "title": "x" * (TITLE_MAX + 1),
                                                        "body": 5}), 422)
    assert set(body["errors"]) == {"title", "body"}
    assert body["instance"] == "/api/v1/ideas"


def test_a_service_rule_is_a_field_error_too(api_as, customer):
    prototype = make_prototype()
    body = _is_problem(api_as(customer).post("/ideas", {"prototype_id": prototype.id, "title": "Fine\u0007title"}),
                       422)
    assert body["errors"] == {"title": "This contains control characters. Please remove them."}


def test_an_unknown_prototype_is_a_field_error(api_as, customer):
    body = _is_problem(api_as(customer).post("/ideas", {"prototype_id": 999, "title": "A good idea"}), 422)
    assert body["errors"] == {"prototype_id": "There is no prototype with that id."}


def test_unknown_fields_are_refused_rather_than_ignored(api_as, customer):
    idea = make_idea(customer)
    body = _is_problem(api_as(customer).patch(f"/ideas/{idea.id}", {"title": "A new title", "vote_count": 999}), 422)
    assert "vote_count" in body["errors"]


@pytest.mark.parametrize("raw", [b"{", b"\xff\xfe", b'{"title": "abc"', b"[1, 2"])
def test_a_body_that_is_not_json_is_a_400(api_as, customer, raw):
    response = api_as(customer).client.post("/api/v1/ideas", data=raw, content_type="application/json",
                                            headers=api_as(customer).headers())
    _is_problem(response, 400)


@pytest.mark.parametrize("body", [b"null", b"[]", b'"text"', b"42"])
def test_a_body_that_is_not_an_object_is_a_422(api_as, customer, body):
    api = api_as(customer)
    _is_problem(api.client.post("/api/v1/ideas", data=body, content_type="application/json", headers=api.headers()),
                422)


def test_a_form_body_is_a_415(api_as, customer):
    api = api_as(customer)
    response = api.client.post("/api/v1/ideas", data={"title": "A form post"}, headers=api.headers())
    assert "Content-Type: application/json" in _is_problem(response, 415)["detail"]


def test_a_huge_body_is_a_413(api_as, customer):
    api = api_as(customer)
    response = api.client.post("/api/v1/ideas", data=b'{"title": "' + b"x" * 300_000 + b'"}',
                               content_type="application/json", headers=api.headers())
    _is_problem(response, 413)


def test_unknown_addresses_and_methods(api_as):
    api = api_as(None)
    _is_problem(api.get("/no-such-thing"), 404)
    _is_problem(api.get("/ideas/99999"), 404)
    _is_problem(api.get("/ideas/99999999999999999999"), 404)
    refused = _is_problem(api.client.put("/api/v1/ideas"), 405)
    assert refused["title"] == "Method not allowed"


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=lots", "sort=best", "product_id=-1",
                                   "cursor=%%%", "cursor=eyJrIjoib3RoZXIiLCJ2IjpbMV19", "tag_id=1e3"])
def test_bad_query_parameters_are_a_400(api_as, query):
    body = _is_problem(api_as(None).get(f"/ideas?{query}"), 400)
    assert body["errors"]


def test_deleting_an_idea_others_are_merged_into_is_a_conflict(api_as, ctx):
    admin = make_user("admin")
    prototype = make_prototype()
    original, duplicate = make_idea(prototype=prototype), make_idea(prototype=prototype)
    merge_ideas(admin, duplicate, original)
    body = _is_problem(api_as(admin).delete(f"/ideas/{original.id}"), 409)
    assert "merged into this one" in body["detail"]


def test_cookie_writes_need_the_csrf_header(app, client, auth):
    with app.app_context():
        user = make_user()
        prototype = make_prototype()
    auth.login(user)
    payload = {"prototype_id": prototype.id, "title": "Posted from the site"}
    refused = client.post("/api/v1/ideas", json=payload)
    assert "X-CSRFToken" in _is_problem(refused, 403)["detail"]
    assert client.get("/api/v1/me").json["id"] == user.id  # reads need no header
    # What the site's own JavaScript does: the token from the page's meta tag, in the X-CSRFToken header.
    page = client.get("/notifications").get_data(as_text=True)
    header = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    response = client.post("/api/v1/ideas", json=payload, headers={"X-CSRFToken": header})
    assert response.status_code == 201, response.json


def test_a_token_outranks_the_cookie(app, client, auth):
    with app.app_context():
        user, other = make_user(), make_user()
        email, other_id, secret = user.email, other.id, token_for(other, ("read",))
    auth.login(email)
    assert Api(client, secret).get("/me").json["id"] == other_id
