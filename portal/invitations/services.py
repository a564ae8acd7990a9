"""Inviting people by email, and joining through an invitation (which credits the inviter)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from portal.accounts import mail as account_mail
from portal.accounts.models import User
from portal.accounts.services import TAKEN, add_account, check_new_password, get_user_by_email, normalize_email
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.core.urls import external_url
from portal.errors import ValidationError
from portal.extensions import db
from portal.invitations.models import NOTE_MAX, Invitation
from portal.invitations.tokens import MAX_AGE_DAYS, InvalidInvitation, make_token, read_token
from portal.network.events import tell
from portal.notifications.models import Event
from portal.notifications.outbox import enqueue
from portal.permissions import can_invite, email_verification_required, require
from portal.prototypes.models import Prototype

MAX_AT_ONCE = 10
KIND = "invitation"
_SEPARATORS = re.compile(r"[\s,;]+")


def daily_cap() -> int:
    return int(current_app.config.get("INVITATIONS_PER_DAY", 20))


def sent_in_last_day(inviter_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.inviter_id == inviter_id, Invitation.created_at > utcnow() - timedelta(days=1))) or 0


def parse_addresses(raw: str | None, own_email: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or lines; each checked, duplicates dropped."""
    parts = [part for part in _SEPARATORS.split(raw or "") if part]
    if not parts:
        raise ValidationError({"emails": "Enter at least one email address."})
    if len(parts) > MAX_AT_ONCE:
        raise ValidationError({"emails": f"Invite at most {MAX_AT_ONCE} people at once."})
    addresses: list[str] = []
    for part in parts:
        try:
            address = normalize_email(part)
        except ValidationError as exc:
            raise ValidationError({"emails": f"“{part[:80]}” doesn't look like an email address."}) from exc
        if address == own_email.lower():
            raise ValidationError({"emails": "That is your own address: invite someone else."})
        if address not in addresses:
            addresses.append(address)
    return addresses


def _check_not_invited(inviter: User, addresses: list[str]) -> None:
    pending = db.session.scalars(select(Invitation.email).where(
        Invitation.inviter_id == inviter.id, Invitation.email.in_(addresses), Invitation.accepted_at.is_(None),
        Invitation.created_at > utcnow() - timedelta(days=MAX_AGE_DAYS))).all()
    if pending:
        raise ValidationError({"emails": f"You already invited {', '.join(sorted(set(pending)))}; "
                                         "that invitation is still open."})


def _check_cap(inviter: User, wanted: int) -> None:
    # Lock the inviter's row so two requests at once cannot both pass the cap (SQLite serialises writers anyway).
    db.session.execute(select(User.id).where(User.id == inviter.id).with_for_update())
    left = max(daily_cap() - sent_in_last_day(inviter.id), 0)
    if wanted > left:
        raise ValidationError({"emails": f"You can send {daily_cap()} invitations a day and have {left} left "
                                         "for now. Try fewer addresses, or again tomorrow."})


def send_invitations(inviter: User, raw_emails: str | None, note: str | None,
                     prototype: Prototype | None = None) -> list[Invitation]:
    """Invite one or more addresses to the portal (or to one prototype) with a personal note, by email."""
    require(can_invite(inviter), "Confirm your email address before inviting people.")
    addresses = parse_addresses(raw_emails, inviter.email)
    note = clean_text(note, "note", max_len=NOTE_MAX, multiline=True)
    _check_not_invited(inviter, addresses)
    _check_cap(inviter, len(addresses))
    invitations = [Invitation(inviter_id=inviter.id, email=address, note=note,
                              prototype_id=prototype.id if prototype else None) for address in addresses]
    db.session.add_all(invitations)
    db.session.flush()
    for invitation in invitations:
        _mail(inviter, invitation, prototype)
    db.session.commit()
    return invitations


def _mail(inviter: User, invitation: Invitation, prototype: Prototype | None) -> None:
    site = current_app.config["SITE_NAME"]
    what = f"the {prototype.name} prototype on {site}" if prototype else site
    enqueue(None, KIND, f"{inviter.display_name} invited you to {what}", "invitations/invitation",
            to_address=invitation.email, inviter=inviter, prototype=prototype, note=invitation.note, days=MAX_AGE_DAYS,
            link=external_url("invitations.show", token=make_token(invitation.id, invitation.email)))


def read_invitation(token: str) -> Invitation:
    """The invitation a link names while it may still be used; InvalidInvitation says why not."""
    claims = read_token(token)
    invitation = db.session.get(Invitation, claims.invitation_id)
    if invitation is None or invitation.email != claims.email:
        raise InvalidInvitation("invalid")
    if invitation.is_used:
        raise InvalidInvitation("used")
    return invitation


def invited_address_has_account(invitation: Invitation) -> bool:
    existing = get_user_by_email(invitation.email)
    return existing is not None and not existing.is_contact


@dataclass(frozen=True)
class Joined:
    """What joining did: `user` is the account to sign in now, or None for "check your email"."""

    user: User | None
    prototype: Prototype | None
    inviter_name: str = ""


def join(token: str, email: str | None, display_name: str | None, password: str | None) -> Joined:
    """Sign up through an invitation: the account is credited to the inviter and the link is used up.

    The link reached the invited address, so signing up with that address confirms it; another address is
    confirmed as on ordinary sign-up, and a taken one is answered as ordinary sign-up does."""
    read_token(token)  # a forged link is refused before any work
    address = normalize_email(email)
    password = check_new_password(password)
    # scrypt is slow on purpose: hashed before the first query, so no transaction (nor SQLite's write lock) waits on it.
    password_hash = generate_password_hash(password, method="scrypt")
    invitation = read_invitation(token)
    same_address = address == invitation.email
    confirm_by_mail = email_verification_required() and not same_address
    if confirm_by_mail and (existing := get_user_by_email(address)) is not None and not existing.is_contact:
        account_mail.send_signup_attempt(existing)
        db.session.commit()
        return Joined(None, invitation.prototype, invitation.inviter.display_name)
    user = add_account(address, display_name or "", password, password_hash)
    if same_address:
        user.email_verified_at = utcnow()
    db.session.flush()
    _claim(invitation, user)
    if invitation.inviter is not None:
        prototype_name = invitation.prototype.name if invitation.prototype else ""
        tell(Event.INVITEE_JOINED, invitation.inviter, actor=user, about=prototype_name)
    if confirm_by_mail:
        account_mail.send_verification(user)
    try:
        db.session.commit()
    except IntegrityError as exc:  # the address was taken by a sign-up at the same moment
        db.session.rollback()
        raise ValidationError({"email": TAKEN}) from exc
    return Joined(None if confirm_by_mail else user, invitation.prototype, invitation.inviter.display_name)


def _claim(invitation: Invitation, user: User) -> None:
    """Use the invitation up, once: a conditional UPDATE, so two sign-ups through one link cannot both win."""
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise InvalidInvitation("used")
