"""The session cookie's serializer is kept between requests, yet follows a rotated secret key at once."""

from __future__ import annotations

from tests.factories import make_user


def test_a_rotated_key_keeps_people_signed_in_only_while_the_old_key_is_a_fallback(app, client, auth, monkeypatch):
    with app.app_context():
        user = make_user()
    auth.login(user)
    assert client.get("/settings/profile").status_code == 200
    old = app.config["SECRET_KEY"]

    monkeypatch.setitem(app.config, "SECRET_KEY", "a-brand-new-key")
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old])
    assert client.get("/settings/profile").status_code == 200

    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    response = client.get("/settings/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
