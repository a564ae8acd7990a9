"""How each notification reads, the same in the portal, in email subjects and in digests."""

from __future__ import annotations

import re

from portal.notifications.models import ASKED_ABOUT, Event

_HEADLINES = {
    Event.STATUS_CHANGED: "{actor} moved “{title}” to {about}",
    Event.COMMENT: "{actor} commented on “{title}”",
    Event.MERGED: "“{title}” was merged into “{about}”",
    Event.REPLY: "{actor} replied to your comment on “{title}”",
    Event.MENTION: "{actor} mentioned you on “{title}”",
    Event.NEW_IDEA: "{actor} posted a new idea: “{title}”",
    Event.INTERNAL_NOTE: "{actor} wrote an internal note on “{title}”",
    Event.CONNECTION_REQUEST: "{actor} asked to connect with you",
    Event.CONNECTION_ACCEPTED: "{actor} accepted your connection request",
    Event.INTRODUCTION: "{actor} introduced you to {about}",
    Event.INVITEE_JOINED: "{actor} joined through your invitation",
    Event.COMMENT_HELPFUL: "{actor} marked your comment on “{title}” helpful",
    Event.INTRODUCTION_ASKED: "{actor} asks you to introduce them to {about}",
}
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def one_line(text: str, limit: int = 200) -> str:
    """Text safe for a mail header: no line breaks or control characters, bounded."""
    text = " ".join(_LINE_BREAKS.sub(" ", text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def headline(event: Event, *, actor: str | None, title: str, about: str = "") -> str:
    if event is Event.STATUS_CHANGED and not about:  # a note without a move
        return f"{actor or 'Someone'} posted an update on “{title}”"
    if event is Event.INTRODUCTION_ASKED:  # the stored "(#id)" is for the host's link, not for reading
        about = ASKED_ABOUT.sub("", about).rstrip()
    return _HEADLINES[event].format(actor=actor or "Someone", title=title, about=about)
