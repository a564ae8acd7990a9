"""Account use cases: sign-up, sign-in check, profile, password and role changes."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.text import clean_text
from portal.errors import ValidationError
from portal.extensions import db
from portal.permissions import Role, can_manage_users, require

PASSWORD_MIN, PASSWORD_MAX = 8, 200
NAME_MAX = 60
# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def normalize_email(raw: str | None) -> str:
    """Validate an address's syntax and return it lower-cased, or raise ValidationError."""
    value = clean_text(raw, "email", min_len=3, max_len=254)
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError({"email": f"That doesn't look like an email address: {exc}"}) from exc
    return checked.normalized.lower()


def _check_password(password: str | None, field: str = "password") -> str:
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


def _new_user(email: str, display_name: str, password: str, role: Role) -> User:
    email = normalize_email(email)
    name = clean_text(display_name, "display_name", min_len=1, max_len=NAME_MAX)
    password = _check_password(password)
    existing = get_user_by_email(email)
    if existing is not None and existing.is_contact:
        # The team recorded this person's feedback before they signed up: the account becomes theirs.
        existing.display_name, existing.is_contact = name, False
        existing.password_hash = generate_password_hash(password, method="scrypt")
        return existing
    if existing is not None:
        raise ValidationError({"email": "An account with this email already exists. Try signing in."})
    user = User(
        email=email, display_name=name, role=role.value,
        password_hash=generate_password_hash(password, method="scrypt"),
    )
    db.session.add(user)
    return user


def register_user(email: str, display_name: str, password: str, role: Role = Role.CUSTOMER) -> User:
    """Create an account; everyone who signs up is a customer."""
    user = _new_user(email, display_name, password, role)
    try:
        db.session.commit()
    except IntegrityError as exc:  # a concurrent sign-up with the same address won the race
        db.session.rollback()
        raise ValidationError({"email": "An account with this email already exists. Try signing in."}) from exc
    return user


def authenticate(email: str | None, password: str | None) -> User | None:
    """Return the user when the email and password match; same work for unknown emails."""
    user = get_user_by_email(email or "")
    password_hash = user.password_hash if user else _DUMMY_HASH
    ok = check_password_hash(password_hash, password or "")
    return user if user is not None and ok else None


def update_profile(actor: User, *, display_name: str, company: str = "", job_title: str = "", bio: str = "",
                   website: str = "", show_website: bool = False, show_email: bool = False) -> User:
    """Change what the actor's public profile shows; nothing changes unless every field is valid."""
    values = {
        "display_name": clean_text(display_name, "display_name", min_len=1, max_len=NAME_MAX),
        "company": clean_text(company, "company", max_len=100),
        "job_title": clean_text(job_title, "job_title", max_len=100),
        "bio": clean_text(bio, "bio", max_len=500, multiline=True),
        "website": clean_text(website, "website", max_len=300),
    }
    if values["website"] and not values["website"].lower().startswith(("http://", "https://")):
        raise ValidationError({"website": "Start the address with https:// or http://."})
    values["show_website"] = bool(show_website and values["website"])
    values["show_email"] = bool(show_email)
    for key, value in values.items():
        setattr(actor, key, value)
    db.session.commit()
    return actor


def change_password(actor: User, current: str, new: str) -> User:
    """Replace the actor's password after checking the current one."""
    if not check_password_hash(actor.password_hash, current or ""):
        raise ValidationError({"current_password": "That is not your current password."})
    new = _check_password(new, "new_password")
    actor.password_hash = generate_password_hash(new, method="scrypt")
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
    user.role = new_role.value
    db.session.commit()
    return user


def make_admin(email: str, password: str | None = None, display_name: str | None = None) -> tuple[User, bool]:
    """Promote an existing account to admin or create one; returns (user, created)."""
    user = get_user_by_email(email)
    if user is not None:
        user.role = Role.ADMIN.value
        db.session.commit()
        return user, False
    name = display_name or email.split("@", 1)[0]
    user = _new_user(email, name, password or "", Role.ADMIN)
    db.session.commit()
    return user, True
