"""The request class: form text that is not valid UTF-8 arrives as U+FFFD, which core.text refuses politely."""

from __future__ import annotations

from typing import IO
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.formparser import FormDataParser

_URLENCODED = "application/x-www-form-urlencoded"


class _FormParser(FormDataParser):
    # Werkzeug keeps undecodable %XX bytes of url-encoded bodies as literal "%FF" text (which would then be
    # stored as if typed) and drops bodies with raw non-UTF-8 bytes. Multipart bodies already decode to U+FFFD.
    def parse(self, stream: IO[bytes], mimetype: str, content_length: int | None,
              options: dict[str, str] | None = None):
        if mimetype != _URLENCODED:
            return super().parse(stream, mimetype, content_length, options)
        body = stream.read().decode("utf-8", "replace")
        items = parse_qsl(body, keep_blank_values=True, encoding="utf-8", errors="replace")
        return stream, self.cls(items), self.cls()


class PortalRequest(Request):
    form_data_parser_class = _FormParser
