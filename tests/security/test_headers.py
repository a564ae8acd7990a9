"""Security headers on every kind of response, HSTS only in production, cookies, the proxy fix and error ids."""

from __future__ import annotations

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask import Response, abort
from flask import request as flask_request
from flask_talisman import Talisman
from PIL import Image

from config import BASE_DIR
from portal import create_app
from portal.extensions import db
from tests.factories import make_idea, make_user


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request.path} ({response.status_code})"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_protected(response) -> None:
    """The headers every response must carry, whatever it is."""
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert not any(v in ("*", "https:", "http:", "data:") for v in policy["script-src"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.fixture
def odd_app(make_app):
    """An app with routes that fail in the ways real code can."""
    instance = make_app()

    @instance.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @instance.get("/forbidden")
    def forbidden():
        abort(403)

    return instance


def _cover(app) -> str:
    folder = Path(app.config["UPLOAD_FOLDER"]) / "covers"
    folder.mkdir(parents=True, exist_ok=True)
    name = "0123456789abcdef0123456789abcdef.png"
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    (folder / name).write_bytes(buffer.getvalue())
    return name


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/", 200),
    ("GET", "/login", 200),
    ("GET", "/static/css/portal.css", 200),
    ("GET", "/static/js/portal.js", 200),
    ("GET", "/static/nothing.js", 404),
    ("GET", "/healthz", 200),
    ("GET", "/no-such-page", 404),
    ("GET", "/boom", 500),
    ("GET", "/forbidden", 403),
    ("POST", "/healthz", 405),
    ("GET", "/ideas/new", 302),
    ("GET", "/feeds/ideas.atom", None),
    ("GET", "/robots.txt", None),
    ("GET", "/ideas/similar?title=abc", 200),
])
def test_every_kind_of_response_carries_the_security_headers(odd_app, method, path, status, caplog):
    with odd_app.test_client() as client:
        response = client.open(path, method=method)
        if status is not None:
            assert response.status_code == status
        assert_protected(response)
        response.close()


def test_an_uploaded_cover_carries_the_headers(odd_app):
    name = _cover(odd_app)
    with odd_app.test_client().get(f"/media/covers/{name}") as response:
        assert response.status_code == 200
        assert_protected(response)


def test_a_rate_limited_answer_carries_the_headers(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SEARCH="1 per minute").test_client()
    client.get("/search?q=a")
    response = client.get("/search?q=b")
    assert response.status_code == 429
    assert_protected(response)


def test_each_page_gets_its_own_script_nonce(client):
    first, second = _policy(client.get("/")), _policy(client.get("/"))
    nonces = [[v for v in p["script-src"] if v.startswith("'nonce-")] for p in (first, second)]
    assert all(len(n) == 1 for n in nonces)
    assert nonces[0] != nonces[1]


@pytest.mark.parametrize("which", ["app", "production"])
def test_every_response_carries_exactly_talismans_own_headers_with_its_own_nonce(which, request):
    """The headers are assembled once (portal/security.py) and replayed: each later response must carry what
    Flask-Talisman itself would set, its own nonce in the policy, and a view's own Referrer-Policy kept."""
    instance = request.getfixturevalue(which)
    talisman = instance.extensions["talisman"]
    for nonce, view_sets_referrer in (("first-nonce", False), ("second-nonce", False), ("third-nonce", True)):
        with instance.test_request_context("/", base_url="https://portal.example"):
            flask_request.csp_nonce = nonce
            ours, theirs = Response(), Response()
            for response in (ours, theirs):
                if view_sets_referrer:
                    response.headers["Referrer-Policy"] = "no-referrer"
            talisman._set_response_headers(ours)
            Talisman._set_response_headers(talisman, theirs)
            assert sorted(ours.headers.items()) == sorted(theirs.headers.items())
            assert f"'nonce-{nonce}'" in ours.headers["Content-Security-Policy"]
            assert ours.headers["Referrer-Policy"] == ("no-referrer" if view_sets_referrer
                                                       else "strict-origin-when-cross-origin")
            assert ("Strict-Transport-Security" in ours.headers) == (which == "production")


def test_pages_have_no_inline_scripts_or_event_handler_attributes(app, client, auth):
    """Inline code would be blocked by the policy; it belongs in static/js."""
    with app.app_context():
        admin = make_user(role="admin")
        idea = make_idea(author=admin)
    auth.login(admin)
    for path in ("/", f"/ideas/{idea.id}", "/ideas/new", "/triage", "/search?q=idea", "/settings/profile",
                 "/admin/users"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert not re.search(r"\son[a-z]+\s*=", page, re.IGNORECASE), path
        assert "javascript:" not in page.lower(), path


def test_templates_have_no_inline_scripts_or_handlers():
    """The same check over every template, so a page no test opens cannot slip one in."""
    offenders = []
    for template in (BASE_DIR / "templates").rglob("*.html"):
        if "emails" in template.parts:  # mail is never shown under our policy
            continue
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*csp_nonce\(\))[^>]*>", text) or \
                re.search(r"\son(click|change|submit|load|input|focus|blur|key\w+|mouse\w+)\s*=", text, re.I):
            offenders.append(str(template.relative_to(BASE_DIR)))
    assert not offenders


