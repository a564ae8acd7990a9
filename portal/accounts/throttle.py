"""Brute-force throttling of sign-in, per account (the email typed) and per client address, in the database.

A handful of failures locks that email, or that client address, for a minute; each further failure while the
count is remembered doubles the lock, up to an hour. A count is forgotten an hour after its last failure or
lock, and a successful sign-in (or a password reset) clears the account's. Locks answer 429 with Retry-After.
Because the counts live in a table, every server process sees them and a restart forgets none.

The same lock applies whether or not an account exists for the email, so a lock tells nobody anything.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from datetime import datetime, timedelta

from flask import Response, current_app, jsonify, make_response, render_template
from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.accounts.models import SignInThrottle
from portal.core.models import utcnow
from portal.errors import wants_json
from portal.extensions import db

ACCOUNT, ADDRESS = "account", "address"
# An address is shared by everyone behind one office or school router, so it gets more tries than an account.
THRESHOLDS = {ACCOUNT: 5, ADDRESS: 20}
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=1)
FORGET_AFTER = timedelta(hours=1)


class Throttled(Exception):
    """Too many failed sign-ins: the caller must wait `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


def client_network(address: str | None) -> str:
    """The unit an address is counted by: the IPv4 address, or the IPv6 /64 (one subscriber holds a whole /64)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _key(scope: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()


def _keys(email: str, address: str | None) -> dict[str, str]:
    return {ACCOUNT: _key(ACCOUNT, email.strip().lower()), ADDRESS: _key(ADDRESS, client_network(address))}


def retry_after(email: str, address: str | None, now: datetime | None = None) -> int:
    """Seconds until this email and client address may try again; 0 when they may try now."""
    now = now or utcnow()
    keys = _keys(email, address)
    locks = db.session.scalars(
        select(SignInThrottle.locked_until)
        .where(tuple_(SignInThrottle.scope, SignInThrottle.key).in_(list(keys.items())),
               SignInThrottle.locked_until > now)
    ).all()
    return max((math.ceil((lock - now).total_seconds()) for lock in locks), default=0)


def record_failure(email: str, address: str | None, now: datetime | None = None) -> None:
    """Count a failed sign-in against the email and the client address (flushes; the caller commits)."""
    now = now or utcnow()
    # Spraying made-up emails makes rows; whatever has expired goes when anyone fails (an indexed range delete).
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.expires_at < now))
    for scope, key in _keys(email, address).items():
        _count(scope, key, now)


def _count(scope: str, key: str, now: datetime) -> None:
    insert = sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else pg_insert
    db.session.execute(insert(SignInThrottle.__table__).values(scope=scope, key=key, failures=0, expires_at=now)
                       .on_conflict_do_nothing())
    # Locked, so two processes counting the same key at once add up instead of overwriting each other.
    row = db.session.scalars(select(SignInThrottle).where(SignInThrottle.scope == scope, SignInThrottle.key == key)
                             .with_for_update().execution_options(populate_existing=True)).one()
    if row.expires_at <= now:  # the last failure is long enough ago: start counting afresh
        row.failures, row.locked_until = 0, None
    row.failures += 1
    beyond = row.failures - THRESHOLDS[scope]
    if beyond >= 0:
        row.locked_until = now + min(FIRST_LOCK * 2 ** min(beyond, 16), MAX_LOCK)
    row.expires_at = max(now, row.locked_until or now) + FORGET_AFTER
    db.session.flush()


def clear_account(email: str) -> bool:
    """Forget the failures counted against an email; True when there were some to forget (the caller commits).

    Never the address's count: one's own good password would otherwise reset the count of someone guessing
    other people's passwords from the same address."""
    result = db.session.execute(delete(SignInThrottle).where(
        SignInThrottle.scope == ACCOUNT, SignInThrottle.key == _key(ACCOUNT, email.strip().lower())))
    return bool(result.rowcount)


def too_many_attempts(retry_after: int) -> Response:
    """The 429 answer to a locked sign-in, with Retry-After, as a page or as JSON."""
    minutes = max(1, math.ceil(retry_after / 60))
    if wants_json():
        response = make_response(jsonify(error="Too many sign-in attempts", retry_after=retry_after, status=429))
    else:
        response = make_response(render_template("accounts/too_many_attempts.html", minutes=minutes))
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response
