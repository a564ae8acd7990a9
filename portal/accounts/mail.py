"""Email about the account itself, written to the outbox inside the caller's transaction.

Links are built on SITE_URL by external_url, never from the request's Host header: a forged Host must not
turn a reset link into one that points at someone else's server.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.accounts import tokens
from portal.accounts.models import User
from portal.core.models import utcnow
from portal.core.urls import external_url
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.notifications.outbox import enqueue

VERIFY, SIGNUP_ATTEMPT, RESET = "verify_email", "signup_attempt", "password_reset"
EMAIL_CHANGE, EMAIL_CHANGED = "email_change", "email_changed"


def _site() -> str:
    return current_app.config["SITE_NAME"]


def last_sent(user: User, kind: str) -> datetime | None:
    """When the newest mail of `kind` to this account was queued, or None."""
    return db.session.scalar(select(func.max(OutboxMessage.created_at))
                             .where(OutboxMessage.user_id == user.id, OutboxMessage.kind == kind))


def sent_within(user: User, kind: str, seconds: int) -> bool:
    sent = last_sent(user, kind)
    return sent is not None and sent > utcnow() - timedelta(seconds=seconds)


def send_verification(user: User) -> None:
    enqueue(user, VERIFY, f"Confirm your email address for {_site()}", "accounts/verify_email", account_mail=True,
            link=external_url("accounts.verify_email", token=tokens.verification_token(user)),
            hours=tokens.VERIFY_MAX_AGE // 3600)


def send_signup_attempt(user: User) -> None:
    """Someone signed up with an address that has an account: tell its owner, not the person signing up."""
    enqueue(user, SIGNUP_ATTEMPT, f"Someone tried to sign up to {_site()} with your address",
            "accounts/signup_attempt", account_mail=True, sign_in_url=external_url("accounts.login"),
            reset_url=external_url("accounts.forgot_password"))


def send_reset(user: User) -> None:
    enqueue(user, RESET, f"Reset your password for {_site()}", "accounts/password_reset", account_mail=True,
            link=external_url("accounts.reset_password", token=tokens.reset_token(user)),
            minutes=tokens.RESET_MAX_AGE // 60)


def send_email_change(user: User, new_email: str) -> None:
    """The confirmation link goes to the new address: the change waits until its owner opens it."""
    enqueue(user, EMAIL_CHANGE, f"Confirm your new email address for {_site()}", "accounts/email_change",
            account_mail=True, to_address=new_email, new_email=new_email,
            link=external_url("accounts.confirm_email_change", token=tokens.email_change_token(user, new_email)),
            hours=tokens.CHANGE_MAX_AGE // 3600)


def send_email_changed(user: User, old_email: str) -> None:
    """Tell the old address that the account moved away from it, in case that was not its owner's doing."""
    enqueue(user, EMAIL_CHANGED, f"The email address of your {_site()} account was changed",
            "accounts/email_changed", account_mail=True, to_address=old_email, new_email=user.email)
