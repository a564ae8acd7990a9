"""The webhook worker: claim due deliveries, POST them signed after their transaction committed, log each attempt.

It runs inside `flask notifications work`, beside the email outbox, and shares its rules: a claim marks rows
`sending` in one short transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, the writer lock on SQLite), failures
retry with exponential backoff, and a claim older than the timeout is taken over from a worker that died. A
delivery is acknowledged by a 2xx answer only; redirects are never followed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from flask import current_app
from sqlalchemy import and_, or_, select, update

from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.delivery import Report, claim_rows, worker_name
from portal.webhooks.destinations import UnsafeDestination, check_destination
from portal.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from portal.webhooks.notices import endpoint_disabled
from portal.webhooks.signing import EVENT_HEADER, ID_HEADER, SIGNATURE_HEADER, signature_header

BATCH = 20
RESPONSE_START = 1000
DEFAULTS = {
    "WEBHOOK_TIMEOUT_SECONDS": 10.0,
    "WEBHOOK_MAX_ATTEMPTS": 10,
    "WEBHOOK_RETRY_BASE_SECONDS": 60,
    "WEBHOOK_CLAIM_TIMEOUT_SECONDS": 600,
    "WEBHOOK_DISABLE_AFTER_FAILURES": 10,
    "WEBHOOK_DISABLE_AFTER_SECONDS": 3600,
}


def setting(name: str) -> float:
    return current_app.config.get(name, DEFAULTS[name])


@dataclass
class Outcome:
    """What one attempt came to; `status_code` is None when no answer arrived."""

    ok: bool
    status_code: int | None = None
    duration_ms: int = 0
    error: str = ""
    response_start: str = ""


def _due(now: datetime):
    stale = now - timedelta(seconds=setting("WEBHOOK_CLAIM_TIMEOUT_SECONDS"))
    active = WebhookDelivery.endpoint_id.in_(select(WebhookEndpoint.id).where(WebhookEndpoint.active.is_(True)))
    return and_(active, or_(
        and_(WebhookDelivery.status == DeliveryStatus.QUEUED.value, WebhookDelivery.next_attempt_at <= now),
        and_(WebhookDelivery.status == DeliveryStatus.SENDING.value, WebhookDelivery.claimed_at < stale),
    ))


def claim(worker: str, now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Mark up to `limit` due deliveries of enabled endpoints as this worker's, in their own transaction."""
    now = now or utcnow()
    return claim_rows(WebhookDelivery, _due(now), worker, now, limit)


def backoff(attempts: int) -> timedelta:
    """1 min, 2 min, 4 min … capped at six hours (with the default base)."""
    base = setting("WEBHOOK_RETRY_BASE_SECONDS")
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def post(url: str, secret: str, uid: str, event: str, body: bytes) -> Outcome:
    """Check the destination after DNS, then POST the signed body to exactly the address checked."""
    try:
        target = check_destination(url)
    except UnsafeDestination as exc:
        return Outcome(ok=False, error=f"Refused: {exc}")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"{current_app.config['SITE_NAME']} webhooks",
        "Host": target.host_header,
        ID_HEADER: uid,
        EVENT_HEADER: event,
        SIGNATURE_HEADER: signature_header(secret, int(time.time()), body),
    }
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    timeout = setting("WEBHOOK_TIMEOUT_SECONDS")
    started = time.perf_counter()
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False) as client, \
                client.stream("POST", target.pinned_url, content=body, headers=headers,
                              extensions=extensions) as response:
            start = _read_start(response)
            return _judge(response, start, started)
    except httpx.TimeoutException:
        return Outcome(ok=False, duration_ms=_ms(started), error=f"Timed out after {timeout:g} s")
    except httpx.HTTPError as exc:
        return Outcome(ok=False, duration_ms=_ms(started), error=f"{type(exc).__name__}: {exc}"[:500])


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _read_start(response: httpx.Response) -> str:
    """The first bytes of the answer, for the log; the rest is never read."""
    got = b""
    for chunk in response.iter_raw():
        got += chunk
        if len(got) >= RESPONSE_START:
            break
    return got[:RESPONSE_START].decode("utf-8", "replace")


