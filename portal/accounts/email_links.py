"""Use cases behind emailed links: confirming an address, resetting a password, moving to a new address.

Opening a link (GET) only reads; what it does happens when the page's button is pressed (POST), so a mail
scanner that follows links changes nothing.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts import mail, throttle
from portal.accounts.models import User
from portal.accounts.services import check_new_password, get_user_by_email, normalize_email
from portal.accounts.tokens import Claims, InvalidLink, read_email_change, read_reset, read_verification
from portal.core.models import utcnow
from portal.errors import ValidationError
from portal.extensions import db

# The "send it again" button and the reset form queue at most one mail a minute per account.
RESEND_SECONDS = 60
TAKEN_ADDRESS = "That address already belongs to another account."


def _account(claims: Claims, *, lock: bool = False) -> User:
    """The account a link names while the link still applies; banned accounts and contacts get nothing.

    `lock` holds the row until commit, so two uses of one link at once cannot both pass the check."""
    user = claims.check(db.session.get(User, claims.user_id, with_for_update=lock, populate_existing=lock))
    if not user.is_active:
        raise InvalidLink()
    return user


# --- confirming an address ----------------------------------------------------------------------------------

def verification_account(token: str) -> User:
    """The account a confirmation link is for; raises InvalidLink."""
    return _account(read_verification(token))


def verify_email(token: str) -> User:
    """Mark the address a confirmation link was sent to as confirmed. Opening the link again changes nothing."""
    user = verification_account(token)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.commit()
    return user


def resend_verification(user: User) -> None:
    """Send the confirmation link again, at most once a minute."""
    if user.email_verified_at is not None:
        raise ValidationError({"email": "Your email address is already confirmed."})
    if mail.sent_within(user, mail.VERIFY, RESEND_SECONDS):
        raise ValidationError({"email": "We sent you a link less than a minute ago. Check your inbox and spam "
                                        "folder, or try again in a minute."})
    mail.send_verification(user)
    db.session.commit()


# --- resetting a password -----------------------------------------------------------------------------------

def request_password_reset(email: str) -> None:
    """Email a reset link if an account has this address. Nothing tells the caller whether one did: the page
    says the same in every case."""
    user = get_user_by_email(normalize_email(email))
    if user is None or not user.is_active or mail.sent_within(user, mail.RESET, RESEND_SECONDS):
        db.session.rollback()
        return
    mail.send_reset(user)
    db.session.commit()


def reset_account(token: str, *, lock: bool = False) -> User:
    """The account a reset link is for, while the link works; raises InvalidLink."""
    return _account(read_reset(token), lock=lock)


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link. The link dies with the old password; every session ends; the
    sign-in throttle forgets the account, so a locked-out owner gets back in."""
    user = reset_account(token, lock=True)
    user.password_hash = generate_password_hash(check_new_password(password), method="scrypt")
    if user.email_verified_at is None:  # the link reached the mailbox: the address is theirs
        user.email_verified_at = utcnow()
    user.end_sessions()
    throttle.clear_account(user.email)
    db.session.commit()
    return user


# --- moving to a new address --------------------------------------------------------------------------------

def request_email_change(actor: User, new_email: str, password: str) -> str:
    """Send a confirmation link to a new address; the address changes only when that link is opened.

    Asks for the password, so someone at an unattended, signed-in computer cannot take the account over.
    Whether the new address is taken is not said here (that would tell who has accounts); no link goes to it."""
    if not check_password_hash(actor.password_hash, password or ""):
        raise ValidationError({"password": "That is not your current password."})
    try:
        new_email = normalize_email(new_email)
    except ValidationError as exc:
        raise ValidationError({"new_email": exc.errors["email"]}) from exc
    if new_email == actor.email:
        raise ValidationError({"new_email": "That is your address already."})
    if mail.sent_within(actor, mail.EMAIL_CHANGE, RESEND_SECONDS):
        raise ValidationError({"new_email": "We sent a link less than a minute ago. Try again in a minute."})
    if get_user_by_email(new_email) is None:
        mail.send_email_change(actor, new_email)
    db.session.commit()
    return new_email


def email_change_claims(token: str, *, lock: bool = False) -> tuple[User, str]:
    """(account, new address) for an address-change link; raises InvalidLink."""
    claims = read_email_change(token)
    return _account(claims, lock=lock), claims.new_email


def confirm_email_change(token: str) -> User:
    """Move the account to the confirmed new address, end its sessions and tell the old address."""
    user, new_email = email_change_claims(token, lock=True)
    if get_user_by_email(new_email) is not None:
        raise ValidationError({"email": TAKEN_ADDRESS})
    old_email = user.email
    user.email, user.email_verified_at = new_email, utcnow()
    user.end_sessions()
    mail.send_email_changed(user, old_email)
    try:
        db.session.commit()
    except IntegrityError as exc:  # someone signed up with the address meanwhile
        db.session.rollback()
        raise ValidationError({"email": TAKEN_ADDRESS}) from exc
    return user
