"""CSRF on every state-changing route, forms and JavaScript alike; and no GET route changes anything."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select, text

from portal.accounts import tokens
from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment, Idea
from portal.prototypes.models import Product, Prototype
from tests.factories import PASSWORD, make_idea, make_user

# POST routes that take no CSRF token, each on purpose.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST with no cookie and no token; the signed token in the
    # URL is the authorisation, and all it can do is turn mail off for the person the link was sent to.
    "notifications.unsubscribe",
}
CSRF_REFUSAL = "This form had expired or was not sent from this site"


def _post_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())]


def _url(app, rule) -> str:
    return app.url_map.bind("localhost").build(rule.endpoint, dict.fromkeys(rule.arguments, 1), method="POST")


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _sign_in(client, user) -> str:
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, "signing in with a token should work"
    return _token(client.get("/settings/profile").get_data(as_text=True))


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def _api_refused(response) -> bool:
    """The JSON API takes a bearer token, which no browser sends on its own; with only the session cookie, a write
    needs the X-CSRFToken header (portal/api/auth.py)."""
    if response.status_code == 401:
        return response.headers["WWW-Authenticate"].startswith("Bearer")
    return response.status_code == 403 and "X-CSRFToken" in response.get_json()["detail"]


def _refused_without_token(client, app) -> list[str]:
    let_through = []
    for rule in _post_rules(app):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        response = client.post(_url(app, rule), data={"body": "x", "action": "add"})
        if rule.rule.startswith("/api/v1/"):
            refused = _api_refused(response)
        else:
            refused = response.status_code == 400 and CSRF_REFUSAL in response.get_data(as_text=True)
        if not refused:
            let_through.append(f"{rule.endpoint} answered {response.status_code}")
    return let_through


def test_every_post_route_refuses_a_request_without_a_token(csrf_app):
    assert _refused_without_token(csrf_app.test_client(), csrf_app) == []


def test_every_post_route_refuses_a_signed_in_admin_without_a_token(app, csrf_app):
    with app.app_context():
        admin = make_user(role="admin")
    client = csrf_app.test_client()
    _sign_in(client, admin)

    assert _refused_without_token(client, csrf_app) == []


def test_the_exempt_list_is_exactly_the_routes_without_csrf(csrf_app):
    client = csrf_app.test_client()
    exempt = {rule.endpoint for rule in _post_rules(csrf_app) if not rule.rule.startswith("/api/v1/")
              and CSRF_REFUSAL not in client.post(_url(csrf_app, rule)).get_data(as_text=True)}
    assert exempt == CSRF_EXEMPT


def test_a_token_from_another_session_is_refused(app, csrf_app):
    with app.app_context():
        idea = make_idea()
        voter = make_user()
    stranger_token = _token(csrf_app.test_client().get("/login").get_data(as_text=True))
    client = csrf_app.test_client()
    _sign_in(client, voter)

    response = client.post(f"/ideas/{idea.id}/vote", data={"action": "add"},
                           headers={"Accept": "application/json", "X-CSRFToken": stranger_token})

    assert response.status_code == 400


def test_the_site_script_votes_with_the_token_in_a_header(app, csrf_app):
    with app.app_context():
        idea = make_idea()
        voter = make_user()
    client = csrf_app.test_client()
    token = _sign_in(client, voter)

    response = client.post(f"/ideas/{idea.id}/vote", data={"action": "add"},
                           headers={"Accept": "application/json", "X-CSRFToken": token})

    assert response.status_code == 200
    assert response.get_json() == {"voted": True, "vote_count": 2}


# GET never changes state ----------------------------------------------------------------------------------------

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|TRUNCATE)\b", re.IGNORECASE)


def _first_id(model) -> int:
    return db.session.scalar(select(func.min(model.id))) or 1


def _link_token(endpoint: str) -> str | None:
    """Working tokens for the emailed account links (confirm an address, reset a password, change an address)."""
    user = db.session.get(User, _first_id(User))
    makers = {"accounts.verify_email": lambda: tokens.verification_token(user),
              "accounts.reset_password": lambda: tokens.reset_token(user),
              "accounts.confirm_email_change": lambda: tokens.email_change_token(user, "new-address@example.com")}
    return makers[endpoint]() if endpoint in makers else None


def _arguments(rule) -> dict[str, object]:
    """Real ids and slugs from the seeded data, so each GET reaches its real page rather than a 404."""
    from portal.exports.models import ImportBatch
    from portal.notifications.tokens import make_token
    from portal.webhooks.models import WebhookDelivery, WebhookEndpoint

    idea = db.session.scalar(select(Idea).where(Idea.merged_into_id.is_(None), Idea.hidden_at.is_(None))
                             .order_by(Idea.id).limit(1))
    values = {
        "idea_id": idea.id, "user_id": _first_id(User), "comment_id": _first_id(Comment),
        "filename": "css/portal.css", "name": "0123456789abcdef0123456789abcdef.png",
        "slug": (db.session.scalar(select(Prototype.slug).limit(1)) if rule.rule.startswith("/prototypes")
                 else db.session.scalar(select(Product.slug).limit(1))),
        "token": _link_token(rule.endpoint) or make_token(_first_id(User)),
        "endpoint_id": _first_id(WebhookEndpoint), "delivery_id": _first_id(WebhookDelivery),
        "batch_id": _first_id(ImportBatch),
    }
    for name in rule.arguments:
        if name not in values and name.endswith("_id"):
            table = db.metadata.tables.get(name[:-3])
            values[name] = (db.session.scalar(select(func.min(table.c.id))) if table is not None else None) or 1
    return {name: values[name] for name in rule.arguments}


def _webhook_and_import_rows(admin: User) -> None:
    """An endpoint with a delivery and an uploaded import, so their pages are walked for real (the demo has none)."""
    from portal.exports.models import ImportBatch
    from portal.webhooks.models import WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint(url="https://hooks.example.com/in", events="idea.created", secret="whsec_test")
    db.session.add(endpoint)
    db.session.flush()
    db.session.add(WebhookDelivery(uid="evt_test", endpoint_id=endpoint.id, event="idea.created", payload="{}"))
    db.session.add(ImportBatch(actor_id=admin.id, filename="ideas.csv", content="title\nAn imported idea\n"))
    db.session.commit()


def _row_counts() -> dict[str, int]:
    return {table: db.session.scalar(text(f'SELECT count(*) FROM "{table}"'))
            for table in db.metadata.tables}


def test_no_get_route_changes_anything_for_a_signed_in_admin(app, client, auth):
    from portal.demo.seed import seed_demo

    with app.app_context():
        seed_demo()
        admin = db.session.scalar(select(User).where(User.role == "admin").limit(1))
        _webhook_and_import_rows(admin)
        auth.login(admin.email, "demo-password")
        paths = [(rule.endpoint, app.url_map.bind("localhost").build(rule.endpoint, _arguments(rule)))
                 for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())]
        before = _row_counts()
        engine = db.engine
    writes: list[str] = []

    def _record(conn, cursor, statement, *args):
        if _WRITE.match(statement):
            writes.append(statement.split("\n")[0][:80])

    event.listen(engine, "before_cursor_execute", _record)
    try:
        statuses = {}
        for endpoint, path in paths:
            response = client.get(path)
            statuses[endpoint] = response.status_code
            response.close()
    finally:
        event.remove(engine, "before_cursor_execute", _record)

    with app.app_context():
        assert _row_counts() == before
    assert writes == [], f"GET requests wrote to the database: {writes}"
    assert statuses["ideas.show"] in (200, 301) and statuses["triage.inbox"] == 200
    not_pages = {endpoint: status for endpoint, status in statuses.items() if status != 200}
    assert len(not_pages) <= 12, f"nearly every GET should reach a real page: {not_pages}"
