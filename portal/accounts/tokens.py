"""Signed, expiring links sent by email: confirm an address, reset a password, change one's address.

Each kind has its own salt, so a token made for one purpose is refused by the others. A token names the
account and what must still be true for it to work (the address it was sent to, a fingerprint of the
password); once that changes, the link stops working. Tokens are signed, not encrypted: they hold nothing
that would help anyone who reads them.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.accounts.models import User

VERIFY_SALT = "verify-email"
RESET_SALT = "reset-password"
CHANGE_SALT = "change-email"
VERIFY_MAX_AGE = 3 * 24 * 3600
RESET_MAX_AGE = 3600
CHANGE_MAX_AGE = 24 * 3600


class InvalidLink(Exception):
    """The link was tampered with, is for another purpose, no longer applies, or has expired."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class Claims:
    """What a link says: whose account, the address it was sent for, and what else must still hold."""

    user_id: int
    email: str
    password: str = ""  # fingerprint of the password hash, for reset links
    new_email: str = ""  # for address changes

    def check(self, user: User | None) -> User:
        """The link's account while the link still applies to it; raises InvalidLink otherwise.

        The password fingerprint is what makes a reset link single-use: resetting changes the password."""
        if user is None or user.id != self.user_id or not _same(self.email, user.email):
            raise InvalidLink()
        if self.password and not _same(self.password, password_fingerprint(user.password_hash)):
            raise InvalidLink()
        return user


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(salt: str, token: str, max_age: int, *fields: str) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidLink(expired=True) from exc
    except (BadSignature, ValueError, TypeError, UnicodeError) as exc:
        raise InvalidLink() from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or isinstance(data["u"], bool) \
            or not all(isinstance(data.get(name), str) for name in ("e", *fields)):
        raise InvalidLink()
    return data


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the stored hash: changes with every new password and reveals nothing of the old."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:20]


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def verification_token(user: User) -> str:
    return _serializer(VERIFY_SALT).dumps({"u": user.id, "e": user.email})


def read_verification(token: str) -> Claims:
    data = _load(VERIFY_SALT, token, VERIFY_MAX_AGE)
    return Claims(data["u"], data["e"])


def reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"u": user.id, "e": user.email,
                                          "p": password_fingerprint(user.password_hash)})


def read_reset(token: str) -> Claims:
    data = _load(RESET_SALT, token, RESET_MAX_AGE, "p")
    # An empty fingerprint would skip the password check: refuse it rather than trust it.
    if not data["p"]:
        raise InvalidLink()
    return Claims(data["u"], data["e"], password=data["p"])


def email_change_token(user: User, new_email: str) -> str:
    return _serializer(CHANGE_SALT).dumps({"u": user.id, "e": user.email, "to": new_email})


def read_email_change(token: str) -> Claims:
    data = _load(CHANGE_SALT, token, CHANGE_MAX_AGE, "to")
    return Claims(data["u"], data["e"], new_email=data["to"])
