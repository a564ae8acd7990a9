"""Helpers for account tests: switching address confirmation on, reading mail from the outbox, moving the clock."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage

_LINK = re.compile(r"https?://\S+")


@pytest.fixture
def confirming(app) -> Iterator[Flask]:
    """The app with REQUIRE_EMAIL_VERIFICATION on, as in production."""
    app.config["REQUIRE_EMAIL_VERIFICATION"] = True
    yield app
    app.config["REQUIRE_EMAIL_VERIFICATION"] = False


class Clock:
    """A settable "now" for the modules that read utcnow(), so tests can jump minutes ahead."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    for module in ("portal.accounts.throttle", "portal.accounts.mail"):
        monkeypatch.setattr(f"{module}.utcnow", clock)
    return clock


def mails(app, kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    """Outbox rows, oldest first, detached so they can be read after the app context ends."""
    with app.app_context():
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            stmt = stmt.where(OutboxMessage.kind == kind)
        if to:
            stmt = stmt.where(OutboxMessage.to_address == to)
        rows = db.session.scalars(stmt).all()
        db.session.expunge_all()
        return list(rows)


def link_in(message: OutboxMessage, path_prefix: str) -> str:
    """The one link in a message's text and HTML bodies whose path starts with `path_prefix` (absolute URL)."""
    found = {url for url in _LINK.findall(message.text_body) if urlsplit(url).path.startswith(path_prefix)}
    in_html = {url.rstrip('"') for url in re.findall(r'href="([^"]+)"', message.html_body)
               if urlsplit(url).path.startswith(path_prefix)}
    assert len(found) == 1 and found == in_html, (found, in_html)
    return found.pop()


def path_of(url: str) -> str:
    return urlsplit(url).path


def comparable(html: str) -> str:
    """A page with what differs by design between visits blanked: CSRF tokens and script nonces."""
    html = re.sub(r'(name="csrf-token" content=|name="csrf_token"[^>]*value=|nonce=)"[^"]*"', r'\1""', html)
    return html


def signed_in(client: FlaskClient) -> bool:
    """Whether the client's cookies sign it in: settings answer 200 instead of sending it to sign in."""
    return client.get("/settings/profile").status_code == 200
