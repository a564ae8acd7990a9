"""Writing email into the outbox, inside the transaction of the change that caused it."""

from __future__ import annotations

from flask import current_app, render_template

from portal.accounts.models import User
from portal.core.urls import external_url
from portal.extensions import db
from portal.notifications.models import Event, OutboxMessage
from portal.notifications.text import one_line
from portal.notifications.tokens import ALL, make_token
from portal.permissions import can_receive_account_email, can_receive_email


def enqueue(user: User | None, kind: str, subject: str, template: str, *, to_address: str | None = None,
            unsubscribe_event: Event | str | None = None, account_mail: bool = False,
            **context: object) -> OutboxMessage | None:
    """Render `template` (.txt and .html) into an outbox row; the worker sends it after commit.

    `account_mail` is about the account itself (confirm an address, reset a password): it goes out before the
    address is confirmed, where notifications do not."""
    allowed = can_receive_account_email if account_mail else can_receive_email
    if user is not None and not allowed(user):
        return None
    address = to_address or (user.email if user else "")
    if not address:
        return None
    unsubscribe_url = ""
    if user is not None and unsubscribe_event is not None:
        unsubscribe_url = external_url("notifications.unsubscribe", token=make_token(user.id, unsubscribe_event))
    context |= {
        "user": user,
        "site_name": current_app.config["SITE_NAME"],
        "site_url": current_app.config["SITE_URL"],
        "preferences_url": external_url("notifications.preferences"),
        "unsubscribe_url": unsubscribe_url,
        "unsubscribe_all_url": external_url("notifications.unsubscribe", token=make_token(user.id, ALL))
        if user is not None else "",
    }
    message = OutboxMessage(
        user_id=user.id if user else None, kind=kind, to_address=address,
        to_name=one_line(user.display_name if user else "", 100), subject=one_line(subject, 200),
        text_body=render_template(f"emails/{template}.txt", **context),
        html_body=render_template(f"emails/{template}.html", **context),
        unsubscribe_url=unsubscribe_url,
    )
    db.session.add(message)
    return message
