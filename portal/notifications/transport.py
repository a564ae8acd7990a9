"""Handing a message to the mail server (Flask-Mailman's SMTP connection), or to instance/outbox/ without one."""

from __future__ import annotations

import contextlib
import smtplib
from abc import ABC, abstractmethod
from datetime import datetime
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_mailman import EmailMultiAlternatives
from flask_mailman.backends.smtp import EmailBackend

from portal.notifications.models import OutboxMessage


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx answer); retrying would not help."""


def build_message(row: OutboxMessage) -> EmailMultiAlternatives:
    """The MIME message for an outbox row: both bodies, a stable Message-ID, and the unsubscribe headers."""
    site = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    headers = {
        # Stable per row, so a message resent after a worker died mid-send can be recognised as the same one.
        "Message-ID": f"<outbox.{row.id}.{int(row.created_at.timestamp())}@{site}>",
        "Date": format_datetime(row.created_at),
        "Auto-Submitted": "auto-generated",
    }
    if row.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # formataddr quotes a name holding commas, angle brackets or "Bcc:"; Flask-Mailman refuses line breaks.
    message = EmailMultiAlternatives(subject=row.subject, body=row.text_body,
                                     from_email=current_app.config["MAIL_DEFAULT_SENDER"],
                                     to=[formataddr((row.to_name, row.to_address))], headers=headers)
    message.attach_alternative(row.html_body, "text/html")
    return message


class Transport(ABC):
    """One connection's worth of sending; `send` returns what the server answered."""

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def send(self, message: EmailMultiAlternatives) -> str:
        """Hand one message over; raise PermanentFailure, OSError or an SMTP error when it is not taken."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection, if any."""


class OutboxDirTransport(Transport):
    """Development without a mail server: each message becomes an .eml file and one log line."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def close(self) -> None:
        """Each file is closed as it is written; nothing stays open."""

    def send(self, message: EmailMultiAlternatives) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        mime = message.message()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        msg_id = mime["Message-ID"].strip("<>").split("@")[0].replace("/", "_")
        path = self.folder / f"{stamp}-{msg_id}.eml"
        path.write_bytes(mime.as_bytes())
        current_app.logger.info("Mail to %s written to %s (no MAIL_SERVER set): %s", message.to[0], path,
                                message.subject)
        return f"written to {path}"


class SmtpTransport(Transport):
    """A real mail server, reached through Flask-Mailman's connection handling (TLS, SSL, login, timeout)."""

    def __init__(self) -> None:
        config = current_app.config
        # Read at each connection rather than once at start-up, so a changed setting needs no restart.
        self.backend = EmailBackend(host=config["MAIL_SERVER"], port=config["MAIL_PORT"],
                                    username=config["MAIL_USERNAME"], password=config["MAIL_PASSWORD"],
                                    use_tls=config["MAIL_USE_TLS"], use_ssl=config["MAIL_USE_SSL"],
                                    timeout=config["MAIL_TIMEOUT"])

    def send(self, message: EmailMultiAlternatives) -> str:
        self.backend.open()
        conn = self.backend.connection
        mime = message.message()
        sender, recipients = message.from_email, message.recipients()
        try:
            return _transmit(conn, sender, recipients, mime.as_bytes(linesep="\r\n"))
        except smtplib.SMTPServerDisconnected:
            self.backend.connection = None  # the next message opens a fresh connection
            raise

    def close(self) -> None:
        try:
            self.backend.close()
        except (OSError, smtplib.SMTPException):
            self.backend.connection = None


def _reply(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(text.split())}"


def _check(code: int, text: bytes, ok: tuple[int, ...], conn: smtplib.SMTP) -> None:
    if code in ok:
        return
    with contextlib.suppress(OSError, smtplib.SMTPException):
        conn.rset()
    if 500 <= code < 600:
        raise PermanentFailure(_reply(code, text))
    raise smtplib.SMTPResponseException(code, text)


def _transmit(conn: smtplib.SMTP, sender: str, recipients: list[str], data: bytes) -> str:
    # smtplib.sendmail does these three steps but throws the server's final answer away; the admin page and
    # the attempt log keep it ("250 2.0.0 Ok: queued as 4F2A…").
    conn.ehlo_or_helo_if_needed()
    _, sender_address = _split(sender)
    code, text = conn.mail(sender_address)
    _check(code, text, (250,), conn)
    for recipient in recipients:
        code, text = conn.rcpt(_split(recipient)[1])
        _check(code, text, (250, 251), conn)
    code, text = conn.data(data)
    _check(code, text, (250,), conn)
    return _reply(code, text)


def _split(address: str) -> tuple[str, str]:
    return parseaddr(address)


def open_transport() -> Transport:
    if current_app.config.get("MAIL_SERVER"):
        return SmtpTransport()
    return OutboxDirTransport(current_app.config["OUTBOX_DIR"])
