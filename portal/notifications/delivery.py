"""The outbox worker: claim due messages, send them after their transaction committed, record every attempt.

Several workers, on one machine or many, share the queue. A claim marks rows `sending` in one short
transaction (PostgreSQL skips rows another worker holds with FOR UPDATE SKIP LOCKED; SQLite's writers take
the database lock at BEGIN IMMEDIATE, so claims queue). A worker that dies mid-send leaves its rows
`sending`; once their claim is older than MAIL_CLAIM_TIMEOUT_SECONDS another worker takes them over.
"""

from __future__ import annotations

import os
import smtplib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_mailman.message import BadHeaderError
from sqlalchemy import and_, or_, select, update

from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.models import MessageStatus, OutboxAttempt, OutboxMessage
from portal.notifications.transport import PermanentFailure, Transport, build_message, open_transport

BATCH = 20


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Report:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def _due(now: datetime):
    stale = now - timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT_SECONDS"])
    return or_(
        and_(OutboxMessage.status == MessageStatus.QUEUED.value, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == MessageStatus.SENDING.value, OutboxMessage.claimed_at < stale),
    )


def claim_rows(model, due, worker: str, now: datetime, limit: int) -> list[int]:
    """Mark up to `limit` rows of an outbox-shaped `model` matching `due` as `worker`'s, in their own transaction.

    PostgreSQL workers skip rows another worker holds; SQLite's writers already queue on BEGIN IMMEDIATE. The
    UPDATE repeats `due`, so a row claimed meanwhile is never claimed twice."""
    pick = select(model.id).where(due).order_by(model.next_attempt_at, model.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(of=model, skip_locked=True)
    ids = db.session.scalars(
        update(model).where(model.id.in_(pick.scalar_subquery()), due)
        .values(status=MessageStatus.SENDING.value, claimed_at=now, claimed_by=worker)
        .returning(model.id)
    ).all()
    db.session.commit()
    return sorted(ids)


def claim(worker: str, now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Mark up to `limit` due messages as this worker's, in their own committed transaction."""
    now = now or utcnow()
    return claim_rows(OutboxMessage, _due(now), worker, now, limit)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at six hours (with the default base)."""
    base = current_app.config["MAIL_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def _record(message_id: int, worker: str, *, ok: bool, response: str, permanent: bool = False) -> str:
    """Store one attempt's outcome; answer the message's new status (or "" if another worker took it over)."""
    row = db.session.get(OutboxMessage, message_id, with_for_update=True, populate_existing=True)
    if row is None or row.status != MessageStatus.SENDING.value or row.claimed_by != worker:
        db.session.rollback()
        return ""
    now = utcnow()
    row.attempts += 1
    db.session.add(OutboxAttempt(message_id=row.id, attempted_at=now, worker=worker, ok=ok, response=response[:2000]))
    row.claimed_at, row.claimed_by = None, ""
    if ok:
        row.status, row.sent_at, row.last_error = MessageStatus.SENT.value, now, ""
    elif permanent or row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        row.status, row.last_error = MessageStatus.FAILED.value, response
    else:
        row.status, row.last_error = MessageStatus.QUEUED.value, response
        row.next_attempt_at = now + backoff(row.attempts)
    status = row.status
    db.session.commit()
    return status


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {' '.join(str(text).split())}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {msg!r}" for addr, (code, msg) in exc.recipients.items())
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _send_one(transport: Transport, message_id: int) -> tuple[bool, str, bool]:
    row = db.session.get(OutboxMessage, message_id, populate_existing=True)
    try:
        message = build_message(row) if row is not None else None
    except BadHeaderError as exc:
        return False, str(exc), True
    finally:
        db.session.rollback()  # nothing is held open while the mail server takes its time
    if message is None:
        return False, "", False
    try:
        return True, transport.send(message), False
    except (PermanentFailure, BadHeaderError) as exc:
        return False, str(exc), True
    except (OSError, smtplib.SMTPException) as exc:
        return False, _describe(exc), False


def deliver(worker: str | None = None, now: datetime | None = None, limit: int = BATCH,
            transport_factory: Callable[[], Transport] = open_transport) -> Report:
    """Claim one batch and try to send each message once."""
    worker = worker or worker_name()
    report = Report()
    ids = claim(worker, now, limit)
    if not ids:
        return report
    with transport_factory() as transport:
        for message_id in ids:
            ok, response, permanent = _send_one(transport, message_id)
            status = _record(message_id, worker, ok=ok, response=response, permanent=permanent)
            if status == MessageStatus.SENT.value:
                report.sent += 1
            elif status == MessageStatus.FAILED.value:
                report.failed += 1
                report.errors.append(response)
            elif status:
                report.retrying += 1
                report.errors.append(response)
    return report


def run_worker(*, once: bool = False, poll_seconds: float = 2.0, log: Callable[[str], None] = print,
               should_stop: Callable[[], bool] = lambda: False) -> Report:
    """Send until the queue is empty (`once`) or forever, sleeping `poll_seconds` when there is nothing due."""
    from portal.webhooks.delivery import deliver_webhooks  # webhooks build on this module; imported late

    worker = worker_name()
    total = Report()
    while not should_stop():
        report = deliver(worker)
        hooks = deliver_webhooks(worker)  # one worker for both outboxes: email and webhooks
        report = Report(report.sent + hooks.sent, report.retrying + hooks.retrying, report.failed + hooks.failed,
                        report.errors + hooks.errors)
        total.sent, total.retrying, total.failed = (total.sent + report.sent, total.retrying + report.retrying,
                                                    total.failed + report.failed)
        total.errors += report.errors
        if report.handled:
            log(f"{worker}: sent {report.sent}, retrying {report.retrying}, failed {report.failed}"
                + (f" (last error: {report.errors[-1]})" if report.errors else ""))
        if not report.handled:
            if once:
                break
            time.sleep(poll_seconds)
        db.session.remove()
    return total
