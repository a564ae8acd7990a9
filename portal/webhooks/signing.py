"""Signing webhook bodies, Stripe-style: `Portal-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`.

The timestamp is part of what is signed, so a receiver that refuses old timestamps also refuses a replayed
request; each attempt is signed afresh with the time it is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "Portal-Signature"
ID_HEADER = "Portal-Webhook-Id"
EVENT_HEADER = "Portal-Event"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the endpoint's whole secret."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = TOLERANCE_SECONDS,
           now: float | None = None) -> bool:
    """What a receiver does: the header parses, is recent, and one v1 signature matches (in constant time)."""
    fields: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields.get("t", [""])[0])
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in fields.get("v1", []))
