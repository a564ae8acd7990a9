"""Response headers every page carries, and URL id converters bounded to what the id columns hold."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.routing import IntegerConverter

from portal.core.text import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` that refuses numbers the 32-bit id columns cannot hold (a 404, not a database error)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def register_security(app: Flask) -> None:
    """Bound integer URL parts and add the headers; call before blueprints are registered."""
    app.url_map.converters["int"] = IdConverter
    app.after_request(_add_headers)
