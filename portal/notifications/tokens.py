"""Signed unsubscribe tokens: they work without signing in, and only for the person and events they name."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.notifications.models import Event

SALT = "portal.unsubscribe"
ALL = "all"
# Old emails keep working for a good while; a leaked link can only switch email off.
MAX_AGE_SECONDS = 180 * 24 * 3600


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    events: tuple[Event, ...]
    everything: bool


class InvalidToken(Exception):
    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user_id: int, event: Event | str = ALL) -> str:
    return _serializer().dumps([user_id, str(event)])


def read_token(token: str, max_age: int = MAX_AGE_SECONDS) -> Unsubscribe:
    """Decode a token, or raise InvalidToken (saying whether it had merely expired)."""
    try:
        user_id, event = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken(expired=True) from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise InvalidToken(expired=False) from exc
    if not isinstance(user_id, int) or not isinstance(event, str):
        raise InvalidToken(expired=False)
    if event == ALL:
        return Unsubscribe(user_id, tuple(Event), everything=True)
    if event not in Event.__members__.values():
        raise InvalidToken(expired=False)
    return Unsubscribe(user_id, (Event(event),), everything=False)
