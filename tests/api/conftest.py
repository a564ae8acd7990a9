"""Helpers for the API tests: tokens for people, and a client that sends one."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from portal.api.tokens import create_token
from tests.factories import make_user

ALL_SCOPES = ("read", "write", "triage")


def token_for(user: Any, scopes: tuple[str, ...] = ALL_SCOPES, name: str = "test") -> str:
    """A fresh token's secret for `user`, with `scopes`."""
    return create_token(user, name, scopes).secret


class Api:
    """The test client with a bearer token (or none), speaking JSON."""

    def __init__(self, client: FlaskClient, token: str | None = None):
        self.client, self.token = client, token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return headers | (extra or {})

    def get(self, path: str, **kw: Any):
        return self.client.get("/api/v1" + path, headers=self.headers(kw.pop("headers", None)), **kw)

    def _send(self, method: str, path: str, json: Any = None, **kw: Any):
        return self.client.open("/api/v1" + path, method=method, json=json,
                                headers=self.headers(kw.pop("headers", None)), **kw)

    def post(self, path: str, json: Any = None, **kw: Any):
        return self._send("POST", path, json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any):
        return self._send("PATCH", path, json, **kw)

    def put(self, path: str, json: Any = None, **kw: Any):
        return self._send("PUT", path, json, **kw)

    def delete(self, path: str, **kw: Any):
        return self._send("DELETE", path, None, **kw)


@pytest.fixture
def api_as(ctx, client):
    """api_as(user, scopes) -> an Api client with a new token for that user; api_as(None) is anonymous."""

    def make(user: Any = None, scopes: tuple[str, ...] = ALL_SCOPES) -> Api:
        return Api(client, token_for(user, scopes) if user is not None else None)

    return make


@pytest.fixture
def customer(ctx):
    return make_user("customer")


@pytest.fixture
def designer(ctx):
    return make_user("designer")


@pytest.fixture
def limited_app(app):
    """Build an app on the shared test database with rate limits on and the given API limits."""
    from portal import create_app
    from portal.extensions import db

    made = []

    def build(**limits: str):
        settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                    "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], "OUTBOX_DIR": app.config["OUTBOX_DIR"],
                    "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "process-memory://"}
        instance = create_app("testing", **(settings | limits))
        made.append(instance)
        return instance

    yield build
    for instance in made:
        with instance.app_context():
            db.engine.dispose()
