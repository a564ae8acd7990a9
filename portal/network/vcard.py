"""The contact card (vCard 3.0, made by vobject) holding exactly what its viewer may see."""

from __future__ import annotations

from typing import Any

import vobject

from portal.accounts.card import visible_contacts
from portal.accounts.models import User
from portal.network.models import TagKind
from portal.network.tags import tags_of

SOCIAL = ("linkedin", "github", "mastodon")


def _note(person: User) -> str:
    tags = tags_of(person.id)
    lines = [person.bio] if person.bio else []
    if tags[TagKind.OFFER]:
        lines.append("Offers: " + ", ".join(tags[TagKind.OFFER]))
    if tags[TagKind.NEED]:
        lines.append("Looking for: " + ", ".join(tags[TagKind.NEED]))
    return "\n".join(lines)


def contact_card(viewer: Any, person: User, profile_url: str) -> str:
    """A vCard of the person's card: name, work, location, notes, and only the contact details the viewer may see."""
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(given=person.display_name)
    card.add("fn").value = person.display_name
    if person.company:
        card.add("org").value = [person.company]
    if person.job_title:
        card.add("title").value = person.job_title
    if person.location:
        adr = card.add("adr")
        adr.value = vobject.vcard.Address(city=person.location)
        adr.type_param = "WORK"
    if note := _note(person):
        card.add("note").value = note
    for contact in visible_contacts(viewer, person):
        if contact.field == "email":
            line = card.add("email")
            line.type_param = "INTERNET"
        elif contact.field == "phone":
            line = card.add("tel")
            line.type_param = "VOICE"
        elif contact.field in SOCIAL:
            line = card.add("x-socialprofile")
            line.type_param = contact.field
        else:
            line = card.add("url")
        line.value = contact.value
    card.add("source").value = profile_url
    return card.serialize()
