"""@mentions: who a text names, found in one query whatever the text, and the people to suggest while typing.

A mention is `@` and a display name (see `portal.markup.MENTION_RE`). Display names are not unique: when several
people share one, the one who took part in the idea wins; if that still leaves more than one, nobody is linked.
Banned and contact accounts are never mentioned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, case, exists, false, func, or_, select

from portal.accounts.models import User
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.markup import mention_key, mention_names, mention_prefixes, render_markdown

MAX_MENTIONS = 20  # distinct people honoured in one text; more is spam
SUGGEST_LIMIT = 8
QUERY_MAX = 60
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class Mentions(dict[str, User]):
    """mention_key of a name as written → the person it names.

    `unlinked` holds names that match people but are not honoured (ambiguous, or past the cap), so rendering
    leaves them as text instead of falling back to a shorter name that happens to be someone else's.
    """

    def __init__(self, found: Mapping[str, User] | None = None, unlinked: Iterable[str] = ()):
        super().__init__(found or {})
        self.unlinked = frozenset(unlinked)

    @property
    def ids(self) -> set[int]:
        return {user.id for user in self.values()}


def _took_part(idea: Idea | None) -> ColumnElement[Any]:
    """Whether a user wrote, commented on or voted for the idea: one SQL expression, so no extra query."""
    if idea is None or idea.id is None:
        return false()
    return or_(
        User.id == idea.author_id,
        exists().where(Comment.idea_id == idea.id, Comment.author_id == User.id),
        exists().where(Vote.idea_id == idea.id, Vote.user_id == User.id),
    )


def _mentionable() -> tuple[ColumnElement[bool], ...]:
    return User.banned_at.is_(None), User.is_contact.is_(False)


def _sql_forms(names: list[str]) -> set[str]:
    # SQLite's lower() folds only A-Z, so each reading is also sent lower-cased the same way from the text as
    # written: "@Élodie" then finds "Élodie" there too. Python compares the full keys afterwards.
    forms: set[str] = set()
    for name in names:
        for key, length in mention_prefixes(name):
            forms.add(key)
            forms.add(" ".join(name[:length].split()).translate(_ASCII_LOWER))
    return forms


def _pick(candidates: list[tuple[User, bool]]) -> User | None:
    if len(candidates) == 1:
        return candidates[0][0]
    took_part = [user for user, part in candidates if part]
    return took_part[0] if len(took_part) == 1 else None


def find_mentions(source: str, idea: Idea | None = None) -> Mentions:
    """The people a Markdown text mentions (not in code or links), by the lower-cased name as written.

    Each `@` takes the longest run of up to four words that is someone's display name, case-insensitively.
    Raises ValidationError for text render_markdown would refuse. At most one query.
    """
    names = list(dict.fromkeys(mention_names(source)))
    if not names:
        return Mentions()
    rows = db.session.execute(
        select(User, _took_part(idea).label("took_part"))
        .where(func.lower(User.display_name).in_(_sql_forms(names)), *_mentionable())
        .order_by(User.id)
    ).all()
    people: dict[str, list[tuple[User, bool]]] = {}
    for user, took_part in rows:
        people.setdefault(mention_key(user.display_name), []).append((user, bool(took_part)))
    found: dict[str, User] = {}
    unlinked: set[str] = set()
    for name in names:
        key = next((key for key, _ in mention_prefixes(name) if key in people), None)
        if key is None or key in found or key in unlinked:
            continue
        person = _pick(people[key])
        if person is None or len(found) >= MAX_MENTIONS:
            unlinked.add(key)
        else:
            found[key] = person
    return Mentions(found, unlinked)


def stored_mention_ids(source: str, idea: Idea | None) -> set[int]:
    """Who an already stored text mentions; text accepted under older Markdown limits mentions nobody."""
    try:
        return find_mentions(source, idea).ids
    except ValidationError:
        return set()


def profile_path(user_id: int) -> str:
    """The path of a profile, built without a request so services and CLI commands can store it."""
    adapter = current_app.url_map.bind("", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build("accounts.profile", {"user_id": user_id})


def mention_links(mentions: Mentions) -> dict[str, str | None]:
    """What render_markdown links: each honoured name to its profile, the unlinked ones to None."""
    links: dict[str, str | None] = dict.fromkeys(mentions.unlinked)
    links.update({key: profile_path(user.id) for key, user in mentions.items()})
    return links


def render_with_mentions(source: str, field: str, idea: Idea | None) -> tuple[str, Mentions]:
    """Find the mentions in a text and render it with them linked; the service then tells those people."""
    mentions = find_mentions(source, idea)
    return render_markdown(source, field, mentions=mention_links(mentions)), mentions


# --- suggestions while typing -----------------------------------------------------------------------------

def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def suggest_people(query: str, idea: Idea | None = None, limit: int = SUGGEST_LIMIT) -> list[User]:
    """People whose name (or a word of it) starts with `query`: those who took part in `idea` first.

    The caller has checked that `idea` may be seen; pass None otherwise.
    """
    query = " ".join(query.split())
    if not query or len(query) > QUERY_MAX:
        return []
    typed, lowered = _like_escape(query), _like_escape(query.lower())
    name, lower_name = User.display_name, func.lower(User.display_name)
    # The as-typed forms help SQLite, whose lower() and LIKE fold only ASCII.
    starts = or_(lower_name.like(f"{lowered}%", escape="\\"), name.like(f"{typed}%", escape="\\"))
    word_starts = or_(lower_name.like(f"% {lowered}%", escape="\\"), name.like(f"% {typed}%", escape="\\"))
    stmt = (
        select(User).where(or_(starts, word_starts), *_mentionable())
        .order_by(case((_took_part(idea), 0), else_=1), case((starts, 0), else_=1), lower_name, User.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
