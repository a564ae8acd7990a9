"""Who may open the admin pages and who may post to them: one matrix for every page, role and action."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.moderation.services import ban_user
from portal.triage.services import save_tag
from tests.factories import make_user

PAGES = {
    "/admin/statuses": "admin",
    "/admin/statuses/{status}/edit": "admin",
    "/admin/tags": "designer",
    "/admin/tags/{tag}/edit": "designer",
    "/admin/audit": "admin",
    "/admin/settings": "admin",
    "/admin/users": "admin",
    "/admin/users/{person}/ban": "admin",
}
RANK = {"customer": 0, "developer": 1, "designer": 2, "admin": 3}

POSTS = [
    ("/admin/statuses", {"name": "Sneaky", "color": "#000000", "kind": "open"}),
    ("/admin/statuses/{status}/edit", {"name": "Renamed", "color": "#000000", "kind": "closed"}),
    ("/admin/statuses/{status}/move", {"direction": "down"}),
    ("/admin/statuses/{status}/retire", {}),
    ("/admin/statuses/{status}/unretire", {}),
    ("/admin/statuses/{unused_status}/delete", {}),
    ("/admin/tags", {"name": "Sneaky", "color": "#000000"}),
    ("/admin/tags/{tag}/edit", {"name": "Renamed", "color": "#000000", "internal": "y"}),
    ("/admin/tags/{tag}/delete", {}),
    ("/admin/settings", {"hold_first_posts": "y"}),
    ("/admin/users/{person}/ban", {"ban-{person}-reason": "Because I can", "ban-{person}-hide_content": "y"}),
    ("/admin/users/{banned}/unban", {}),
]


@pytest.fixture
def ids(app, people, statuses) -> dict[str, int]:
    with app.app_context():
        admin = db.session.merge(people["admin"])
        tag = save_tag(admin, None, name="Battery", color="#15803d", internal=False)
        banned = make_user()
        ban_user(admin, banned, "Spam everywhere")
        return {"status": statuses["Under review"], "unused_status": statuses["Shipped"], "tag": tag.id,
                "person": people["customer"].id, "banned": banned.id}


def _fill(template: str, ids: dict) -> str:
    return template.format(**ids)


def _sends_to_login(response, path: str) -> bool:
    if response.status_code not in (302, 303):
        return False
    target = urlsplit(response.headers["Location"])
    return target.path == "/login" and parse_qs(target.query).get("next") == [path]


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, ids, page):
    url = _fill(page, ids)

    assert _sends_to_login(client.get(url), url)


@pytest.mark.parametrize("role", RANK)
@pytest.mark.parametrize("page", PAGES)
def test_each_role_gets_the_intended_answer(client, auth, people, ids, page, role):
    auth.login(people[role])

    response = client.get(_fill(page, ids))

    expected = 200 if RANK[role] >= RANK[PAGES[page]] else 403
    assert response.status_code == expected, (page, role)


@pytest.mark.parametrize("role", ["customer", "developer"])
@pytest.mark.parametrize(("path", "data"), POSTS, ids=[p for p, _ in POSTS])
def test_a_customer_or_developer_posting_gets_403_and_nothing_changes(app, client, auth, people, ids, path, data,
                                                                       role):
    auth.login(people[role])
    before = _audit_count(app)

    response = client.post(_fill(path, ids), data={_fill(k, ids): v for k, v in data.items()})

    assert response.status_code == 403
    assert _audit_count(app) == before  # every admin action is audited, so no entry means no change


@pytest.mark.parametrize(("path", "data"), [(p, d) for p, d in POSTS if not p.startswith("/admin/tags")],
                         ids=[p for p, _ in POSTS if not p.startswith("/admin/tags")])
def test_a_designer_posting_to_admin_only_actions_gets_403(app, client, auth, people, ids, path, data):
    auth.login(people["designer"])
    before = _audit_count(app)

    response = client.post(_fill(path, ids), data={_fill(k, ids): v for k, v in data.items()})

    assert response.status_code == 403
    assert _audit_count(app) == before


@pytest.mark.parametrize(("path", "data"), POSTS, ids=[p for p, _ in POSTS])
def test_a_post_without_a_csrf_token_is_refused(app, client, auth, people, ids, path, data, monkeypatch):
    auth.login(people["admin"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = _audit_count(app)

    response = client.post(_fill(path, ids), data={_fill(k, ids): v for k, v in data.items()})

    assert response.status_code == 400
    assert _audit_count(app) == before


@pytest.mark.parametrize("page", ["/admin/statuses", "/admin/tags", "/admin/settings", "/admin/users",
                                  "/admin/users/{person}/ban", "/admin/statuses/{status}/edit"])
def test_every_form_on_the_admin_pages_carries_a_csrf_token(app, client, auth, people, ids, page, monkeypatch):
    auth.login(people["admin"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    text = client.get(_fill(page, ids)).get_data(as_text=True)

    forms = re.findall(r'<form method="post".*?</form>', text, re.S)
    assert len(forms) >= 2  # the page's own forms and the header's sign-out
    assert all(re.search(r'name="(ban-\d+-)?csrf_token"', form) for form in forms)


def test_designers_see_a_tags_link_admins_the_admin_link(client, auth, people):
    auth.login(people["designer"])
    designer_home = client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(people["admin"])
    admin_page = client.get("/admin/users").get_data(as_text=True)

    assert 'href="/admin/tags">Tags</a>' in designer_home and 'href="/admin/users"' not in designer_home
    assert 'aria-label="Admin pages"' in admin_page
    for path in ("/admin/statuses", "/admin/tags", "/admin/audit", "/admin/settings"):
        assert f'href="{path}"' in admin_page
