"""Account use cases: sign-up, sign-in and sign-out, sessions, profile, password and role changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts import mail, throttle
from portal.accounts.card import clean_contacts, clean_visibility
from portal.accounts.models import User
from portal.audit.services import record
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import ValidationError
from portal.extensions import db
from portal.network.models import TagKind
from portal.network.tags import parse_tags, replace_tags
from portal.permissions import Role, can_manage_users, email_verification_required, require

PASSWORD_MIN, PASSWORD_MAX = 8, 200
NAME_MAX = 60
# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
# One answer for an unknown email and a wrong password, so sign-in never tells which addresses have accounts.
SIGN_IN_FAILED = "That email and password don't match an account."
TAKEN = "An account with this email already exists. Try signing in."


def normalize_email(raw: str | None) -> str:
    """Validate an address's syntax and return it lower-cased, or raise ValidationError."""
    value = clean_text(raw, "email", min_len=3, max_len=254)
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError({"email": f"That doesn't look like an email address: {exc}"}) from exc
    return checked.normalized.lower()


def check_new_password(password: str | None, field: str = "password") -> str:
    password = password or ""
    if len(password) < PASSWORD_MIN:
        raise ValidationError({field: f"Use at least {PASSWORD_MIN} characters."})
    if len(password) > PASSWORD_MAX:
        raise ValidationError({field: f"Use at most {PASSWORD_MAX} characters."})
    if "\x00" in password or "\ufffd" in password:
        raise ValidationError({field: "The password contains characters that cannot be used."})
    return password


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def _new_user(email: str, display_name: str, password: str, role: Role, password_hash: str = "") -> User:
    email = normalize_email(email)
    name = clean_text(display_name, "display_name", min_len=1, max_len=NAME_MAX)
    password = check_new_password(password)
    password_hash = password_hash or generate_password_hash(password, method="scrypt")
    existing = get_user_by_email(email)
    if existing is not None and existing.is_contact:
        # The team recorded this person's feedback before they signed up: the account becomes theirs. The team
        # typed the address, so it is not confirmed by that.
        existing.display_name, existing.is_contact, existing.email_verified_at = name, False, None
        existing.password_hash = password_hash
        return existing
    if existing is not None:
        raise ValidationError({"email": TAKEN})
    user = User(
        email=email, display_name=name, role=role.value, password_hash=password_hash,
    )
    db.session.add(user)
    return user


def add_account(email: str, display_name: str, password: str, password_hash: str = "") -> User:
    """A new customer account (or a contact account claimed) in the caller's transaction; not committed.

    `password_hash`, made from `password` before the transaction began, keeps the slow scrypt work outside it."""
    return _new_user(email, display_name, password, Role.CUSTOMER, password_hash)


def register_user(email: str, display_name: str, password: str, role: Role = Role.CUSTOMER) -> User:
    """Create an account; everyone who signs up is a customer."""
    user = _new_user(email, display_name, password, role)
    try:
        db.session.commit()
    except IntegrityError as exc:  # a concurrent sign-up with the same address won the race
        db.session.rollback()
        raise ValidationError({"email": TAKEN}) from exc
    return user


@dataclass(frozen=True)
class SignUp:
    """What sign-up did: `user` is the account to sign in now, or None for "check your email"."""

    user: User | None


def sign_up(email: str, display_name: str, password: str) -> SignUp:
    """Create an account. Where addresses must be confirmed, send the confirmation link and sign nobody in;
    an address with an account already gets a notice instead, and the answer is the same either way, so sign-up
    tells no one which addresses have accounts. Otherwise the new account is signed in at once."""
    if not email_verification_required():
        return SignUp(register_user(email, display_name, password))
    email = normalize_email(email)
    existing = get_user_by_email(email)
    if existing is not None and not existing.is_contact:
        clean_text(display_name, "display_name", min_len=1, max_len=NAME_MAX)
        check_new_password(password)
        generate_password_hash(password, method="scrypt")  # the work a new account costs: the time says nothing
        mail.send_signup_attempt(existing)
        db.session.commit()
        return SignUp(None)
    user = _new_user(email, display_name, password, Role.CUSTOMER)
    db.session.flush()
    mail.send_verification(user)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent sign-up with the same address won the race: its owner has the link
        db.session.rollback()
    return SignUp(None)


def authenticate(email: str | None, password: str | None) -> User | None:
    """Return the user when the email and password match. The same scrypt work whether or not the account exists
    (contacts, whose password is unusable, included), so the time taken says nothing either."""
    user = get_user_by_email(email or "")
    usable = user is not None and not user.is_contact
    ok = check_password_hash(user.password_hash if usable else _DUMMY_HASH, password or "")
    return user if usable and ok else None


def sign_in(email: str | None, password: str | None, address: str | None) -> User:
    """Check a sign-in attempt from a client address under the brute-force throttle.

    Returns the user; raises throttle.Throttled while the email or the address is locked (checked before the
    password, so a lock cannot be used to guess it), or ValidationError for a failure, which is counted."""
    email = (email or "").strip().lower()
    wait = throttle.retry_after(email, address)
    if wait:
        db.session.rollback()
        raise throttle.Throttled(wait)
    user = authenticate(email, password)
    if user is None:
        throttle.record_failure(email, address)
        db.session.commit()
        raise ValidationError({"sign_in": SIGN_IN_FAILED})
    if user.is_banned:  # the password was right, so this tells only its owner
        raise ValidationError({"sign_in": "This account has been suspended by the portal's admins."})
    if throttle.clear_account(email):
        db.session.commit()
    return user


