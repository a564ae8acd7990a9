"""Personal API tokens: made in settings and shown once, stored as a hash, scoped, revocable, stopped by a ban."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from portal.api.models import ApiToken
from portal.api.tokens import MAX_TOKENS, create_token, revoke_token
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.moderation.services import ban_user, unban_user
from tests.api.conftest import Api, token_for
from tests.factories import make_idea, make_prototype, make_user

SECRET = re.compile(r'value="(ptl_[A-Za-z0-9_-]{40,})"')


def test_only_a_hash_of_the_secret_is_stored(ctx):
    user = make_user()
    made = create_token(user, "Support desk", ["read", "write"])
    stored = db.session.scalar(select(ApiToken))
    assert made.secret.startswith("ptl_") and len(made.secret) > 40
    assert stored.token_hash == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in {stored.name, stored.prefix, stored.scopes}
    assert stored.prefix == made.secret[:10]
    assert stored.scopes == "read write"


def test_a_token_needs_a_name_and_known_scopes(ctx):
    user = make_user()
    with pytest.raises(ValidationError) as no_name:
        create_token(user, "   ", ["read"])
    assert "name" in no_name.value.errors
    with pytest.raises(ValidationError) as bad_scope:
        create_token(user, "Sync", ["read", "admin"])
    assert "scopes" in bad_scope.value.errors
    with pytest.raises(ValidationError):
        create_token(user, "Sync", [])


def test_a_person_can_hold_a_bounded_number_of_tokens(ctx):
    user = make_user()
    for n in range(MAX_TOKENS):
        create_token(user, f"Token {n}", ["read"])
    with pytest.raises(ValidationError):
        create_token(user, "One too many", ["read"])


def test_nobody_revokes_someone_elses_token(ctx):
    owner, other = make_user(), make_user()
    made = create_token(owner, "Mine", ["read"])
    with pytest.raises(NotFound):
        revoke_token(other, made.token.id)


def test_a_revoked_token_is_refused_with_401(client, ctx):
    user = make_user()
    made = create_token(user, "Old", ["read"])
    api = Api(client, made.secret)
    assert api.get("/me").status_code == 200
    revoke_token(user, made.token.id)
    response = api.get("/me")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert response.json["title"] == "Authentication required"


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer ptl_nonsense", "Bearer x" * 50,
                                    "Token abc"])
def test_a_malformed_or_unknown_token_is_refused_with_401(client, ctx, header):
    response = client.get("/api/v1/ideas", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_banned_persons_tokens_stop_working_and_return_with_an_unban(client, ctx):
    user, admin = make_user(), make_user("admin")
    api = Api(client, token_for(user))
    ban_user(admin, user, "Spam")
    refused = api.get("/ideas")
    assert refused.status_code == 403
    assert "banned" in refused.json["detail"]
    unban_user(admin, user)
    assert api.get("/ideas").status_code == 200


def test_a_token_lasts_through_a_password_change_and_sign_out_everywhere(client, ctx):
    user = make_user()
    api = Api(client, token_for(user))
    user.end_sessions()
    db.session.commit()
    assert api.get("/me").status_code == 200


def test_scopes_limit_what_a_token_may_do(client, ctx):
    designer = make_user("designer")
    idea = make_idea(prototype=make_prototype())
    read_only = Api(client, token_for(designer, ("read",)))
    refused = read_only.post(f"/ideas/{idea.id}/comments", {"body": "Hello"})
    assert refused.status_code == 403
    assert refused.json["detail"] == "This token does not have the `write` scope."
    writer = Api(client, token_for(designer, ("write",)))
    assert writer.get("/ideas").status_code == 403  # reading needs `read`
    assert writer.post(f"/ideas/{idea.id}/comments", {"body": "Hello"}).status_code == 201
    assert writer.post(f"/ideas/{idea.id}/hide", {"reason": "Spam link"}).status_code == 403  # triage needs `triage`
    triager = Api(client, token_for(designer, ("triage",)))
    assert triager.post(f"/ideas/{idea.id}/hide", {"reason": "Spam link"}).status_code == 200


def test_me_says_which_token_was_used_and_last_used_is_recorded(client, ctx):
    user = make_user()
    made = create_token(user, "CI", ["read"])
    body = Api(client, made.secret).get("/me").json
    assert body["id"] == user.id and body["token"] == {"name": "CI", "scopes": ["read"]}
    db.session.expire_all()
    assert db.session.get(ApiToken, made.token.id).last_used_at is not None


# --- the settings page ------------------------------------------------------------------------------------

def test_the_settings_page_shows_a_new_token_once(client, auth, app):
    with app.app_context():
        user = make_user()
    auth.login(user)
    page = client.post("/settings/api-tokens", data={"name": "Support desk", "scopes": ["read", "write"]})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(page.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json["token"]["name"] \
        == "Support desk"
    listing = client.get("/settings/api-tokens").get_data(as_text=True)
    assert "Support desk" in listing and secret[:10] in listing and secret not in listing


def test_a_refused_token_form_keeps_the_input_and_says_why(client, auth, app):
    with app.app_context():
        user = make_user()
    auth.login(user)
    page = client.post("/settings/api-tokens", data={"name": "Nightly export"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Choose at least one scope." in text and 'value="Nightly export"' in text
    assert client.post("/settings/api-tokens", data={"name": "", "scopes": ["read"]}).status_code == 422


def test_revoking_from_settings_stops_the_token(client, auth, app):
    with app.app_context():
        user = make_user()
        made = create_token(user, "Old laptop", ["read"])
        email, token_id = user.email, made.token.id
    auth.login(email)
    assert client.get(f"/settings/api-tokens/{token_id}/revoke").status_code == 405  # never on GET
    response = client.post(f"/settings/api-tokens/{token_id}/revoke", follow_redirects=True)
    assert "is revoked" in response.get_data(as_text=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {made.secret}"}).status_code == 401


def test_the_settings_page_needs_an_account(client):
    response = client.get("/settings/api-tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
