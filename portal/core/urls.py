"""Redirect targets that stay on this site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None, default: str = "/") -> str:
    """Return target when it is a local path on this site, else default."""
    if not target or len(target) > 2000 or _UNSAFE.search(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
