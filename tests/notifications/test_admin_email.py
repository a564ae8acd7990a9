"""/admin/email: who may see the mail queue, its counts and messages, "Retry now", and a test email sent on the spot."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select, update

from portal.audit.models import AuditEntry
from portal.core.models import utcnow
from portal.errors import ValidationError
from portal.extensions import db
from portal.notifications import admin as outbox
from portal.notifications.delivery import deliver
from portal.notifications.models import MessageStatus, OutboxAttempt, OutboxMessage
from portal.notifications.outbox import enqueue
from tests.factories import make_user
from tests.notifications.smtp import free_port, mail_config, smtp_server

ROLES = ("customer", "developer", "designer", "admin")


@pytest.fixture
def people(app) -> dict:
    with app.app_context():
        return {role: make_user(role=role, display_name=f"The {role.capitalize()}") for role in ROLES}


def _message(status: str = "queued", attempts: int = 0, error: str = "", to: str = "reader@example.org",
             subject: str = "Hello there", minutes: int = 5) -> int:
    row = enqueue(None, "comment", subject, "test", to_address=to, sender_name="Tester")
    row.status, row.attempts, row.last_error = status, attempts, error
    row.next_attempt_at = utcnow() + timedelta(minutes=minutes)
    db.session.flush()
    for n in range(attempts):
        ok = status == "sent" and n == attempts - 1
        db.session.add(OutboxAttempt(message_id=row.id, worker=f"host:{100 + n}", ok=ok,
                                     response=error or "250 2.0.0 Ok: queued as ABC"))
    if status == "sent":
        row.sent_at = utcnow()
    if status == "sending":
        row.claimed_by, row.claimed_at = "host:999", utcnow()
    db.session.commit()
    return row.id


def _row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _counts(page: str) -> dict[str, int]:
    pairs = re.findall(r'outbox-count-number">(\d+)</span>\s*<span class="outbox-count-label">(\w+)<', page)
    return {label: int(number) for number, label in pairs}


@contextmanager
def _outbox_dir(app, path):
    saved = app.config["OUTBOX_DIR"]
    app.config["OUTBOX_DIR"] = str(path)
    try:
        yield
    finally:
        app.config["OUTBOX_DIR"] = saved


# --- who may look -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [("customer", 403), ("developer", 403), ("designer", 403), ("admin", 200)])
@pytest.mark.parametrize("page", ["/admin/email", "/admin/email/{message}", "/admin/email?state=failed"])
def test_only_admins_see_the_mail_queue(app, client, auth, people, role, status, page):
    with app.app_context():
        message = _message("failed", 1, "550 nope")
    auth.login(people[role])

    assert client.get(page.format(message=message)).status_code == status


@pytest.mark.parametrize("page", ["/admin/email", "/admin/email/1"])
def test_visitors_are_sent_to_sign_in(client, page):
    response = client.get(page)

    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_only_admins_may_retry_or_send_a_test(app, client, auth, people, role, tmp_path):
    with app.app_context():
        message = _message("failed", 2, "550 nope")
    auth.login(people[role])

    with _outbox_dir(app, tmp_path):
        assert client.post(f"/admin/email/{message}/retry").status_code == 403
        assert client.post("/admin/email/test", data={"to_address": "x@example.org"}).status_code == 403
    with app.app_context():
        assert _row(message).status == "failed"
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "test")) is None
    assert not list(tmp_path.iterdir())


def test_the_admin_navigation_links_the_email_page(app, client, auth, people):
    auth.login(people["admin"])

    page = client.get("/admin/users").get_data(as_text=True)

    assert 'href="/admin/email"' in page


# --- what the page shows ----------------------------------------------------------------------------------

def test_counts_by_state_and_recent_messages(app, client, auth, people):
    with app.app_context():
        _message("queued")
        _message("queued")
        _message("queued", 2, "421 4.7.0 Try again later")
        _message("sending")
        _message("sent", 1)
        _message("failed", 8, "550 5.1.1 <gone@example.net>: Recipient address rejected", to="gone@example.net",
                 subject="Your daily digest")
    auth.login(people["admin"])

    response = client.get("/admin/email")
    page, text = response.get_data(as_text=True), _text(response)

    assert _counts(page) == {"queued": 2, "retrying": 1, "sending": 1, "sent": 1, "failed": 1}
    assert "gone@example.net" in text and "Your daily digest" in text
    assert "550 5.1.1 <gone@example.net>: Recipient address rejected" in text
    assert "421 4.7.0 Try again later" in text
    assert page.count('class="badge outbox-status outbox-retrying"') == 1


@pytest.mark.parametrize("state, subjects", [
    ("failed", {"Failed one"}), ("retrying", {"Retrying one"}), ("queued", {"Queued one"}), ("sent", {"Sent one"}),
    ("sending", set()), ("nonsense", {"Failed one", "Retrying one", "Queued one", "Sent one"}),
    ("", {"Failed one", "Retrying one", "Queued one", "Sent one"}),
])
def test_the_list_filters_by_state(app, client, auth, people, state, subjects):
    with app.app_context():
        _message("failed", 3, "550 no", subject="Failed one")
        _message("queued", 1, "451 later", subject="Retrying one")
        _message("queued", subject="Queued one")
        _message("sent", 1, subject="Sent one")
    auth.login(people["admin"])

    page = client.get(f"/admin/email?state={state}").get_data(as_text=True)

    assert set(re.findall(r">((?:Failed|Retrying|Queued|Sent) one)</a>", page)) == subjects


def test_no_mail_server_says_where_the_files_go(app, client, auth, people):
    auth.login(people["admin"])

    text = _text(client.get("/admin/email"))

    assert f"No MAIL_SERVER : writing .eml files to {app.config['OUTBOX_DIR']}" in text


def test_the_mail_settings_are_shown_but_never_the_password(app, client, auth, people):
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD")}
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_PORT=587, MAIL_USE_TLS=True, MAIL_USERNAME="portal-bot",
                      MAIL_PASSWORD="hunter2-very-secret")
    try:
        auth.login(people["admin"])
        response = client.get("/admin/email")
    finally:
        app.config.update(saved)
    text = _text(response)

    assert "smtp.example.org:587" in text and "STARTTLS" in text and "portal-bot (password set)" in text
    assert app.config["MAIL_DEFAULT_SENDER"] in text
    assert "hunter2" not in response.get_data(as_text=True)


def test_a_message_shows_each_attempt(app, client, auth, people):
    with app.app_context():
        message = _message("failed", 2, "550 5.1.1 No such mailbox here")
    auth.login(people["admin"])

    response = client.get(f"/admin/email/{message}")
    text = _text(response)

    assert "host:100" in text and "host:101" in text
    assert text.count("550 5.1.1 No such mailbox here") == 3  # last error and both attempts
    assert "Retry now" in text and "Plain-text body" in text


@pytest.mark.parametrize("message_id", ["424242", "2147483647", "2147483648", "99999999999999999999", "abc"])
def test_unknown_messages_are_not_found(app, client, auth, people, message_id):
    auth.login(people["admin"])

    assert client.get(f"/admin/email/{message_id}").status_code == 404
    assert client.post(f"/admin/email/{message_id}/retry").status_code == 404


# --- retry now --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, attempts", [("failed", 8), ("queued", 2)])
def test_retry_now_requeues_and_is_audited(app, client, auth, people, status, attempts):
    with app.app_context():
        message = _message(status, attempts, "451 later", minutes=90)
    auth.login(people["admin"])

    response = client.post(f"/admin/email/{message}/retry", follow_redirects=True)

    assert f"Message #{message} is queued" in _text(response)
    with app.app_context():
        row = _row(message)
        assert row.status == "queued" and row.next_attempt_at <= utcnow() and row.attempts == attempts
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "email.retry"))
        assert entry.target_id == message and entry.before["status"] == status


@pytest.mark.parametrize("status", ["sent", "sending", "queued"])  # queued here: never tried, already on its way
def test_retry_now_refuses_messages_that_need_no_retry(app, client, auth, people, status):
    with app.app_context():
        message = _message(status, 1 if status == "sent" else 0)
        before = _row(message).next_attempt_at
    auth.login(people["admin"])

    response = client.post(f"/admin/email/{message}/retry", follow_redirects=True)

    assert "can be retried now" in _text(response)
    with app.app_context():
        assert _row(message).status == status and _row(message).next_attempt_at == before
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "email.retry")) is None


def test_retry_now_leaves_a_message_a_worker_just_claimed(ctx, monkeypatch):
    admin = make_user(role="admin")
    message = _message("failed", 3, "550 no")
    real = outbox.message_with_attempts

    def claimed_meanwhile(message_id):
        row = real(message_id)
        # A worker takes the row between our read and our write.
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                           .values(status="sending", claimed_by="other:1").execution_options(synchronize_session=False))
        return row

    monkeypatch.setattr(outbox, "message_with_attempts", claimed_meanwhile)
    with pytest.raises(ValidationError, match="sending this message right now"):
        outbox.retry_now(admin, message)


def test_a_retried_message_is_sent_by_the_worker(app, client, auth, people):
    with app.app_context():
        message = _message("failed", 8, "550 mailbox full", to="back@example.org")
    auth.login(people["admin"])
    client.post(f"/admin/email/{message}/retry")

    with app.app_context(), smtp_server() as server, mail_config(app, server.port):
        report = deliver()
        assert report.sent == 1 and server.received[0].rcpt_tos == ["back@example.org"]
        assert _row(message).status == "sent"


# --- the test email ---------------------------------------------------------------------------------------

def test_the_test_form_offers_the_admin_s_own_address(app, client, auth, people):
    auth.login(people["admin"])

    page = client.get("/admin/email").get_data(as_text=True)

    assert re.search(rf'<input[^>]*name="to_address"[^>]*value="{re.escape(people["admin"].email)}"', page)


def test_a_test_email_without_a_mail_server_writes_an_eml_file(app, client, auth, people, tmp_path):
    auth.login(people["admin"])

    with _outbox_dir(app, tmp_path):
        response = client.post("/admin/email/test", data={"to_address": "me@example.org"}, follow_redirects=True)

    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1 and "To: me@example.org" in files[0].read_text()
    assert f"The mail server accepted the test: written to {files[0]}" in _text(response)
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "test"))
        assert row.status == "sent" and row.attempts == 1 and row.attempt_log[0].ok
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "email.test")).target_id == row.id


def test_a_test_email_reports_what_a_real_server_answered(app, client, auth, people):
    auth.login(people["admin"])

    with smtp_server() as server, mail_config(app, server.port):
        response = client.post("/admin/email/test", data={"to_address": "Me@Example.org"}, follow_redirects=True)

    assert "The mail server accepted the test: 250 2.0.0 Ok: queued" in _text(response)
    assert [r.rcpt_tos for r in server.received] == [["me@example.org"]]
    assert server.received[0].message["Subject"] == f"Test email from {app.config['SITE_NAME']}"
    # Sent once: the worker finds nothing left to send.
    with app.app_context(), smtp_server() as again, mail_config(app, again.port):
        assert deliver().handled == 0 and again.received == []


@pytest.mark.parametrize("mode, answer", [("reject", "550 5.1.1 No such mailbox here"),
                                          ("defer", "451 4.3.0 Mailbox busy, try again later")])
def test_a_test_email_shows_the_server_s_refusal(app, client, auth, people, mode, answer):
    auth.login(people["admin"])

    with smtp_server(mode=mode) as server, mail_config(app, server.port):
        response = client.post("/admin/email/test", data={"to_address": "me@example.org"}, follow_redirects=True)

    text = _text(response)
    assert f"The test email could not be sent: {answer}" in text
    assert "failed" in text and answer in text
    with app.app_context():
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "test"))
        assert row.status == MessageStatus.FAILED.value and row.last_error == answer
        assert [a.ok for a in row.attempt_log] == [False]


def test_a_test_email_shows_a_refused_connection(app, client, auth, people):
    auth.login(people["admin"])

    with mail_config(app, free_port()):
        response = client.post("/admin/email/test", data={"to_address": "me@example.org"}, follow_redirects=True)

    assert "The test email could not be sent: ConnectionRefusedError" in _text(response)


@pytest.mark.parametrize("address, message", [
    ("", "This field is required."),
    ("not an address", "doesn't look like an email address"),
    ("me@example.org\r\nBcc: everyone@example.org", "control characters"),
    ("a" * 300 + "@example.org", "Please keep this to 254 characters"),
])
def test_a_bad_test_address_is_explained_and_nothing_is_sent(app, client, auth, people, tmp_path, address, message):
    auth.login(people["admin"])

    with _outbox_dir(app, tmp_path):
        response = client.post("/admin/email/test", data={"to_address": address})

    assert response.status_code == 422
    assert re.search(r'<p class="error" id="to_address-error">[^<]+</p>', response.get_data(as_text=True))
    assert message in unescape(response.get_data(as_text=True))
    assert not list(tmp_path.iterdir())
    with app.app_context():
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "test")) is None


def test_the_email_page_reads_in_a_fixed_number_of_queries(app, client, auth, people, count_queries):
    with app.app_context():
        _message("failed", 2, "550 no")
    auth.login(people["admin"])
    client.get("/admin/email")  # the first request may fill what is kept until the next write (site settings)
    with count_queries() as few:
        client.get("/admin/email")
    with app.app_context():
        for n in range(10):
            _message("queued" if n % 2 else "sent", n % 3, "451 later" if n % 2 else "")
    with count_queries() as many:
        client.get("/admin/email")

    assert len(many) == len(few)
