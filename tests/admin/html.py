"""Reading what a person sees on an admin page: messages beside fields, kept input, flashes."""

from __future__ import annotations

import re
from html import unescape


def field_error(page: str, field_id: str) -> str | None:
    """The message shown beside a field (the forms.field macro's `<p class="error" id="<id>-error">`)."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return unescape(match.group(1)).strip() if match else None


def input_value(page: str, name: str) -> str | None:
    """The value an `<input name=...>` holds, or None when there is no such input."""
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def is_checked(page: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    return bool(tag and re.search(r"\schecked\b", tag.group(0)))


def selected_option(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    if select is None:
        return None
    option = re.search(r'<option[^>]*\bselected\b[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*\bselected\b',
                       select.group(1))
    return unescape(option.group(1) or option.group(2)) if option else None


def flashes(page: str) -> list[str]:
    return [unescape(m).strip() for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page, re.S)]
