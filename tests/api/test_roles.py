"""Every API operation for every role, each with a token holding every scope: the site's own rules decide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Idea
from portal.moderation.services import ban_user
from portal.triage.services import merge_ideas, save_tag
from portal.triage.statuses import initial_status, status_by_name
from tests.api.conftest import Api, token_for
from tests.factories import make_comment, make_idea, make_prototype, make_user

ROLES = ("anonymous", "customer", "developer", "designer", "admin", "banned")


@dataclass
class World:
    product_id: int
    prototype_id: int
    idea_id: int
    other_idea_id: int
    comment_id: int
    tag_id: int
    planned_id: int
    developer_id: int


@pytest.fixture
def world(ctx) -> World:
    author = make_user()
    admin = make_user("admin")
    prototype = make_prototype()
    idea = make_idea(author, prototype, title="Longer battery life")
    other = make_idea(author, prototype, title="Battery that lasts longer")
    comment = make_comment(author, idea, "Two days would be great")
    initial_status()
    tag = save_tag(admin, None, name="battery", color="#2454d6", internal=False)
    developer = make_user("developer")
    return World(prototype.product_id, prototype.id, idea.id, other.id, comment.id, tag.id,
                 status_by_name("Planned").id, developer.id)


def _caller(role: str, client, world: World) -> Api:
    if role == "anonymous":
        return Api(client)
    if role == "developer":
        return Api(client, token_for(db.session.get(User, world.developer_id)))
    user = make_user("customer" if role == "banned" else role)
    token = token_for(user)
    if role == "banned":
        ban_user(make_user("admin"), user, "Spam")
    return Api(client, token)


def _call(api: Api, method: str, path: str, body: Any = None):
    return getattr(api, method.lower())(path, body) if body is not None or method in ("POST", "PUT", "PATCH") \
        else getattr(api, method.lower())(path)


# (method, path, body, expected status per role in ROLES order); "{name}" is filled from the world.
MATRIX: list[tuple[str, str, Any, tuple[int, ...]]] = [
    ("GET", "/products", None, (200, 200, 200, 200, 200, 403)),
    ("POST", "/products", {"name": "Kestrel tablet"}, (401, 403, 403, 201, 201, 403)),
    ("GET", "/products/{product_id}", None, (200, 200, 200, 200, 200, 403)),
    ("PATCH", "/products/{product_id}", {"tagline": "For schools"}, (401, 403, 403, 200, 200, 403)),
    ("GET", "/products/{product_id}/prototypes", None, (200, 200, 200, 200, 200, 403)),
    ("POST", "/products/{product_id}/prototypes", {"name": "Keyboard v2"}, (401, 403, 403, 201, 201, 403)),
    ("GET", "/prototypes/{prototype_id}", None, (200, 200, 200, 200, 200, 403)),
    ("PATCH", "/prototypes/{prototype_id}", {"stage": "pilot"}, (401, 403, 403, 200, 200, 403)),
    ("GET", "/ideas", None, (200, 200, 200, 200, 200, 403)),
    ("GET", "/ideas/similar?title=battery", None, (200, 200, 200, 200, 200, 403)),
    ("POST", "/ideas", {"prototype_id": "{prototype_id}", "title": "Solar charging"}, (401, 201, 201, 201, 201, 403)),
    ("GET", "/ideas/{idea_id}", None, (200, 200, 200, 200, 200, 403)),
    ("PATCH", "/ideas/{idea_id}", {"title": "A clearer title"}, (401, 403, 200, 200, 200, 403)),
    ("DELETE", "/ideas/{idea_id}", None, (401, 403, 403, 403, 204, 403)),
    ("PUT", "/ideas/{idea_id}/vote", None, (401, 200, 200, 200, 200, 403)),
    ("DELETE", "/ideas/{idea_id}/vote", None, (401, 200, 200, 200, 200, 403)),
    ("GET", "/ideas/{idea_id}/voters", None, (401, 403, 200, 200, 200, 403)),
    ("POST", "/ideas/{idea_id}/voters", {"email": "pat@example.org", "source": "Support call"},
     (401, 403, 200, 200, 200, 403)),
    ("GET", "/ideas/{idea_id}/comments", None, (200, 200, 200, 200, 200, 403)),
    ("POST", "/ideas/{idea_id}/comments", {"body": "Me too"}, (401, 201, 201, 201, 201, 403)),
    ("PATCH", "/comments/{comment_id}", {"body": "Edited"}, (401, 403, 403, 403, 403, 403)),
    ("DELETE", "/comments/{comment_id}", None, (401, 403, 403, 403, 204, 403)),
    ("POST", "/ideas/{idea_id}/status", {"status_id": "{planned_id}", "note": "Next term"},
     (401, 403, 403, 200, 200, 403)),
    ("PUT", "/ideas/{idea_id}/tags", {"tag_ids": ["{tag_id}"]}, (401, 403, 403, 200, 200, 403)),
    ("PUT", "/ideas/{idea_id}/assignee", {"assignee_id": "{developer_id}"}, (401, 403, 403, 200, 200, 403)),
    ("POST", "/ideas/{other_idea_id}/merge", {"original_id": "{idea_id}"}, (401, 403, 403, 200, 200, 403)),
    ("POST", "/ideas/{idea_id}/unmerge", None, (401, 403, 403, 409, 409, 403)),
    ("POST", "/ideas/{idea_id}/hide", {"reason": "Off topic"}, (401, 403, 200, 200, 200, 403)),
    ("POST", "/ideas/{idea_id}/restore", None, (401, 403, 200, 200, 200, 403)),
    ("GET", "/statuses", None, (200, 200, 200, 200, 200, 403)),
    ("GET", "/tags", None, (200, 200, 200, 200, 200, 403)),
    ("GET", "/me", None, (401, 200, 200, 200, 200, 403)),
    ("GET", "/me/notifications", None, (401, 200, 200, 200, 200, 403)),
    ("POST", "/me/notifications/read-all", None, (401, 200, 200, 200, 200, 403)),
]


def _fill(value: Any, world: World) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and "/" not in value:
        return getattr(world, value[1:-1])
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX,
                         ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_each_role_gets_what_the_site_allows(client, world, role, method, path, body, expected):
    api = _caller(role, client, world)
    response = _call(api, method, path.format(**vars(world)), _fill(body, world))
    want = expected[ROLES.index(role)]
    assert response.status_code == want, response.get_json()
    if want >= 400:
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == want
    if want == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_developer_moves_an_idea_assigned_to_them_between_delivery_statuses(client, world, ctx):
    designer = Api(client, token_for(make_user("designer")))
    designer.post(f"/ideas/{world.idea_id}/status", {"status_id": world.planned_id})
    designer.put(f"/ideas/{world.idea_id}/assignee", {"assignee_id": world.developer_id})
    developer = Api(client, token_for(db.session.get(User, world.developer_id)))
    active = status_by_name("In progress")
    response = developer.post(f"/ideas/{world.idea_id}/status", {"status_id": active.id, "note": "Started"})
    assert response.status_code == 200
    assert response.json["idea"]["status"]["name"] == "In progress"
    assert response.json["idea"]["assignee"]["id"] == world.developer_id


def test_a_merged_duplicate_cannot_be_merged_again(client, world, ctx):
    admin = make_user("admin")
    merge_ideas(admin, db.session.get(Idea, world.other_idea_id), db.session.get(Idea, world.idea_id))
    response = Api(client, token_for(admin)).post(f"/ideas/{world.other_idea_id}/merge",
                                                  {"original_id": world.idea_id})
    assert response.status_code == 409
    assert "already merged" in response.json["detail"]