def sign_out(user: User) -> None:
    """End every session of the account, this one included: a saved session or remember-me cookie replayed
    later names the old session version and is turned away. ("Sign out everywhere" is the same call.)"""
    user.end_sessions()
    db.session.commit()


# Built once and only bound: Session.get builds its statement, and SQLAlchemy its cache key, on every call, which
# was a fifth of loading the person on each signed-in POST.
_USER_ALONE = select(User).where(User.id == bindparam("user_id"))


def user_for_session(session_id: str) -> User | None:
    """The user a session or remember-me cookie names ("<id>:<session version>"), if it is still valid.

    Called on every request: a stale version (signed out, password changed, role changed, banned, email
    changed) or an inactive account yields nobody."""
    return session_user_with(session_id)[0]


def session_user_with(session_id: str, alongside: Select = _USER_ALONE) -> tuple[User | None, tuple[Any, ...]]:
    """`user_for_session`, and the values `alongside` selects after the user (taking the user's id as :user_id),
    read in the same statement: a page's first query then brings what every page needs beside the person."""
    user_id, _, version = session_id.partition(":")
    if not all(part.isascii() and part.isdigit() and len(part) <= 10 for part in (user_id, version)):
        return None, ()
    row = db.session.execute(alongside, {"user_id": int(user_id)}).first()
    user, values = (row[0], tuple(row[1:])) if row is not None else (None, ())
    if user is None or not user.is_active or user.session_version != int(version):
        return None, ()
    return user, values


def update_profile(actor: User, *, display_name: str, company: str = "", job_title: str = "", bio: str = "",
                   location: str = "", offers: str = "", needs: str = "",
                   contacts: Mapping[str, str] | None = None, visibility: Mapping[str, str] | None = None) -> User:
    """Change the actor's business card: who they are, offers and needs, contact details and who sees each.

    `contacts` maps phone/website/linkedin/github/mastodon to values, `visibility` maps every CONTACT_FIELDS
    name to a Visibility value; fields left out keep "only me". Nothing changes unless every field is valid."""
    values = {
        "display_name": clean_text(display_name, "display_name", min_len=1, max_len=NAME_MAX),
        "company": clean_text(company, "company", max_len=100),
        "job_title": clean_text(job_title, "job_title", max_len=100),
        "location": clean_text(location, "location", max_len=100),
        "bio": clean_text(bio, "bio", max_len=500, multiline=True),
    }
    values |= clean_contacts(contacts or {})
    values |= clean_visibility(visibility or {})
    tags = {TagKind.OFFER: parse_tags(offers, "offers"), TagKind.NEED: parse_tags(needs, "needs")}
    for key, value in values.items():
        setattr(actor, key, value)
    for kind, names in tags.items():
        replace_tags(actor.id, kind, names)
    db.session.commit()
    return actor


def change_password(actor: User, current: str, new: str) -> User:
    """Replace the actor's password after checking the current one; every session of the account ends (the
    caller signs the acting one in again)."""
    if not check_password_hash(actor.password_hash, current or ""):
        raise ValidationError({"current_password": "That is not your current password."})
    new = check_new_password(new, "new_password")
    actor.password_hash = generate_password_hash(new, method="scrypt")
    actor.end_sessions()
    db.session.commit()
    return actor


def set_role(actor: User, user: User, role: str) -> User:
    """Give a person a role; the last admin cannot demote themselves away."""
    require(can_manage_users(actor))
    try:
        new_role = Role(role)
    except ValueError as exc:
        raise ValidationError({"role": "Choose one of the listed roles."}) from exc
    if user.role == Role.ADMIN and new_role is not Role.ADMIN:
        # Lock the admin rows: two admins demoting each other at once must not leave none.
        admins = db.session.scalars(select(User.id).where(User.role == Role.ADMIN.value).with_for_update()).all()
        if len(admins) <= 1:
            raise ValidationError({"role": "The portal needs at least one admin."})
    if user.role != new_role.value:
        record(actor, "user.role", user, f"{user.email} → {new_role.value}", before={"role": user.role},
               after={"role": new_role.value})
        user.end_sessions()  # the person signs in again under the new role
    user.role = new_role.value
    db.session.commit()
    return user


def make_admin(email: str, password: str | None = None, display_name: str | None = None) -> tuple[User, bool]:
    """Promote an existing account to admin or create one; returns (user, created)."""
    user = get_user_by_email(email)
    if user is not None:
        if user.role != Role.ADMIN.value:
            user.role = Role.ADMIN.value
            user.end_sessions()
        db.session.commit()
        return user, False
    name = display_name or email.split("@", 1)[0]
    user = _new_user(email, name, password or "", Role.ADMIN)
    user.email_verified_at = utcnow()  # typed by the operator on the server, not by a stranger on the web
    db.session.commit()
    return user, True
