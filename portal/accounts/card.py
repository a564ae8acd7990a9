"""The business card's contact details: checking what a person typed, and what a viewer may see of it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.accounts.models import CONTACT_FIELDS, User
from portal.core.text import clean_text
from portal.errors import ValidationError
from portal.network.queries import are_connected
from portal.permissions import Visibility, can_see_contact

# Editable on the card; the email address is the account's own and changes through its confirmation link.
LINK_FIELDS = ("website", "linkedin", "github", "mastodon")
LABELS = {"email": "Email", "phone": "Phone", "website": "Website", "linkedin": "LinkedIn", "github": "GitHub",
          "mastodon": "Mastodon"}
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{4,38}")


def _clean_link(value: str | None, field: str) -> str:
    link = clean_text(value, field, max_len=300)
    if link and not link.lower().startswith(("https://", "http://")):
        raise ValidationError({field: "Start the address with https:// or http://."})
    if any(ch.isspace() for ch in link):
        raise ValidationError({field: "A web address has no spaces."})
    return link


def clean_contacts(contacts: Mapping[str, str | None]) -> dict[str, str]:
    """Phone and web addresses, trimmed and checked; ValidationError names the first bad field."""
    phone = clean_text(contacts.get("phone"), "phone", max_len=40)
    if phone and not _PHONE.fullmatch(phone):
        raise ValidationError({"phone": "Use digits, spaces, + ( ) - . only, for example +44 20 7946 0958."})
    return {"phone": phone} | {field: _clean_link(contacts.get(field), field) for field in LINK_FIELDS}


def clean_visibility(choices: Mapping[str, str | None]) -> dict[str, str]:
    """One Visibility per contact field; a field not given stays "only me"."""
    allowed = {v.value for v in Visibility}
    values = {}
    for field in CONTACT_FIELDS:
        choice = choices.get(field) or Visibility.ME.value
        if choice not in allowed:
            raise ValidationError({f"{field}_visibility": "Choose who may see this."})
        values[f"{field}_visibility"] = choice
    return values


@dataclass(frozen=True)
class ContactDetail:
    field: str
    label: str
    value: str
    visibility: Visibility

    @property
    def href(self) -> str:
        if self.field == "email":
            return f"mailto:{self.value}"
        if self.field == "phone":
            return "tel:" + "".join(ch for ch in self.value if ch.isdigit() or ch == "+")
        return self.value


def visible_contacts(viewer: Any, owner: User, *, connected: bool | None = None) -> list[ContactDetail]:
    """The owner's filled-in contact details that the viewer may see, in card order."""
    if connected is None:
        connected = _connected(viewer, owner)
    shown = []
    for field in CONTACT_FIELDS:
        value = getattr(owner, field) or ""
        visibility = getattr(owner, f"{field}_visibility")
        if value and can_see_contact(viewer, owner, visibility, connected=connected):
            shown.append(ContactDetail(field, LABELS[field], value, Visibility(visibility)))
    return shown


def _connected(viewer: Any, owner: User) -> bool | None:
    """Asked once per card, and only when some filled-in detail is for connections."""
    if not getattr(viewer, "is_authenticated", False) or viewer.id == owner.id:
        return None
    if not any(getattr(owner, field) and getattr(owner, f"{field}_visibility") == Visibility.CONNECTIONS.value
               for field in CONTACT_FIELDS):
        return None
    return are_connected(viewer.id, owner.id)
