"""Sessions that really end: sign-out, sign-out everywhere, password and role changes, bans, and a fresh session
at sign-in. Flask keeps the session in a signed cookie, so only the account's session version, checked on every
request, can make a copy of an old cookie worthless."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from portal.accounts import services
from portal.accounts.models import User
from portal.extensions import db
from portal.moderation import services as moderation
from tests.accounts.conftest import signed_in
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a-brand-new-password"


def _cookie(client: FlaskClient, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _client_with(app, **cookies: str) -> FlaskClient:
    """A new browser that holds only copies of the given cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def _session_data(app, client: FlaskClient) -> dict:
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(_cookie(client, "session"))


def _login(app, user: User, **extra) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, **extra})
    assert response.status_code == 302
    return client


# Signing out --------------------------------------------------------------------------------------------------------

def test_a_session_cookie_saved_before_signing_out_is_not_signed_in_afterwards(app, client, auth):
    with app.app_context():
        user = make_user()
    auth.login(user)
    saved = _cookie(client, "session")
    assert signed_in(_client_with(app, session=saved))  # the copy works while the session lasts ...

    auth.logout()

    assert not signed_in(_client_with(app, session=saved))  # ... and not once it has ended


def test_a_remember_cookie_saved_before_signing_out_is_not_signed_in_afterwards(app, client, auth):
    with app.app_context():
        user = make_user()
    auth.login(user, remember="y")
    saved = _cookie(client, "remember_token")
    assert signed_in(_client_with(app, remember_token=saved))

    auth.logout()

    assert not signed_in(_client_with(app, remember_token=saved))


def test_sign_out_everywhere_ends_every_session_of_the_account(app, client, auth):
    with app.app_context():
        user = make_user()
    laptop = _login(app, user, remember="y")
    phone_remember = _cookie(laptop, "remember_token")
    auth.login(user)

    response = client.post("/settings/sign-out-everywhere")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not signed_in(client)
    assert not signed_in(laptop)
    assert not signed_in(_client_with(app, remember_token=phone_remember))


def test_account_settings_offer_sign_out_everywhere(app, client, auth):
    with app.app_context():
        user = make_user()
    auth.login(user)

    page = client.get("/settings/password").get_data(as_text=True)

    assert 'action="/settings/sign-out-everywhere"' in page


# Changes made elsewhere take effect at the next request ---------------------------------------------------------------

def test_changing_the_password_signs_out_other_browsers_and_keeps_this_one(app, client, auth):
    with app.app_context():
        user = make_user()
    other = _login(app, user, remember="y")
    other_remember = _cookie(other, "remember_token")
    auth.login(user, remember="y")

    response = client.post("/settings/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)
    assert not signed_in(_client_with(app, remember_token=other_remember))
    # This browser's own remember-me cookie was renewed, so it outlives the browser session.
    assert signed_in(_client_with(app, remember_token=_cookie(client, "remember_token")))


def test_a_ban_signs_the_person_out_at_their_next_request_and_a_lifted_ban_does_not_sign_them_back_in(app, client,
                                                                                                      auth):
    with app.app_context():
        admin, user = make_user("admin"), make_user()
    auth.login(user, remember="y")
    saved_session, saved_remember = _cookie(client, "session"), _cookie(client, "remember_token")

    with app.app_context():
        moderation.ban_user(admin, db.session.get(User, user.id), "Spam")
    assert not signed_in(client)
    with app.app_context():
        moderation.unban_user(admin, db.session.get(User, user.id))

    assert not signed_in(_client_with(app, session=saved_session))
    assert not signed_in(_client_with(app, remember_token=saved_remember))


def test_a_role_change_by_an_admin_signs_the_person_out_at_their_next_request(app, client, auth):
    with app.app_context():
        admin, user = make_user("admin"), make_user("developer")
    auth.login(user)
    assert client.get("/triage").status_code == 200

    with app.app_context():
        services.set_role(admin, db.session.get(User, user.id), "customer")

    assert not signed_in(client)
    auth.login(user)
    assert client.get("/triage").status_code == 403


def test_an_admin_page_role_change_signs_the_person_out(app, client, auth):
    with app.app_context():
        admin, user = make_user("admin"), make_user()
    person = _login(app, user)
    auth.login(admin)

    client.post(f"/admin/users/{user.id}/role", data={"role": "designer"})

    assert not signed_in(person)


def test_saving_the_same_role_again_keeps_the_person_signed_in(app, client, auth):
    with app.app_context():
        admin, user = make_user("admin"), make_user("designer")
    auth.login(user)

    with app.app_context():
        services.set_role(admin, db.session.get(User, user.id), "designer")

    assert signed_in(client)


# A fresh session at sign-in, and nothing sensitive in it -----------------------------------------------------------

def test_signing_in_starts_a_new_session_so_nothing_from_before_carries_over(app, client, auth):
    with app.app_context():
        user = make_user()
    with client.session_transaction() as session:  # e.g. planted by someone who gave the victim this cookie
        session["planted"] = "by an attacker"
    before = _cookie(client, "session")

    auth.login(user)

    assert "planted" not in _session_data(app, client)
    assert _cookie(client, "session") != before
    assert not signed_in(_client_with(app, session=before))


def test_the_session_cookie_holds_no_email_role_hash_or_secret(app, client, auth):
    with app.app_context():
        user = make_user("admin", email="ada@example.com", display_name="Ada Lovelace")
        stored = db.session.get(User, user.id)
        password_hash, version = stored.password_hash, stored.session_version
    auth.login(user, remember="y")
    client.get("/")

    data = _session_data(app, client)
    text = json.dumps(data)

    assert set(data) <= {"_user_id", "_fresh", "_id", "_remember", "_remember_seconds", "csrf_token", "_flashes"}
    assert data["_user_id"] == f"{user.id}:{version}"
    for secret in ("ada@example.com", "admin", "Ada Lovelace", password_hash, password_hash.split("$")[-1],
                   app.config["SECRET_KEY"], PASSWORD):
        assert secret not in text
        assert secret not in _cookie(client, "remember_token")


def test_a_session_naming_only_the_account_id_or_another_version_is_not_signed_in(app):
    """Cookies from before session versions existed, or from an older version, are turned away."""
    with app.app_context():
        user = make_user()
    serializer = app.session_interface.get_signing_serializer(app)

    for stale in (str(user.id), f"{user.id}:0", f"{user.id}:2", f"{user.id}:", f"{user.id}:1:1", "x:1", f"{user.id}:¹"):
        forged = serializer.dumps({"_user_id": stale, "_fresh": True})
        assert not signed_in(_client_with(app, session=forged)), stale

    assert signed_in(_client_with(app, session=serializer.dumps({"_user_id": f"{user.id}:1", "_fresh": True})))


def test_sign_out_bumps_the_session_version_once(ctx):
    user = make_user()

    services.sign_out(user)
    db.session.expire_all()

    assert db.session.get(User, user.id).session_version == 2
    assert services.user_for_session(f"{user.id}:1") is None
    assert services.user_for_session(f"{user.id}:2").id == user.id


def test_per_account_rate_limits_count_the_account_not_the_session(app):
    """The limiter's per-account key must not change when the session version does, or signing out and in again
    would start every per-account count afresh."""
    from flask_login import login_user

    from portal.ratelimit import account_key

    with app.app_context():
        user = make_user()
    keys = []
    for _ in range(2):
        with app.test_request_context():
            fresh = db.session.get(User, user.id)
            login_user(fresh)
            keys.append(account_key())
            services.sign_out(fresh)

    assert keys == [f"user:{user.id}"] * 2
