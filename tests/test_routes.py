"""Route-level gates: every state-changing endpoint is signed-in only unless listed public; team pages are closed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import make_product, make_prototype, make_user

# Endpoints that accept POST from someone not signed in, on purpose.
PUBLIC_POST = {
    "accounts.login",  # signing in is how you stop being anonymous
    "accounts.signup",  # so is creating an account
    "accounts.logout",  # harmless when signed out: it just redirects home
    "notifications.unsubscribe",  # the signed token in the link authorises it (RFC 8058 one-click, no cookies)
    "accounts.forgot_password",  # for people who cannot sign in; it says the same whether or not an account exists
    # Emailed links: the signed token authorises them, and they may be opened on a device that is not signed in.
    "accounts.confirm_verification",
    "accounts.reset_password",
    "accounts.apply_email_change",
    "invitations.show",  # joining through an emailed invitation: the signed, single-use token authorises it
}


def _post_rules(app):
    return [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())]


def _sample_url(app, rule) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, 1), method="POST")


def _sends_to_login(response, path: str) -> bool:
    if path.startswith("/api/v1/"):  # the JSON API asks for a token instead of redirecting
        return response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    target = urlsplit(response.headers["Location"])
    return target.path == "/login" and parse_qs(target.query).get("next") == [path]


def test_every_post_endpoint_requires_sign_in_or_is_listed_public(app, client):
    ungated = []
    for rule in _post_rules(app):
        if rule.endpoint in PUBLIC_POST:
            continue
        url = _sample_url(app, rule)
        response = client.post(url)
        if not _sends_to_login(response, url):
            ungated.append(f"{rule.endpoint} ({url}) answered {response.status_code}")

    assert not ungated, "POST endpoints neither behind sign-in nor in PUBLIC_POST: " + ", ".join(ungated)


def test_the_public_post_list_names_only_existing_post_endpoints(app):
    assert PUBLIC_POST.issubset(rule.endpoint for rule in _post_rules(app))


def test_the_route_walk_sees_the_state_changing_endpoints(app):
    gated = {rule.endpoint for rule in _post_rules(app)} - PUBLIC_POST

    assert {"ideas.vote", "ideas.comment", "ideas.delete", "prototypes.new_product",
            "admin.change_role"} <= gated


TEAM_ONLY_PAGES = [
    "/products/new",
    "/admin/users",
    "/products/{product}/edit",
    "/prototypes/{prototype}/edit",
    "/products/{product}/prototypes/new",
    "/prototypes/{prototype}/screens/new",
    "/prototypes/{prototype}/versions/new",
]


@pytest.fixture
def team_page(app, request):
    with app.app_context():
        prototype = make_prototype(make_product())
        slugs = {"product": prototype.product.slug, "prototype": prototype.slug}
    return request.param.format(**slugs)


@pytest.mark.parametrize("team_page", TEAM_ONLY_PAGES, indirect=True)
def test_a_signed_in_customer_is_refused_team_pages(app, client, auth, team_page):
    with app.app_context():
        customer = make_user(role="customer")
    auth.login(customer)

    assert client.get(team_page).status_code == 403


@pytest.mark.parametrize("team_page", TEAM_ONLY_PAGES, indirect=True)
def test_an_anonymous_visitor_is_sent_to_sign_in_from_team_pages(client, team_page):
    response = client.get(team_page)

    assert _sends_to_login(response, team_page), (response.status_code, response.headers.get("Location"))


@pytest.mark.parametrize("team_page", TEAM_ONLY_PAGES, indirect=True)
def test_an_admin_can_open_team_pages(app, client, auth, team_page):
    with app.app_context():
        admin = make_user(role="admin")
    auth.login(admin)

    assert client.get(team_page).status_code == 200


@pytest.mark.parametrize("team_page", [p for p in TEAM_ONLY_PAGES if not p.startswith("/admin")], indirect=True)
def test_a_developer_is_refused_product_pages_a_designer_is_not(app, client, auth, team_page):
    with app.app_context():
        developer, designer = make_user(role="developer"), make_user(role="designer")
    auth.login(developer)
    assert client.get(team_page).status_code == 403

    auth.logout()
    auth.login(designer)
    assert client.get(team_page).status_code == 200


def test_a_designer_is_refused_the_people_admin(app, client, auth):
    with app.app_context():
        designer = make_user(role="designer")
    auth.login(designer)

    assert client.get("/admin/users").status_code == 403
