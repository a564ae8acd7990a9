"""The mail queue as admins see it: counts, recent messages, retrying one now, and a test email sent on the spot."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_mailman.message import BadHeaderError
from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.accounts.services import normalize_email
from portal.audit.services import record
from portal.core.models import utcnow
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.notifications.delivery import _describe, worker_name
from portal.notifications.models import MessageStatus, OutboxAttempt, OutboxMessage
from portal.notifications.outbox import enqueue
from portal.notifications.transport import PermanentFailure, build_message, open_transport
from portal.permissions import can_view_email_outbox, require

RETRYING = "retrying"
# The filters of the message list, in the order the counts are shown.
STATES = ("queued", RETRYING, "sending", "sent", "failed")


def outbox_counts() -> dict[str, int]:
    """How many messages are in each state; "queued" counts only those never tried, "retrying" the rest."""
    state = case((OutboxMessage.status == MessageStatus.QUEUED.value,
                  case((OutboxMessage.attempts > 0, RETRYING), else_="queued")), else_=OutboxMessage.status)
    rows = db.session.execute(select(state, func.count()).group_by(state)).all()
    counts = dict.fromkeys(STATES, 0)
    counts.update({name: count for name, count in rows if name in counts})
    return counts


def parse_state(raw: str | None) -> str | None:
    return raw if raw in STATES else None


def messages(state: str | None = None) -> Select:
    """Messages newest first, optionally only those in one state."""
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if state == RETRYING:
        return stmt.where(OutboxMessage.status == MessageStatus.QUEUED.value, OutboxMessage.attempts > 0)
    if state == MessageStatus.QUEUED.value:
        return stmt.where(OutboxMessage.status == state, OutboxMessage.attempts == 0)
    return stmt.where(OutboxMessage.status == state) if state else stmt


def message_with_attempts(message_id: int) -> OutboxMessage:
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id)
                                .options(selectinload(OutboxMessage.attempt_log)))
    if message is None:
        raise NotFound()
    return message


def can_retry(message: OutboxMessage) -> bool:
    return message.status == MessageStatus.FAILED.value or message.is_retrying


def retry_now(actor: User, message_id: int) -> OutboxMessage:
    """Put a failed or waiting message back at the front of the queue; the worker sends it on its next round."""
    require(can_view_email_outbox(actor))
    message = message_with_attempts(message_id)
    if not can_retry(message):
        raise ValidationError({"message": "Only a failed message, or one waiting to be retried, can be retried now."})
    before = {"status": message.status, "attempts": message.attempts,
              "next_attempt_at": message.next_attempt_at.isoformat()}
    # Conditional on the state just read: a worker that claimed the row meanwhile keeps it, so nothing goes twice.
    done = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == message.status,
                                    OutboxMessage.attempts == message.attempts)
        .values(status=MessageStatus.QUEUED.value, next_attempt_at=utcnow()))
    if done.rowcount != 1:
        db.session.rollback()
        raise ValidationError({"message": "A worker is sending this message right now; look again in a moment."})
    record(actor, "email.retry", message, f"Retry now: message #{message.id} to {message.to_address}",
           before=before, after={"status": MessageStatus.QUEUED.value})
    db.session.commit()
    return message


@dataclass(frozen=True)
class TestResult:
    ok: bool
    response: str
    message_id: int


def send_test_email(actor: User, to_address: str) -> TestResult:
    """Send a test message now, on this request, and answer what the mail server said (or the error)."""
    require(can_view_email_outbox(actor))
    try:
        to_address = normalize_email(to_address)
    except ValidationError as exc:
        raise ValidationError({"to_address": " ".join(exc.errors.values())}) from exc
    worker = f"admin-test:{worker_name()}"
    message = enqueue(None, "test", f"Test email from {current_app.config['SITE_NAME']}", "test",
                      to_address=to_address, sender_name=actor.display_name)
    if message is None:  # enqueue declines only an empty address, which normalize_email already refused
        raise ValidationError({"to_address": "Enter an address to send the test to."})
    # Stored as claimed by this request, so no worker sends it too; if this process dies mid-send, a worker
    # takes it over once the claim goes stale, as with any other message.
    message.status, message.claimed_at, message.claimed_by = MessageStatus.SENDING.value, utcnow(), worker
    db.session.flush()  # the audit entry names the message by its id
    record(actor, "email.test", message, f"Test email to {to_address}")
    db.session.commit()
    ok, response = _send_now(message)
    _store_outcome(message.id, worker, ok, response)
    return TestResult(ok=ok, response=response, message_id=message.id)


def _send_now(message: OutboxMessage) -> tuple[bool, str]:
    try:
        built = build_message(message)
        with open_transport() as transport:
            return True, transport.send(built)
    except (PermanentFailure, BadHeaderError) as exc:
        return False, str(exc)
    except (OSError, smtplib.SMTPException) as exc:
        return False, _describe(exc)


def _store_outcome(message_id: int, worker: str, ok: bool, response: str) -> None:
    # A test is not retried on its own: the admin reads the answer now and may press "Retry now".
    now = utcnow()
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    db.session.add(OutboxAttempt(message_id=message_id, attempted_at=now, worker=worker, ok=ok,
                                 response=response[:2000]))
    message.attempts += 1
    message.claimed_at, message.claimed_by = None, ""
    if ok:
        message.status, message.sent_at, message.last_error = MessageStatus.SENT.value, now, ""
    else:
        message.status, message.last_error = MessageStatus.FAILED.value, response
    db.session.commit()


def mail_settings(config: Any) -> dict[str, Any]:
    """What the admin page says about the mail configuration; never the password."""
    server = config.get("MAIL_SERVER") or ""
    security = "SSL/TLS" if config.get("MAIL_USE_SSL") else "STARTTLS" if config.get("MAIL_USE_TLS") else "none"
    return {
        "server": server, "port": config.get("MAIL_PORT"), "security": security,
        "username": config.get("MAIL_USERNAME") or "", "password_set": bool(config.get("MAIL_PASSWORD")),
        "sender": config.get("MAIL_DEFAULT_SENDER"), "timeout": config.get("MAIL_TIMEOUT"),
        "max_attempts": config.get("MAIL_MAX_ATTEMPTS"), "outbox_dir": config.get("OUTBOX_DIR"),
    }
