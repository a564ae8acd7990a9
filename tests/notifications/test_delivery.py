"""Delivery against a real SMTP server on loopback: what arrives, retries, failures, and several workers."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.delivery import claim, deliver
from portal.notifications.digest import send_digests
from portal.notifications.models import Delivery, Event, MessageStatus, OutboxAttempt, OutboxMessage
from portal.notifications.outbox import enqueue
from portal.notifications.preferences import save_preferences
from portal.notifications.tokens import read_token
from tests.factories import make_comment, make_idea, make_user
from tests.notifications.smtp import free_port, mail_config, smtp_server


def _queue(n: int, user: User | None = None) -> list[int]:
    user = user or make_user()
    rows = [enqueue(user, "test", f"Message {i}", "test", sender_name="Tester") for i in range(n)]
    db.session.commit()
    return [row.id for row in rows]


def _rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _later(minutes: int):
    return utcnow() + timedelta(minutes=minutes)


def test_a_message_arrives_with_one_recipient_both_bodies_and_unsubscribe_headers(ctx, app):
    designer, voter = make_user("designer"), make_user(display_name="Ana Lima")
    idea = make_idea(designer, title="Brighter screen for outdoor classes")
    from portal.ideas.services import cast_vote
    from portal.triage.statuses import set_status, status_by_name

    cast_vote(voter, db.session.get(type(idea), idea.id))
    set_status(designer, db.session.get(type(idea), idea.id), status_by_name("Planned"), "In the next build.")
    with smtp_server() as server, mail_config(app, server.port):
        report = deliver()
    assert report.sent == 1 and report.errors == []
    [got] = server.received
    assert got.rcpt_tos == [voter.email]
    msg = got.message
    assert msg["To"] == f"Ana Lima <{voter.email}>"
    assert msg["Subject"].strip() == f"{designer.display_name} moved “Brighter screen for outdoor classes” to Planned"
    assert msg["List-Unsubscribe"].strip().startswith("<http://portal.test/unsubscribe/")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in msg.walk()
             if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    for body in parts.values():
        assert f"http://portal.test/ideas/{idea.id}/brighter-screen-for-outdoor-classes" in body
        assert "In the next build." in body
        assert "http://portal.test/settings/notifications" in body or "/notifications" in body
    token = msg["List-Unsubscribe"].strip().strip("<>").rsplit("/", 1)[1]
    assert read_token(token).user_id == voter.id
    [row] = _rows()
    assert row.status == "sent" and row.attempts == 1
    assert row.attempt_log[0].response.startswith("250")


def test_names_and_titles_with_line_breaks_never_add_headers_or_recipients(ctx, app):
    victim = make_user(email="victim@example.com")
    db.session.execute(User.__table__.update().where(User.id == victim.id).values(
        display_name="Eve\r\nBcc: thief@evil.example, <x@evil.example>"))
    db.session.commit()
    victim = db.session.get(User, victim.id)
    enqueue(victim, "test", "Hello\r\nBcc: thief@evil.example\nX-Injected: yes", "test", sender_name="Tester")
    db.session.commit()
    with smtp_server() as server, mail_config(app, server.port):
        assert deliver().sent == 1
    [got] = server.received
    assert got.rcpt_tos == ["victim@example.com"]
    assert got.message["Bcc"] is None and got.message["X-Injected"] is None
    assert "\n" not in got.message["Subject"] and "Bcc: thief" in got.message["Subject"]
    assert got.message["To"].endswith("<victim@example.com>")


def test_refused_then_deferred_then_accepted_arrives_exactly_once(ctx, app):
    ids = _queue(5)
    port = free_port()
    with mail_config(app, port):
        first = deliver()  # nothing listens on the port: connection refused
        assert (first.sent, first.retrying) == (0, 5)
        assert all(r.status == "queued" and r.attempts == 1 and "Refused" in r.last_error for r in _rows())
        assert deliver().handled == 0  # backing off: not due yet
        with smtp_server(port, mode="defer") as server:
            second = deliver(now=_later(5))
            assert (second.sent, second.retrying) == (0, 5)
            assert all(r.last_error.startswith("451") and r.attempts == 2 for r in _rows())
            server.mode = "accept"
            third = deliver(now=_later(60))
            assert third.sent == 5
            assert deliver(now=_later(600)).handled == 0
    assert len(server.received) == 5
    assert len(set(server.message_ids())) == 5
    rows = _rows()
    assert [r.id for r in rows] == ids and all(r.status == "sent" and r.attempts == 3 for r in rows)
    assert db.session.scalar(select(func.count()).select_from(OutboxAttempt)) == 15


def test_a_permanent_refusal_fails_the_message_at_once_and_keeps_the_answer(ctx, app):
    _queue(1)
    with smtp_server(mode="reject") as server, mail_config(app, server.port):
        report = deliver()
        assert report.failed == 1
        assert deliver(now=_later(10_000)).handled == 0  # never retried, never dropped
    [row] = _rows()
    assert row.status == "failed" and row.last_error.startswith("550")
    assert server.received == []


def test_a_message_that_keeps_failing_is_marked_failed_after_the_last_attempt(ctx, app):
    app.config["MAIL_MAX_ATTEMPTS"], saved = 3, app.config["MAIL_MAX_ATTEMPTS"]
    try:
        _queue(1)
        with mail_config(app, free_port()):
            for hours in (0, 1, 2, 3, 4):
                deliver(now=_later(60 * hours))
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = saved
    [row] = _rows()
    assert (row.status, row.attempts) == ("failed", 3)
    assert len(row.attempt_log) == 3 and not any(a.ok for a in row.attempt_log)


def test_backoff_grows(ctx, app):
    _queue(1)
    with mail_config(app, free_port()):
        deliver()
        first = _rows()[0].next_attempt_at
        deliver(now=first + timedelta(seconds=1))
        row = _rows()[0]
    waits = [row.next_attempt_at - row.attempt_log[-1].attempted_at, first - row.attempt_log[0].attempted_at]
    assert [round(w.total_seconds()) for w in waits] == [60, 30]


def test_a_worker_killed_mid_send_leaves_its_messages_to_another_worker(ctx, app):
    _queue(3)
    assert len(claim("crashed-worker")) == 3  # claimed, then the process died before sending
    with smtp_server() as server, mail_config(app, server.port):
        assert deliver("second-worker").handled == 0  # the claim is fresh: not stolen
        stale = _later(app.config["MAIL_CLAIM_TIMEOUT_SECONDS"] // 60 + 1)
        assert deliver("second-worker", now=stale).sent == 3
    assert len(server.received) == 3
    assert {r.status for r in _rows()} == {"sent"}


def test_a_late_result_from_a_worker_whose_claim_was_taken_over_is_ignored(ctx, app):
    from portal.notifications.delivery import _record

    [message_id] = _queue(1)
    claim("slow-worker")
    claim("rescuer", now=_later(app.config["MAIL_CLAIM_TIMEOUT_SECONDS"] // 60 + 1))
    assert _record(message_id, "slow-worker", ok=False, response="timeout") == ""
    assert _rows()[0].claimed_by == "rescuer"


def test_two_workers_share_the_queue_and_send_each_message_once(app):
    with app.app_context():
        _queue(60)
        db.session.remove()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            with app.app_context():
                barrier.wait()
                while deliver(name, limit=5).handled:
                    pass
                db.session.remove()
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    with smtp_server() as server, mail_config(app, server.port):
        threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert errors == []
    assert len(server.received) == 60
    assert len(set(server.message_ids())) == 60
    with app.app_context():
        rows = _rows()
        assert {r.status for r in rows} == {"sent"}
        assert {r.attempts for r in rows} == {1}
        workers = {a.worker for r in rows for a in r.attempt_log}
        db.session.remove()
    assert workers <= {"worker-0", "worker-1"}


def test_a_request_never_talks_to_the_mail_server(ctx, app, client, auth):
    # A mail server that accepts connections and then never answers: any request waiting on it would hang.
    with socket.socket() as blackhole:
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(8)
        blackhole.setblocking(False)
        author, commenter = make_user(), make_user()
        save_preferences(author, {Event.COMMENT: Delivery.INSTANT})
        idea = make_idea(author)
        with mail_config(app, blackhole.getsockname()[1]):
            auth.login(commenter)
            response = client.post(f"/ideas/{idea.id}/comments", data={"body": "Works for my class too."})
            assert response.status_code in (302, 303)
        with pytest.raises(BlockingIOError):
            blackhole.accept()  # nobody connected
    assert [r.status for r in _rows()] == ["queued"]


def test_the_digest_gathers_a_person_s_waiting_notifications_into_one_email_once(ctx, app):
    reader, chatty = make_user(), make_user()
    save_preferences(reader, {Event.COMMENT: Delivery.DIGEST})
    idea = make_idea(reader, title="Rubber feet for the laptop")
    for i in range(3):
        make_comment(chatty, db.session.get(type(idea), idea.id), f"Comment number {i}")
    assert [r.kind for r in _rows()] == []
    assert send_digests() == 1
    assert send_digests() == 0
    [row] = _rows()
    assert (row.kind, row.user_id) == ("digest", reader.id)
    assert row.subject == "Your daily digest: 3 updates"
    for i in range(3):
        assert f"Comment number {i}" in row.text_body and f"Comment number {i}" in row.html_body
    with smtp_server() as server, mail_config(app, server.port):
        assert deliver().sent == 1
    assert server.received[0].rcpt_tos == [reader.email]


def test_banned_people_get_no_mail(ctx, app):
    admin, person = make_user("admin"), make_user()
    from portal.moderation.services import ban_user

    ban_user(admin, person, "spam")
    assert enqueue(db.session.get(User, person.id), "test", "Hi", "test", sender_name="x") is None


def test_the_worker_command_writes_eml_files_without_a_mail_server(ctx, app, runner):
    from pathlib import Path

    _queue(2)
    result = runner.invoke(args=["notifications", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    assert len(list(Path(app.config["OUTBOX_DIR"]).glob("*.eml"))) >= 2
    assert {r.status for r in _rows()} == {MessageStatus.SENT.value}
