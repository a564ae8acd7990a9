"""Turning what someone typed into safe search terms, and marking those terms in results.

No user text ever reaches FTS5's or PostgreSQL's query syntax: we keep word tokens only (letters and digits),
drop English stop-words (PostgreSQL's own list, so both databases see the same terms) and build the query from
them ourselves. Highlighting works on plain text and escapes everything but its own <mark> tags.
"""

from __future__ import annotations

import re

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


def highlight(text: str, terms: list[str], *, max_words: int | None = None) -> Markup:
    """Escape `text` and wrap the words matching `terms` in <mark>; optionally only a window around the first."""
    stems = {rough_stem(term) for term in terms}
    matches = [m for m in _WORD.finditer(text) if rough_stem(m.group()) in stems]
    start, end, prefix, suffix = 0, len(text), "", ""
    if max_words is not None:
        words = list(_WORD.finditer(text))
        if len(words) > max_words:
            first = next((i for i, w in enumerate(words) if rough_stem(w.group()) in stems), 0)
            lo = max(0, min(first - max_words // 3, len(words) - max_words))
            hi = lo + max_words
            start = words[lo].start() if lo else 0
            end = words[hi - 1].end() if hi < len(words) else len(text)
            prefix, suffix = ("…" if lo else ""), ("…" if hi < len(words) else "")
    parts: list[str] = [prefix]
    position = start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        parts.append(escape(text[position:match.start()]))
        parts.append(Markup("<mark>{}</mark>").format(match.group()))
        position = match.end()
    parts.append(escape(text[position:end]))
    parts.append(suffix)
    return Markup("").join(parts)
