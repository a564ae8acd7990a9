"""The only place user text becomes HTML: Markdown, then a bleach allow-list, then linkify."""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

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
# A table's cost is in its cells (every one is parsed twice, by Markdown and by the cleaner); a thousand
# dividers is a table far bigger than an idea needs, and keeps the worst one well under a tenth of a second.
MAX_TABLE_DIVIDERS = 1000
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
    if tag == "a" and name == "class":
        # Only the class mention links carry; users get no other say in styling.
        return value == MENTION_CLASS
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
    if text.count("|") > MAX_TABLE_DIVIDERS:
        raise ValidationError({field: f"This text has more than {MAX_TABLE_DIVIDERS} table dividers (|); please make "
                                      "the table smaller or link to a spreadsheet."})
    if _RUN.search(text):
        raise ValidationError({field: "This text repeats one symbol too many times in a row."})


def _convert(text: str, field: str, mentions: _MentionProcessor | None = None) -> str:
    check_markdown_limits(text, field)
    md = markdown.Markdown(
        extensions=["fenced_code", "tables", "sane_lists"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    if mentions is not None:
        # Last of the inline patterns: code spans, links and raw HTML have been set aside by then.
        md.inlinePatterns.register(mentions, "mention", 1)
    try:
        return md.convert(text)
    except RecursionError as exc:
        raise ValidationError({field: "This text is nested too deeply to display."}) from exc


def render_markdown(text: str, field: str = "body", mentions: Mapping[str, str | None] | None = None) -> str:
    """Render user Markdown to sanitized HTML, or raise ValidationError for pathological input.

    `mentions` maps a lower-cased name (see `mention_key`) to the path of that person's profile: `@Name` becomes
    a link there. A name mapped to None matches someone but is not linked (ambiguous), and stays text.
    """
    return _cleaner.clean(_convert(text, field, _MentionProcessor(links=mentions) if mentions else None))


def mention_names(text: str, field: str = "body") -> list[str]:
    """The distinct names written after `@` where a mention can be: not in code, links or HTML tags.

    Each is up to MENTION_WORDS words; which leading words really name someone is decided by the caller.
    """
    if "@" not in text:  # most texts: no Markdown pass at all
        return []
    found: list[str] = []
    _convert(text, field, _MentionProcessor(found=found))
    return found


# --- @mentions ----------------------------------------------------------------------------------------------

MENTION_CLASS = "mention"
MENTION_WORDS = 4
MAX_MENTION_NAMES = 50  # distinct names read from one text; a text with more is spam, the rest is ignored
MAX_MENTION_LINKS = 200  # links made in one text: thousands of them would cost bleach seconds
# A name's words start with a letter or digit of any script, then go on with anything that is not whitespace,
# Markdown syntax or punctuation that ends a name; "." "-" and apostrophes stay (J.R., Anne-Marie, O'Brien).
_WORD = r"[^\W_][^\s\x00-\x1f\x7f@<>()\[\]{}\"`*_~,;:!?/\\|&=+#%^$]*"
# `@` at the start or after whitespace or punctuation, but not inside an email address (a@b.com), a URL path
# (https://example.social/@ana) or a word. After an element set aside by python-markdown (its placeholder ends
# in \x03: `code`, <b>, **bold**) a mention may start.
MENTION_RE = r"(?<![\w.+\-/@=&#%\\~\x02])@(" + _WORD + r"(?: +" + _WORD + r"){0," + str(MENTION_WORDS - 1) + "})"
_POSSESSIVE = re.compile(r"['’][sS]$")


def mention_key(name: str) -> str:
    """How a name is compared: words joined by one space, composed Unicode, lower case."""
    return unicodedata.normalize("NFC", " ".join(name.split())).lower()


def _trim(word: str) -> str:
    # Punctuation after a name ends the sentence or the quote ("@Ana," "@Ana." "“@Ana”"), it is not part of it.
    while word and unicodedata.category(word[-1])[0] in "PS":
        word = word[:-1]
    return word


def _word_variants(word: str) -> list[str]:
    """A last word as written, without trailing punctuation, and without a possessive ("Ana's")."""
    trimmed = _trim(word)
    variants = [word, trimmed, _trim(_POSSESSIVE.sub("", trimmed))]
    return [v for i, v in enumerate(variants) if v and v not in variants[:i]]


def mention_prefixes(name: str) -> list[tuple[str, int]]:
    """Each reading of the text after `@`, longest first: (mention_key of it, how many characters it covers)."""
    words = list(re.finditer(r"\S+", name))
    readings: list[tuple[str, int]] = []
    for count in range(len(words), 0, -1):
        head = " ".join(w.group() for w in words[:count - 1])
        last = words[count - 1]
        for variant in _word_variants(last.group()):
            readings.append((mention_key(f"{head} {variant}"), last.start() + len(variant)))
    return readings


class _MentionProcessor(InlineProcessor):
    """Finds `@Name`: collects the names (found=[...]) or links the ones in `links` to profiles."""

    ANCESTOR_EXCLUDES = ("a",)  # never a link inside a link

    def __init__(self, *, links: Mapping[str, str | None] | None = None, found: list[str] | None = None):
        super().__init__(MENTION_RE)
        self.links = links or {}
        self.found = found
        self.made = 0

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:
        name = m.group(1)
        if self.found is not None:
            if len(self.found) < MAX_MENTION_NAMES and name not in self.found:
                self.found.append(name)
            return None, None, None
        if self.made >= MAX_MENTION_LINKS:
            return None, None, None
        for key, length in mention_prefixes(name):
            if key in self.links:
                path = self.links[key]
                if not path:  # the longest name someone has, but not linkable: no fallback to a shorter one
                    return None, None, None
                self.made += 1
                link = etree.Element("a", {"href": path, "class": MENTION_CLASS})
                link.text = AtomicString("@" + name[:length])  # as written, and no Markdown inside it
                return link, m.start(0), m.start(1) + length
        return None, None, None


def plain_text(rendered_html: str, limit: int | None = None) -> str:
    """Strip rendered HTML down to a single line of text, optionally cut at a word boundary."""
    text = html.unescape(bleach.clean(rendered_html, tags=set(), strip=True))
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return text
