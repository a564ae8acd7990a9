"""Redirect targets that stay on this site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app

_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None, default: str = "/") -> str:
    """Return target when it is a local path on this site, else default."""
    if not target or len(target) > 2000 or _UNSAFE.search(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def external_url(endpoint: str, _anchor: str | None = None, **values: object) -> str:
    """An absolute URL on the configured SITE_URL; usable outside a request, and deaf to the Host header."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "https")
    url = adapter.build(endpoint, {k: v for k, v in values.items() if v is not None}, force_external=True)
    return f"{url}#{_anchor}" if _anchor else url
