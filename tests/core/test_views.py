"""Site-wide HTTP behaviour: health check, friendly error pages, safe redirects after sign-in, cookie flags."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask import jsonify, request

from config import ProductionConfig
from portal import create_app
from portal.extensions import db
from tests.factories import PASSWORD, make_user


def _set_cookie_headers(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def _cookie_header(response, name: str) -> str:
    headers = [h for h in _set_cookie_headers(response) if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie was set"
    return headers[-1]


# /healthz -----------------------------------------------------------------------------------------------------------

def test_health_check_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_health_check_answers_503_when_the_database_is_unreachable(tmp_path):
    broken = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent-dir/portal/x.sqlite",
                        UPLOAD_FOLDER=str(tmp_path))
    try:
        response = broken.test_client().get("/healthz")
    finally:
        with broken.app_context():
            db.engine.dispose()

    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"


# Friendly error pages -----------------------------------------------------------------------------------------------

def test_a_missing_page_gets_a_friendly_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Not found" in page
    assert "There is nothing here" in page
    assert "Go to the home page" in page


def test_a_missing_idea_gets_a_friendly_404(client):
    response = client.get("/ideas/999999/whatever")

    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)


def test_a_missing_page_answers_json_to_json_clients(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_a_forbidden_page_gets_a_friendly_403(app, client, auth):
    with app.app_context():
        customer = make_user()
    auth.login(customer)

    response = client.get("/admin/users")

    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Not allowed" in page
    assert "permission" in page
    assert "Go to the home page" in page


@pytest.fixture
def scratch_app(tmp_path):
    """A separate app instance with throwaway routes, so the shared app keeps only real routes."""
    instance = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.sqlite'}",
                          UPLOAD_FOLDER=str(tmp_path))

    @instance.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @instance.post("/echo")
    def echo():
        return jsonify(request.form.to_dict(flat=False))

    yield instance
    with instance.app_context():
        db.engine.dispose()


def test_an_unexpected_error_gets_a_friendly_500_without_details(scratch_app, caplog):
    response = scratch_app.test_client().get("/boom")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "unexpected error" in page
    assert "secret internal detail" not in page
    assert "Traceback" not in page
    assert "secret internal detail" in caplog.text  # it is logged for the team instead


def test_an_unexpected_error_answers_json_to_json_clients(scratch_app, caplog):
    response = scratch_app.test_client().get("/boom", headers={"Accept": "application/json"})

    assert response.status_code == 500
    assert response.get_json()["status"] == 500
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_a_wrong_method_gets_a_friendly_405(client):
    response = client.post("/healthz")

    assert response.status_code == 405
    assert "does not accept this kind of request" in response.get_data(as_text=True)


# Form bodies ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, expected", [
    (b"name=Ad%C3%A9le&x=%25FF", {"name": ["Ad\u00e9le"], "x": ["%FF"]}),
    (b"name=Ad%FF%FEle", {"name": ["Ad\ufffd\ufffdle"]}),
    (b"name=Ad\xffle&x=1", {"name": ["Ad\ufffdle"], "x": ["1"]}),
    (b"a=1&a=2&empty=", {"a": ["1", "2"], "empty": [""]}),
])
def test_form_text_that_is_not_utf8_arrives_marked_so_it_can_be_refused(scratch_app, body, expected):
    response = scratch_app.test_client().post("/echo", data=body, content_type="application/x-www-form-urlencoded")

    assert response.get_json() == expected


def test_multipart_form_text_that_is_not_utf8_arrives_marked_too(scratch_app):
    body = b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nAd\xffle\r\n--b--\r\n'

    response = scratch_app.test_client().post("/echo", data=body, content_type="multipart/form-data; boundary=b")

    assert response.get_json() == {"name": ["Ad\ufffdle"]}


# next= after sign-in ------------------------------------------------------------------------------------------------

HOSTILE_NEXT = [
    "https://evil.example",
    "http://evil.example/ideas/1",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "\r\nLocation: x",
    "/ideas/1\r\nSet-Cookie: x=1",
    "https:evil.example",
    "evil.example",
    " //evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_redirects_off_site(app, client, auth, target):
    with app.app_context():
        user = make_user()

    response = client.post(f"/login?next={quote(target, safe='')}",
                           data={"email": user.email, "password": PASSWORD, "next": target})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "javascript:alert(1)"])
def test_sign_in_ignores_a_hostile_next_given_only_in_the_query_string(app, client, target):
    with app.app_context():
        user = make_user()

    response = client.post(f"/login?next={quote(target, safe='')}",
                           data={"email": user.email, "password": PASSWORD})

    assert response.headers["Location"] == "/"


def test_sign_in_returns_to_a_local_next_page(app, client, auth):
    with app.app_context():
        user = make_user()

    response = auth.login(user, next="/ideas/1")

    assert response.status_code == 302
    assert response.headers["Location"] == "/ideas/1"


def test_the_sign_in_form_carries_next_from_the_address(client):
    page = client.get("/login?next=/ideas/1").get_data(as_text=True)

    assert re.search(r'<input\b[^>]*name="next"[^>]*value="/ideas/1"', page)


def test_sign_up_never_redirects_off_site(client):
    response = client.post("/signup", data={"email": "new@example.com", "display_name": "New",
                                            "password": "long enough", "next": "//evil.example"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# Cookies and production configuration ------------------------------------------------------------------------------

def test_the_session_cookie_is_http_only_and_same_site_lax(app, client, auth):
    with app.app_context():
        user = make_user()

    header = _cookie_header(auth.login(user), "session")

    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_the_remember_cookie_is_http_only_and_same_site_lax(app, client, auth):
    with app.app_context():
        user = make_user()

    header = _cookie_header(auth.login(user, remember="y"), "remember_token")

    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_production_marks_cookies_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    production = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}",
                            UPLOAD_FOLDER=str(tmp_path))

    response = production.test_client().get("/login")

    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["REMEMBER_COOKIE_SECURE"] is True
    header = _cookie_header(response, "session")
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_production_keeps_csrf_protection_on(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    production = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}",
                            UPLOAD_FOLDER=str(tmp_path))

    response = production.test_client().post("/logout")

    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_settings(monkeypatch, missing):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/portal")
    monkeypatch.delenv(missing)

    with pytest.raises(RuntimeError, match=missing):
        ProductionConfig.check()
    with pytest.raises(RuntimeError, match=missing):
        create_app("production")


def test_production_refuses_to_start_with_nothing_set(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)

    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        ProductionConfig.check()
