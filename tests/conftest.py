"""Fixtures: an app whose database is built by running the migrations, emptied between tests."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import MetaData, event, text
from werkzeug.serving import make_server

from config import normalize_database_url
from portal import create_app
from portal.extensions import db
from portal.pagecache.versions import engines_read
from tests.factories import PASSWORD


def _database_url(tmp_dir) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    return normalize_database_url(url) if url else f"sqlite:///{tmp_dir / 'test.sqlite'}"


def _drop_everything() -> None:
    """Start from an empty schema, whatever an earlier run left behind."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    meta.drop_all(bind=db.engine)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[Flask]:
    tmp_dir = tmp_path_factory.mktemp("portal")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_database_url(tmp_dir),
                     UPLOAD_FOLDER=str(tmp_dir / "uploads"), OUTBOX_DIR=str(tmp_dir / "outbox"))
    with app.app_context():
        _drop_everything()
        upgrade()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        # DELETE, children first, rather than TRUNCATE: a test leaves a handful of rows, and on PostgreSQL
        # truncating every table costs a new file per table (about 0.2-0.6 s a test) where deleting costs ~10 ms.
        with db.engine.begin() as conn:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            if conn.dialect.name == "postgresql":  # what TRUNCATE ... RESTART IDENTITY also did: ids start at 1
                conn.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c "
                                  "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"))


@pytest.fixture
def ctx(app) -> Iterator[Flask]:
    """An application context for tests that call services and queries directly."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client: FlaskClient):
        self._client = client

    def login(self, user_or_email, password: str = PASSWORD, **extra):
        email = getattr(user_or_email, "email", user_or_email)
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def postgresql(app, request):
    """The app, for tests of what only PostgreSQL does; skipped on SQLite with the module's SQLITE_SKIP_REASON."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip(getattr(request.module, "SQLITE_SKIP_REASON", "PostgreSQL only"))
    return app


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def _count(conn, cursor, statement, *args):
            statements.append(statement)

        with app.app_context():
            # The content version may be read on an engine of its own (pagecache.versions).
            engines = engines_read()
        for engine in engines:
            event.listen(engine, "before_cursor_execute", _count)
        try:
            yield statements
        finally:
            for engine in engines:
                event.remove(engine, "before_cursor_execute", _count)

    return counter


# --- a live portal and Debian's Chromium for the browser tests (never `playwright install`) ----------------
# Defined here, once for the whole run: two Playwright sessions cannot share the main thread.

CHROMIUM_HELP = (
    "Chromium was not found, so this browser test could not run. "
    "Install it with `sudo apt-get install chromium` or set CHROMIUM_PATH to a Chromium binary."
)


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip(CHROMIUM_HELP)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The portal with CSRF on, on the test database, served by a real HTTP server in a thread."""
    live = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"], WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with live.app_context():
        from portal.extensions import db

        db.engine.dispose()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
