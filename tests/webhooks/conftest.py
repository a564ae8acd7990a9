"""Fixtures for webhook tests: a loopback receiver, and endpoints pointing at it (private addresses allowed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal.webhooks.services import save_endpoint, set_private_allowed
from tests.factories import make_user
from tests.webhooks.receiver import Receiver, receiver


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as state:
        yield state


@pytest.fixture
def admin(ctx):
    return make_user("admin")


@pytest.fixture
def endpoint_for(ctx, admin):
    """Make an endpoint for a URL on the loopback receiver (the admin setting for private addresses on)."""

    def make(url: str, events: list[str] | None = None):
        from portal.webhooks.models import WebhookEvent

        set_private_allowed(admin, True)
        return save_endpoint(admin, None, url=url, description="Test receiver",
                             events=events or [e.value for e in WebhookEvent])

    return make


@pytest.fixture
def hook_config(app):
    """Override webhook settings for one test, restored afterwards."""
    saved = dict(app.config)

    def apply(**values: object) -> None:
        app.config.update(values)

    yield apply
    for key in [k for k in app.config if k.startswith("WEBHOOK_")]:
        if key in saved:
            app.config[key] = saved[key]
        else:
            del app.config[key]
