"""The signed link in an invitation: names the invitation and the address it was sent to."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "invitation"
MAX_AGE_DAYS = 30


class InvalidInvitation(Exception):
    """A link that was forged or mangled, has expired, or was used already."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired" or "used"


@dataclass(frozen=True)
class Claims:
    invitation_id: int
    email: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(invitation_id: int, email: str) -> str:
    return _serializer().dumps({"i": invitation_id, "e": email})


def read_token(token: str) -> Claims:
    """What a link says, or InvalidInvitation("invalid"/"expired")."""
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_DAYS * 24 * 3600)
    except SignatureExpired as exc:
        raise InvalidInvitation("expired") from exc
    except (BadSignature, ValueError, TypeError, UnicodeError) as exc:
        raise InvalidInvitation("invalid") from exc
    if not isinstance(data, dict) or type(data.get("i")) is not int or not isinstance(data.get("e"), str):
        raise InvalidInvitation("invalid")
    return Claims(data["i"], data["e"])
