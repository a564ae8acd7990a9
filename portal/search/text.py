"""Turning what someone typed into safe search terms, and marking those terms in results.

No user text ever reaches FTS5's or PostgreSQL's query syntax: we keep word tokens only (letters and digits),
drop English stop-words (PostgreSQL's own list, so both databases see the same terms) and build the query from
them ourselves. Highlighting works on plain text and escapes everything but its own <mark> tags.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from markupsafe import Markup, escape

from portal.core.text import strip_controls

QUERY_MAX = 500  # characters of a query we look at
TERMS_MAX = 16
TERM_MAX = 40  # longer "words" are pasted junk; they would match nothing anyway

_WORD = re.compile(r"[^\W_]+")
# PostgreSQL's english.stop, so a stop-word is ignored on SQLite exactly as plainto_tsquery ignores it.
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
it its itself they them their theirs themselves what which who whom this that these those am is are was were be
been being have has had having do does did doing a an the and but if or because as until while of at by for with
about against between into through during before after above below to from up down in out on off over under
again further then once here there when where why how all any both each few more most other some such no nor not
only own same so than too very s t can will just don should now
""".split())  # noqa: SIM905


def search_terms(raw: str | None) -> list[str]:
    """Distinct lower-case word tokens of a query, without stop-words, at most TERMS_MAX of them."""
    text = strip_controls(raw or "")[:QUERY_MAX]
    terms: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in STOP_WORDS and len(word) <= TERM_MAX and word not in terms:
            terms.append(word)
    return terms[:TERMS_MAX]


def fts5_query(terms: list[str], *, any_term: bool = False, columns: str = "", prefix: bool = False) -> str:
    """An FTS5 MATCH expression: every term quoted as a string (they hold no quotes), AND or OR between them."""
    star = " *" if prefix else ""
    expression = (" OR " if any_term else " AND ").join(f'"{term}"{star}' for term in terms)
    return f"{columns} : ({expression})" if columns else expression


_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "edly", "ed", "es", "s", "e", "ly", "y")


def rough_stem(word: str) -> str:
    """A crude English stem, only to decide which words of a result to mark ("charging" ~ "charge")."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _stem_words(stems: set[str]) -> re.Pattern[str]:
    """Whole words that begin with one of `stems`: the only words rough_stem can map onto them.

    rough_stem only cuts an ending off the lower-cased word, so a word stems to `s` only if it starts with `s`.
    Searching for those beginnings runs in the regular-expression engine; calling rough_stem on every word of a
    long thread of comments would cost milliseconds a result.
    """
    alternatives = "|".join(re.escape(stem) for stem in sorted(stems, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def _marked_words(text: str, stems: set[str], start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
    """The words of text[start:end] that stem to one of `stems`, in order."""
    if not stems:
        return
    for match in _stem_words(stems).finditer(text, start, len(text) if end is None else end):
        if rough_stem(match.group()) in stems:
            yield match


def _words_before(text: str, position: int, count: int) -> list[re.Match[str]]:
    """The last `count` words that end before `position` (a word's start), reading back only as far as needed."""
    if count <= 0:
        return []
    reach = 64 * count
    while True:
        start = max(0, position - reach)
        words = list(_WORD.finditer(text, start, position))
        if start and words and words[0].start() == start and _WORD.match(text, start - 1):
            words = words[1:]  # cut in two by where we started reading: it is an earlier word's tail
        if len(words) >= count or start == 0:
            return words[-count:]
        reach *= 4


def _window(text: str, at: int, max_words: int) -> tuple[int, int, str, str]:
    """About max_words words around the word starting at `at`: a third before it, the rest from it on."""
    after = list(islice(_WORD.finditer(text, at), max_words + 1))
    before = _words_before(text, at, max(max_words // 3, max_words - len(after)))
    words = (before + after)[:max_words]
    if not words:
        return 0, len(text), "", ""
    more_before = _WORD.search(text, 0, words[0].start()) is not None
    more_after = len(before) + len(after) > max_words
    start = words[0].start() if more_before else 0
    end = words[-1].end() if more_after else len(text)
    return start, end, ("…" if more_before else ""), ("…" if more_after else "")


def highlight(text: str, terms: list[str], *, max_words: int | None = None) -> Markup:
    """Escape `text` and wrap the words matching `terms` in <mark>; optionally only a window around the first."""
    stems = {rough_stem(term) for term in terms}
    start, end, prefix, suffix = 0, len(text), "", ""
    if max_words is not None:
        first = next(_marked_words(text, stems), None)
        start, end, prefix, suffix = _window(text, first.start() if first else 0, max_words)
    # Plain strings joined once: every piece of `text` goes through escape(), the rest is our own markup.
    parts: list[str] = [prefix]
    position = start
    for match in _marked_words(text, stems, start, end):
        parts += (escape(text[position:match.start()]), "<mark>", escape(match.group()), "</mark>")
        position = match.end()
    parts += (escape(text[position:end]), suffix)
    return Markup("".join(parts))
