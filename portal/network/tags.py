"""Offer and need tags on a profile: parsing what a person typed, storing it, reading it back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import delete, select

from portal.core.text import text_problem
from portal.errors import ValidationError
from portal.extensions import db
from portal.network.models import TAG_MAX, ProfileTag, TagKind

TAGS_PER_KIND = 8
TAG_MIN = 2


def parse_tags(raw: str | None, field: str) -> list[str]:
    """Comma-separated tags, trimmed, lower-cased and without repeats; ValidationError names the field."""
    problem = text_problem(raw or "", max_len=TAGS_PER_KIND * (TAG_MAX + 2))
    if problem:
        raise ValidationError({field: problem})
    tags: list[str] = []
    for part in (raw or "").split(","):
        tag = " ".join(part.split()).lower()
        if not tag or tag in tags:
            continue
        if not TAG_MIN <= len(tag) <= TAG_MAX:
            raise ValidationError({field: f"Each tag takes {TAG_MIN} to {TAG_MAX} characters: “{tag[:TAG_MAX]}”."})
        tags.append(tag)
    if len(tags) > TAGS_PER_KIND:
        raise ValidationError({field: f"Up to {TAGS_PER_KIND} tags, separated by commas."})
    return tags


def replace_tags(user_id: int, kind: TagKind, tags: Iterable[str]) -> None:
    """Store a person's tags of one kind in the given order (flushes; the caller commits)."""
    db.session.execute(delete(ProfileTag).where(ProfileTag.user_id == user_id, ProfileTag.kind == kind.value))
    db.session.add_all(ProfileTag(user_id=user_id, kind=kind.value, name=name, position=position)
                       for position, name in enumerate(tags))
    db.session.flush()


def tags_of(user_id: int) -> dict[TagKind, list[str]]:
    """A person's offers and needs, each in the order they gave them."""
    return tags_for([user_id]).get(user_id, {TagKind.OFFER: [], TagKind.NEED: []})


def tags_for(user_ids: Iterable[int]) -> dict[int, dict[TagKind, list[str]]]:
    """Offers and needs of several people in one query."""
    ids = set(user_ids)
    found: dict[int, dict[TagKind, list[str]]] = defaultdict(lambda: {TagKind.OFFER: [], TagKind.NEED: []})
    if ids:
        rows = db.session.execute(select(ProfileTag.user_id, ProfileTag.kind, ProfileTag.name)
                                  .where(ProfileTag.user_id.in_(ids))
                                  .order_by(ProfileTag.user_id, ProfileTag.position))
        for user_id, kind, name in rows:
            found[user_id][TagKind(kind)].append(name)
    return dict(found)
