"""Authorization over HTTP: every route × every role on someone else's things, id-editing, and mass-assignment.

tests/test_routes.py checks that every POST is behind sign-in and that team pages are closed; this walks every
route and method as each role, with URL ids that belong to another person, and checks the answers and the rows.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.notifications.models import Notification
from portal.triage import services as triage
from portal.triage import statuses
from portal.triage.models import Status
from tests.factories import PASSWORD, make_comment, make_idea, make_prototype, make_user
from tests.screens.helpers import make_screen, pin_at
from tests.test_routes import PUBLIC_POST

ROLES = ("guest", "customer", "developer", "designer", "admin")

# Pages anyone may read.
PUBLIC_GET = {
    "core.home", "core.healthz", "core.cover", "static", "ideas.show", "search.search", "search.similar",
    "accounts.login", "accounts.signup", "accounts.check_email", "accounts.forgot_password", "accounts.reset_password",
    "accounts.verify_email", "accounts.confirm_email_change", "accounts.profile", "notifications.unsubscribe",
    "prototypes.product", "prototypes.prototype", "roadmap.index", "roadmap.product", "roadmap.changelog_index",
    "roadmap.product_changelog", "seo.robots", "seo.sitemap", "mentions.suggest", "screens.show", "screens.image",
    "network.vcard", "api_pages.documentation", "invitations.show", "people.index", "people.network_page",
    "reputation.about", "reputation.leaderboard",
} | {"api." + name for name in ("openapi_document", "list_products", "get_product", "list_prototypes", "get_prototype",
                               "list_ideas", "similar", "get_idea", "list_comments", "list_statuses", "list_tags")
     } | {"feeds." + name for name in ("changelog", "site_ideas", "idea_status", "product_changelog", "product_ideas",
                                  "prototype_ideas")}
# Endpoints a signed-in customer must be refused (403, or 404 where the thing is hidden from them).
TEAM_PREFIXES = ("admin.", "triage.", "idea_triage.", "moderation.", "webhooks.")
TEAM_ENDPOINTS = {"prototypes.new_product", "prototypes.edit_product", "prototypes.new_prototype",
                  "prototypes.edit_prototype", "network.introduce"} | {"exports." + name for name in (
                      "ideas_csv", "template", "import_upload", "import_preview", "import_confirm", "import_next",
                      "import_status")} | {
                      "screens." + name for name in (
                      "new", "edit", "replace", "move", "delete", "new_version", "resolve_pin")}
# Would end the session the walk runs in; tests/accounts covers them.
SKIP = {"accounts.logout", "accounts.sign_out_everywhere"}


def _is_team_endpoint(endpoint: str) -> bool:
    return endpoint.startswith(TEAM_PREFIXES) or endpoint in TEAM_ENDPOINTS


def _to_login(response) -> bool:
    return response.status_code in (302, 303) and urlsplit(response.headers["Location"]).path == "/login"


@pytest.fixture
def world(app):
    """An owner's idea, comment, notification and profile, plus a tag and status, all someone else's."""
    with app.app_context():
        statuses.initial_status()
        owner = make_user(email="owner@example.org", display_name="Owner")
        admin = make_user(role="admin", email="boss@example.org")
        prototype = make_prototype()
        idea = make_idea(author=owner, prototype=prototype, title="Owner's idea", body="Owner's body")
        commenter = make_user(email="commenter@example.org")
        comment = make_comment(owner, idea, "Owner's comment")
        make_comment(commenter, idea, "Someone replies")  # the owner follows their idea: a notification
        tag = triage.save_tag(admin, None, name="Internal tag", color="#123456", internal=True)
        status = db.session.scalar(select(Status).order_by(Status.id.desc()).limit(1))
        note = db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
        assert note is not None
        screen = make_screen(prototype, designer=admin)
        pin = pin_at(owner, screen, idea)
        return {"owner": owner.id, "idea": idea.id, "comment": comment.id, "notification": note.id, "tag": tag.id,
                "status": status.id, "prototype": prototype.slug, "product": prototype.product.slug,
                "screen": screen.id, "pin": pin.id, "product_id": prototype.product_id, "prototype_id": prototype.id}


def _url_values(rule, world: dict) -> dict:
    values = {"idea_id": world["idea"], "comment_id": world["comment"], "notification_id": world["notification"],
              "user_id": world["owner"], "tag_id": world["tag"], "status_id": world["status"], "message_id": 1,
              "token": "not-a-real-token", "name": "nothing.png", "filename": "nothing.css", "slug": "x",
              "screen_id": world["screen"], "pin_id": world["pin"], "connection_id": 1,
              "product_id": world["product_id"], "prototype_id": world["prototype_id"], "token_id": 1,
              "endpoint_id": 1, "delivery_id": 1, "batch_id": 1}
    if "slug" in rule.arguments:
        on_prototype = "prototype" in rule.endpoint or rule.endpoint.startswith("screens.")
        values["slug"] = world["prototype"] if on_prototype else world["product"]
    values = {k: v for k, v in values.items() if k in rule.arguments}
    assert set(values) == set(rule.arguments), f"no sample value for {rule.endpoint}: {rule.arguments}"
    return values


def _requests(app, world):
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            yield rule, method, adapter.build(rule.endpoint, _url_values(rule, world), method=method)


def _signed_in_client(app, role: str):
    client = app.test_client()
    if role != "guest":
        with app.app_context():
            make_user(role=role, email=f"walker-{role}@example.org")
        client.post("/login", data={"email": f"walker-{role}@example.org", "password": PASSWORD})
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_route_as_every_role_on_someone_elses_things(app, world, role):
    client = _signed_in_client(app, role)
    wrong = []
    for rule, method, url in _requests(app, world):
        response = client.open(url, method=method)
        status, endpoint = response.status_code, rule.endpoint
        if status >= 500:
            wrong.append(f"{method} {url} ({endpoint}) -> {status}")
        elif role == "guest":
            public = endpoint in (PUBLIC_POST if method == "POST" else PUBLIC_GET)
            if not public and not (_to_login(response) or status in (401, 403, 404)):
                wrong.append(f"{method} {url} ({endpoint}) -> {status} for a guest")
        elif role == "customer" and _is_team_endpoint(endpoint) and status not in (403, 404):
            wrong.append(f"{method} {url} ({endpoint}) -> {status} for a customer")
        elif role != "guest" and _to_login(response) and endpoint not in PUBLIC_GET | PUBLIC_POST:
            wrong.append(f"{method} {url} ({endpoint}) sent a signed-in {role} to sign in")
    assert not wrong, "\n".join(wrong)


def test_the_walk_covers_every_endpoint(app, world):
    walked = {rule.endpoint for rule, _method, _url in _requests(app, world)}

    assert walked | SKIP == {rule.endpoint for rule in app.url_map.iter_rules()}


def test_the_public_lists_name_real_endpoints(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}

    assert endpoints >= PUBLIC_GET | TEAM_ENDPOINTS


# --- editing ids in URLs and forms to reach others' things ------------------------------------------------

def _snapshot(app, world) -> dict:
    with app.app_context():
        idea, comment = db.session.get(Idea, world["idea"]), db.session.get(Comment, world["comment"])
        owner, note = db.session.get(User, world["owner"]), db.session.get(Notification, world["notification"])
        return {"idea": (idea.title, idea.body, idea.deleted_at if hasattr(idea, "deleted_at") else None,
                         idea.status_id, idea.hidden_at, idea.comments_locked),
                "comment": (comment.body, comment.deleted_at, comment.hidden_at),
                "owner": (owner.display_name, owner.company, owner.bio, owner.role, owner.email, owner.banned_at),
                "notification": note.read_at}


TEAM_MAY = ("/ideas/{idea}/edit", "/ideas/{idea}/hide", "/comments/{comment}/hide", "/ideas/{idea}/lock")


@pytest.mark.parametrize("role", ["customer", "developer"])
@pytest.mark.parametrize(("method", "path", "data"), [
    ("GET", "/ideas/{idea}/edit", {}),
    ("POST", "/ideas/{idea}/edit", {"title": "Taken over", "body": "Mine now"}),
    ("POST", "/ideas/{idea}/delete", {}),
    ("GET", "/comments/{comment}/edit", {}),
    ("POST", "/comments/{comment}/edit", {"body": "Taken over"}),
    ("POST", "/comments/{comment}/delete", {}),
    ("POST", "/notifications/{notification}/read", {}),
    ("POST", "/ideas/{idea}/hide", {"reason": "x"}),
    ("POST", "/comments/{comment}/hide", {"reason": "x"}),
    ("POST", "/ideas/{idea}/lock", {}),
    ("POST", "/admin/users/{owner}/role", {"role": "admin"}),
    ("POST", "/admin/users/{owner}/ban", {"reason": "x"}),
])
def test_others_things_cannot_be_reached_by_editing_ids(app, client, auth, world, role, method, path, data):
    if role == "developer" and path.startswith(TEAM_MAY):
        pytest.skip("the team edits and moderates ideas (see tests/test_permissions.py)")
    with app.app_context():
        make_user(role=role, email="intruder@example.org")
    before = _snapshot(app, world)
    auth.login("intruder@example.org")

    response = client.open(path.format(**world), method=method, data=data)

    assert response.status_code in (403, 404), response.status_code
    assert _snapshot(app, world) == before


def test_marking_anothers_notification_read_leaves_it_unread(app, client, auth, world):
    with app.app_context():
        make_user(email="intruder@example.org")
    auth.login("intruder@example.org")

    response = client.post(f"/notifications/{world['notification']}/read", headers={"Accept": "application/json"})

    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Notification, world["notification"]).read_at is None


@pytest.mark.parametrize("id_field", ["id", "user_id", "author_id"])
def test_posting_anothers_id_to_the_profile_form_changes_only_your_own(app, client, auth, world, id_field):
    with app.app_context():
        me = make_user(email="intruder@example.org", display_name="Intruder").id
    before = _snapshot(app, world)
    auth.login("intruder@example.org")

    response = client.post("/settings/profile", data={id_field: world["owner"], "display_name": "Renamed",
                                                      "company": "Hijack Ltd", "bio": "pwned"})

    assert response.status_code < 500
    assert _snapshot(app, world) == before
    with app.app_context():
        assert db.session.get(User, me).display_name == "Renamed"


def test_a_comment_cannot_be_moved_to_or_posted_on_another_idea_by_form_fields(app, client, auth, world):
    with app.app_context():
        mine = make_idea(author=make_user(email="intruder@example.org"), title="My own idea").id
    auth.login("intruder@example.org")

    client.post(f"/ideas/{mine}/comments", data={"body": "Hello", "idea_id": world["idea"],
                                                 "parent_id": world["comment"]})
    client.post(f"/comments/{world['comment']}/edit", data={"body": "Rewritten", "idea_id": mine})

    with app.app_context():
        posted = db.session.scalar(select(Comment).where(Comment.body == "Hello"))
        assert posted is None or (posted.idea_id == mine and posted.parent_id is None)
        assert db.session.get(Comment, world["comment"]).body == "Owner's comment"


# --- mass-assignment ---------------------------------------------------------------------------------------

EXTRA = {"role": "admin", "author_id": "1", "user_id": "1", "vote_count": "999", "comment_count": "999",
         "status_id": "", "is_contact": "1", "email_verified_at": "2020-01-01", "banned_at": "", "id": "1",
         "pending_approval": "0", "hidden_at": "", "session_version": "99", "assignee_id": "1",
         "comments_locked": "1", "internal": "1", "trending_score": "1e9"}


def test_sign_up_ignores_role_and_verification_fields(app, client):
    with app.app_context():
        app.config["REQUIRE_EMAIL_VERIFICATION"] = True
    try:
        client.post("/signup", data=EXTRA | {"email": "new@example.org", "display_name": "New", "password": PASSWORD})
    finally:
        app.config["REQUIRE_EMAIL_VERIFICATION"] = False

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@example.org"))
        assert user is not None
        assert (user.role, user.is_contact, user.email_verified_at, user.banned_at, user.session_version) == \
            ("customer", False, None, None, 1)


def test_the_profile_form_ignores_role_email_and_account_fields(app, client, auth):
    with app.app_context():
        me = make_user(email="me@example.org", verified=False).id
    auth.login("me@example.org")

    client.post("/settings/profile", data=EXTRA | {"display_name": "Me", "email": "boss@example.org"})

    with app.app_context():
        user = db.session.get(User, me)
        assert user.display_name == "Me"
        assert (user.role, user.email, user.is_contact, user.email_verified_at, user.banned_at) == \
            ("customer", "me@example.org", False, None, None)


def test_the_idea_forms_ignore_author_counts_status_and_moderation_fields(app, client, auth, world):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        planned = statuses.save_status(admin, None, name="Planned soon", color="#123456", kind="planned")
        me = make_user(email="me@example.org").id
        initial = statuses.initial_status().id
    auth.login("me@example.org")
    extra = EXTRA | {"author_id": world["owner"], "status_id": planned.id, "confirmed": "1"}

    client.post("/ideas/new", data=extra | {"prototype": world["prototype"], "title": "Posted with extras",
                                            "body": "Body"})
    with app.app_context():
        idea = db.session.scalar(select(Idea).where(Idea.title == "Posted with extras"))
        assert idea is not None
        idea_id = idea.id
        assert (idea.author_id, idea.vote_count, idea.comment_count, idea.status_id, idea.comments_locked,
                idea.assignee_id) == (me, 1, 0, initial, False, None)

    client.post(f"/ideas/{idea_id}/edit", data=extra | {"title": "Edited with extras", "body": "Body"})
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        assert idea.title == "Edited with extras"
        assert (idea.author_id, idea.vote_count, idea.comment_count, idea.status_id, idea.comments_locked,
                idea.assignee_id) == (me, 1, 0, initial, False, None)


def test_the_comment_form_ignores_author_and_moderation_fields(app, client, auth, world):
    with app.app_context():
        me = make_user(email="me@example.org").id
    auth.login("me@example.org")

    client.post(f"/ideas/{world['idea']}/comments", data=EXTRA | {"author_id": world["owner"], "body": "Extras",
                                                                  "deleted_at": "2020-01-01"})

    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.body == "Extras"))
        assert comment is not None
        assert (comment.author_id, comment.idea_id, comment.hidden_at, comment.deleted_at) == \
            (me, world["idea"], None, None)
