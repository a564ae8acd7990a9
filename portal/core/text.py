"""Checks for user-typed text shared by forms and services, so shape rules are written once."""

from __future__ import annotations

import re
import unicodedata

from portal.errors import ValidationError

# C0/C1 controls other than tab, newline and carriage return; NUL is among them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SLUG_STRIP = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def text_problem(value: str, *, min_len: int = 0, max_len: int, multiline: bool = False) -> str | None:
    """Return what is wrong with a piece of user text, or None when it is acceptable."""
    if "\ufffd" in value:
        return "This contains characters that are not valid text (invalid UTF-8). Please retype it."
    if _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        return "This contains control characters. Please remove them."
    length = len(value.strip())
    if min_len and length == 0:
        return "This field is required."
    if length < min_len:
        return f"Please write at least {min_len} characters."
    if length > max_len:
        return f"Please keep this to {max_len:,} characters or fewer (it has {length:,})."
    return None


def clean_text(value: str | None, field: str, *, min_len: int = 0, max_len: int, multiline: bool = False) -> str:
    """Strip and validate user text, raising ValidationError({field: message}) when it is unacceptable."""
    value = (value or "").replace("\r\n", "\n")
    problem = text_problem(value, min_len=min_len, max_len=max_len, multiline=multiline)
    if problem:
        raise ValidationError({field: problem})
    return value.strip()


def slugify(value: str, max_len: int = 60) -> str:
    """Turn a title into a URL-safe slug; empty when nothing usable remains."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")[:max_len].rstrip("-")


_ID = re.compile(r"[0-9]{1,10}")
MAX_ID = 2**31 - 1  # ids are 32-bit integer columns on PostgreSQL


def parse_id(raw: str | None) -> int | None:
    """Read a row id from user input: ASCII digits that fit the id columns, else None."""
    return int(raw) if raw and _ID.fullmatch(raw) and int(raw) <= MAX_ID else None


def strip_controls(value: str) -> str:
    """Drop control characters from free-form query input such as a search box."""
    return _CONTROL.sub("", value)
