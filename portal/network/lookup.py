"""Finding the person a host means from what they typed: a profile link, an id, or an exact display name."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.text import parse_id
from portal.errors import ValidationError
from portal.extensions import db

_PROFILE = re.compile(r"(?:^|/)people/([0-9]{1,10})/?(?:[?#].*)?$")


def find_person(raw: str, field: str) -> User:
    """The one active account the text names; ValidationError otherwise, naming the field."""
    text = " ".join((raw or "").split())
    match = _PROFILE.search(text)
    user_id = parse_id(match.group(1)) if match else parse_id(text.lstrip("#"))
    if user_id is not None:
        person = db.session.get(User, user_id)
    else:
        found = db.session.scalars(select(User).where(func.lower(User.display_name) == text.lower(),
                                                      User.is_contact.is_(False)).limit(2)).all()
        if len(found) > 1:
            raise ValidationError({field: f"More than one person is called “{text}”: paste their profile link."})
        person = found[0] if found else None
    if person is None or person.is_contact:
        raise ValidationError({field: f"Nobody here matches “{text}”. Paste their profile link, …/people/12."})
    return person
