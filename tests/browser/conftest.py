"""A live portal on a free port and Debian's Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from portal import create_app

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