def _judge(response: httpx.Response, start: str, started: float) -> Outcome:
    code = response.status_code
    outcome = Outcome(ok=200 <= code < 300, status_code=code, duration_ms=_ms(started), response_start=start)
    if response.is_redirect:
        outcome.error = f"Redirect to {response.headers.get('location', '?')[:300]} not followed"
    elif not outcome.ok:
        outcome.error = f"HTTP {code}"
    return outcome


def _release(delivery_id: int, worker: str) -> None:
    """Hand a claimed delivery back untried: its endpoint was disabled after the claim."""
    db.session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                                     WebhookDelivery.claimed_by == worker)
                       .values(status=DeliveryStatus.QUEUED.value, claimed_at=None, claimed_by=""))
    db.session.commit()


def _send_one(delivery_id: int, worker: str) -> Outcome | None:
    row = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    if row is None:
        db.session.rollback()
        return None
    endpoint = db.session.get(WebhookEndpoint, row.endpoint_id, populate_existing=True)
    if not endpoint.active:
        _release(delivery_id, worker)
        return None
    url, secret, uid, event, body = endpoint.url, endpoint.secret, row.uid, row.event, row.payload.encode()
    db.session.rollback()  # nothing is held open while the receiver takes its time
    return post(url, secret, uid, event, body)


def _update_endpoint(endpoint_id: int, ok: bool, now: datetime) -> None:
    if ok:
        db.session.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
                           .values(failure_streak=0, failing_since=None))
        return
    endpoint = db.session.get(WebhookEndpoint, endpoint_id, with_for_update=True, populate_existing=True)
    endpoint.failure_streak += 1
    endpoint.failing_since = endpoint.failing_since or now
    failing_for = (now - endpoint.failing_since).total_seconds()
    if (endpoint.active and endpoint.failure_streak >= setting("WEBHOOK_DISABLE_AFTER_FAILURES")
            and failing_for >= setting("WEBHOOK_DISABLE_AFTER_SECONDS")):
        endpoint.active = False
        endpoint.disabled_at = now
        endpoint.disabled_reason = (f"Disabled automatically after {endpoint.failure_streak} failed attempts "
                                    "in a row.")
        endpoint_disabled(endpoint)


def record(delivery_id: int, worker: str, outcome: Outcome) -> str:
    """Store one attempt and its effect on the delivery and its endpoint; answer the delivery's new status."""
    row = db.session.get(WebhookDelivery, delivery_id, with_for_update=True, populate_existing=True)
    if row is None or row.status != DeliveryStatus.SENDING.value or row.claimed_by != worker:
        db.session.rollback()
        return ""
    now = utcnow()
    row.attempts += 1
    db.session.add(WebhookAttempt(delivery_id=row.id, attempted_at=now, worker=worker, ok=outcome.ok,
                                  status_code=outcome.status_code, duration_ms=outcome.duration_ms,
                                  error=outcome.error[:500], response_start=outcome.response_start))
    row.claimed_at, row.claimed_by, row.last_status_code = None, "", outcome.status_code
    if outcome.ok:
        row.status, row.delivered_at, row.last_error = DeliveryStatus.SENT.value, now, ""
    elif row.attempts >= setting("WEBHOOK_MAX_ATTEMPTS"):
        row.status, row.last_error = DeliveryStatus.FAILED.value, outcome.error
    else:
        row.status, row.last_error = DeliveryStatus.QUEUED.value, outcome.error
        row.next_attempt_at = now + backoff(row.attempts)
    status = row.status
    _update_endpoint(row.endpoint_id, outcome.ok, now)
    db.session.commit()
    return status


def deliver_webhooks(worker: str | None = None, now: datetime | None = None, limit: int = BATCH) -> Report:
    """Claim one batch of due deliveries and try each once."""
    worker = worker or worker_name()
    report = Report()
    for delivery_id in claim(worker, now, limit):
        outcome = _send_one(delivery_id, worker)
        if outcome is None:
            continue
        status = record(delivery_id, worker, outcome)
        if status == DeliveryStatus.SENT.value:
            report.sent += 1
        elif status == DeliveryStatus.FAILED.value:
            report.failed += 1
            report.errors.append(outcome.error)
        elif status:
            report.retrying += 1
            report.errors.append(outcome.error)
    return report