def test_hsts_is_not_sent_outside_production(client):
    response = client.get("/", base_url="https://portal.test")
    assert response.status_code == 200  # and no redirect to https for plain http either:
    assert "Strict-Transport-Security" not in response.headers
    assert client.get("/", base_url="http://portal.test").status_code == 200


@pytest.fixture
def production(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite'}")
    instance = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite'}",
                          UPLOAD_FOLDER=str(tmp_path))
    yield instance
    with instance.app_context():
        db.engine.dispose()


def test_production_sends_hsts_over_https(production):
    with production.test_client().get("/static/css/portal.css", base_url="https://portal.example") as response:
        assert re.fullmatch(r"max-age=\d{7,}", response.headers["Strict-Transport-Security"])
        assert_protected(response)


def test_production_cookies_are_secure_http_only_and_same_site(production):
    response = production.test_client().get("/login", base_url="https://portal.example")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_outside_production_are_http_only_and_same_site_but_work_over_http(client):
    response = client.get("/login")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(make_app):
    def seen_address(instance) -> str:
        @instance.get("/whoami")
        def whoami():
            from flask import request
            return request.remote_addr or ""
        return instance.test_client().get("/whoami", headers={"X-Forwarded-For": "192.0.2.55"},
                                          environ_base={"REMOTE_ADDR": "10.0.0.1"}).get_data(as_text=True)

    assert seen_address(make_app()) == "10.0.0.1"
    assert seen_address(make_app(PROXY_FIX_X_FOR=1)) == "192.0.2.55"


def test_behind_a_configured_proxy_each_visitor_has_their_own_rate_limit(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_SEARCH="1 per minute", PROXY_FIX_X_FOR=1).test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.get("/search", headers={"X-Forwarded-For": "192.0.2.1"}, environ_base=proxy).status_code == 200
    assert client.get("/search", headers={"X-Forwarded-For": "192.0.2.2"}, environ_base=proxy).status_code == 200
    assert client.get("/search", headers={"X-Forwarded-For": "192.0.2.1"}, environ_base=proxy).status_code == 429


# Errors: an id for the visitor, the details in the log ---------------------------------------------------------


def test_an_unexpected_error_shows_an_id_that_is_in_the_log(odd_app, caplog):
    caplog.set_level(logging.ERROR)
    response = odd_app.test_client().get("/boom")

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    error_id = re.search(r'class="error-id">([0-9a-f]{12})<', page).group(1)
    assert "secret internal detail" not in page and "Traceback" not in page and "RuntimeError" not in page
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and logged[0].exc_info and "secret internal detail" in logged[0].getMessage()


def test_a_json_client_gets_the_error_id_too(odd_app, caplog):
    response = odd_app.test_client().get("/boom", headers={"Accept": "application/json"})
    error_id = response.get_json()["error_id"]
    assert re.fullmatch(r"[0-9a-f]{12}", error_id)
    assert error_id in caplog.text


def test_two_errors_get_different_ids(odd_app, caplog):
    client = odd_app.test_client()
    ids = {client.get("/boom", headers={"Accept": "application/json"}).get_json()["error_id"] for _ in range(3)}
    assert len(ids) == 3


def test_an_error_while_showing_the_error_page_still_shows_a_plain_page(odd_app, caplog, monkeypatch):
    import portal.errors

    def broken(*args, **kwargs):
        raise RuntimeError("the database is down too")

    monkeypatch.setattr(portal.errors, "render_template", broken)
    response = odd_app.test_client().get("/boom")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "Error id:" in page
    assert "database is down" not in page
    assert_protected(response)


def test_the_app_never_runs_with_the_debugger(production, app):
    assert production.debug is False and app.debug is False


# The server banner under gunicorn --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_names_itself_without_a_version(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed in this environment")
    port = _free_port()
    env = os.environ | {"PORTAL_ENV": "testing", "TEST_DATABASE_URL": f"sqlite:///{tmp_path / 'g.sqlite'}"}
    server = subprocess.Popen([str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1",
                               "--config", "/dev/null", "portal:create_app()"],
                              cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        headers = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    headers = response.headers
                break
            except OSError:
                time.sleep(0.1)
        assert headers is not None, "gunicorn did not start"
        assert headers["Server"] == "gunicorn"  # no version number to look up exploits by
        assert headers.get_all("Server") == ["gunicorn"]
        assert "Content-Security-Policy" in headers
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_page_may_ask_for_a_stricter_referrer_policy(make_app):
    instance = make_app()

    @instance.get("/private")
    def private():
        return "secret path", 200, {"Referrer-Policy": "no-referrer"}

    response = instance.test_client().get("/private")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Content-Security-Policy" in response.headers


def test_force_https_is_opt_in_and_redirects_plain_http(make_app):
    assert make_app().test_client().get("/login").status_code == 200
    forced = make_app(FORCE_HTTPS=True).test_client()

    response = forced.get("/login", base_url="http://portal.example")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://portal.example/login")
    assert forced.get("/login", base_url="https://portal.example").status_code == 200
