"""The only place user text becomes HTML: Markdown, then a bleach allow-list, then linkify."""

from __future__ import annotations

import html
import re
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter

from portal.errors import ValidationError

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "title"],
    "th": ["align"],
    "td": ["align"],
    "ol": ["start"],
    "code": ["class"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Limits that keep python-markdown linear and far from its recursion limit; each answered with a message.
MAX_NESTING = 16
MAX_LINES = 2000
MAX_RUN = 200
MAX_UNCLOSED = 50
MAX_TAGS = 300
_TAG_LIKE = re.compile(r"<[!/?a-zA-Z]")
_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[*+\-](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*")
_NEST_TOKEN = re.compile(r">|[*+\-]|\d{1,9}[.)]")
_RUN = re.compile(r"([\[\]()*_`~<>!\\])\1{" + str(MAX_RUN) + ",}")


def _set_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name in ("href", "src"):
        # bleach reads "javascript:1" as host:port; browsers ignore control characters inside schemes.
        scheme = _SCHEME.match(_IGNORED_IN_URL.sub("", value).lower())
        return scheme is None or scheme.group(1) in ALLOWED_PROTOCOLS
    return True


# Cleaning and linkifying in one pass: a separate linkify pass double-escapes code blocks.
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allow_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)],
)


def _nesting_depth(line: str) -> int:
    prefix = _PREFIX.match(line).group(0)
    indent = len(prefix.expandtabs(4)) - len(prefix.expandtabs(4).lstrip(" "))
    return len(_NEST_TOKEN.findall(prefix)) + indent // 4


def _max_nesting(lines: list[str]) -> int:
    """Deepest list/quote nesting outside fenced code blocks, whose indentation is only text."""
    deepest, i = 0, 0
    while i < len(lines):
        stripped = lines[i].lstrip()
        if stripped.startswith(("```", "~~~")):
            # Only a closed fence is code to python-markdown; an unclosed one is ordinary text.
            close = next((j for j in range(i + 1, len(lines)) if lines[j].lstrip().startswith(stripped[:3])), None)
            if close is not None:
                i = close + 1
                continue
        deepest = max(deepest, _nesting_depth(lines[i]))
        i += 1
    return deepest


def _unclosed(text: str, opening: str, closing: str) -> int:
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing and depth:
            depth -= 1
    return depth


def check_markdown_limits(text: str, field: str = "body") -> None:
    """Reject Markdown whose shape would make the renderer slow or recurse too deep."""
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        raise ValidationError({field: f"Please keep this under {MAX_LINES} lines."})
    if _max_nesting(lines) > MAX_NESTING:
        raise ValidationError({field: f"Lists and quotes can be nested at most {MAX_NESTING} levels deep."})
    if _unclosed(text, "[", "]") + _unclosed(text, "(", ")") > MAX_UNCLOSED:
        raise ValidationError({field: "This text has too many unclosed brackets; please close or remove some."})
    if len(_TAG_LIKE.findall(text)) > MAX_TAGS:
        raise ValidationError({field: f"This text has more than {MAX_TAGS} HTML tags; please use Markdown instead."})
    if _RUN.search(text):
        raise ValidationError({field: "This text repeats one symbol too many times in a row."})


def render_markdown(text: str, field: str = "body") -> str:
    """Render user Markdown to sanitized HTML, or raise ValidationError for pathological input."""
    check_markdown_limits(text, field)
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    try:
        raw = md.convert(text)
    except RecursionError as exc:
        raise ValidationError({field: "This text is nested too deeply to display."}) from exc
    return _cleaner.clean(raw)


def plain_text(rendered_html: str, limit: int | None = None) -> str:
    """Strip rendered HTML down to a single line of text, optionally cut at a word boundary."""
    text = html.unescape(bleach.clean(rendered_html, tags=set(), strip=True))
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return text
