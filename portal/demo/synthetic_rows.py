"""Row generation for `seed-synthetic`: plain dicts for bulk inserts, made from one seeded random generator.

Nothing here touches the database; `portal.demo.synthetic` loads what this module makes. Ideas are generated in
chunks, each with its votes, comments, status history, tags and search-index row, so counters are computed from
the very rows that are inserted beside them.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.demo import synthetic_text as words
from portal.ideas.services import EXCERPT_LEN
from portal.ideas.trending import trending_weight
from portal.markup import plain_text, render_markdown
from portal.search.index import COMMENTS_MAX

USERS_PER_IDEA = 0.2
# Votes per idea follow a Pareto tail: median about 4, mean about 10, a few ideas with thousands.
VOTE_ALPHA, VOTE_SCALE = 1.3, 2.6
# Every DISCUSSION_EVERY-th idea (from DISCUSSION_OFFSET) has exactly this many comments, for the idea-page benchmark.
DISCUSSION_EVERY, DISCUSSION_OFFSET, DISCUSSION_COMMENTS = 1000, 17, 50
REPLY_SHARE = 0.3
HIDDEN_SHARE = 0.003
SPAN = timedelta(days=730)
TEAM = [("admin", "admin"), ("designer", "designer"), ("designer2", "designer"), ("developer", "developer"),
        ("developer2", "developer"), ("developer3", "developer")]
# Body templates: which paragraphs make each body (fixed, so bodies stay the same across seeds).
BODY_SHAPES = [tuple(random.Random(i).sample(range(len(words.BODY_PARAGRAPHS)), 2 + i % 2)) for i in range(40)]


class Texts:
    """Markdown rendered once per distinct text: (html, plain text, excerpt) by source."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, str, str]] = {}

    def render(self, source: str) -> tuple[str, str, str]:
        if source not in self._cache:
            html = render_markdown(source)
            self._cache[source] = (html, plain_text(html), plain_text(html, EXCERPT_LEN))
        return self._cache[source]


@dataclass
class Statuses:
    """Status ids by role in a triage path; any of the non-initial ones may be missing."""

    initial: int
    review: int | None
    planned: int | None
    active: int | None
    done: int | None
    closed: int | None

    def path(self, target: str) -> list[int]:
        """The statuses an idea passes through after New to reach `target`."""
        steps = {"new": [], "review": [self.review], "planned": [self.review, self.planned],
                 "active": [self.review, self.planned, self.active], "done": [self.planned, self.active, self.done],
                 "closed": [self.review, self.closed]}[target]
        return [step for step in steps if step is not None]


@dataclass
class Prototype:
    id: int
    product_id: int
    weight: int
    idea_count: int = 0


@dataclass
class World:
    """Everything chunks are drawn from, and the running ids and counters they share."""

    rng: random.Random
    ideas: int
    end: datetime
    users: int
    team: list[int]
    developers: list[int]
    prototypes: list[Prototype]
    tag_ids: list[int]
    statuses: Statuses
    texts: Texts = field(default_factory=Texts)
    next_comment_id: int = 1
    _user_weights: list[float] = field(default_factory=list)
    _prototype_weights: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        # A few people write most of what is written, as on every forum.
        self._user_weights = list(itertools.accumulate(1 / (rank + 5) for rank in range(self.users)))
        self._prototype_weights = list(itertools.accumulate(p.weight for p in self.prototypes))

    def person(self) -> int:
        return bisect.bisect_left(self._user_weights, self.rng.random() * self._user_weights[-1]) + 1

    def prototype(self) -> Prototype:
        index = bisect.bisect_left(self._prototype_weights, self.rng.random() * self._prototype_weights[-1])
        return self.prototypes[index]

    def between(self, start: datetime, limit: datetime, mean_days: float) -> datetime:
        """A moment after `start`, exponentially likely to be soon, never after `limit`."""
        return min(start + timedelta(days=self.rng.expovariate(1 / mean_days)), limit)


def user_rows(rng: random.Random, count: int, start: datetime, password_hash: str) -> list[dict]:
    """The team first (admin@, designer@, developer@...), then customer1@, customer2@..."""
    rows = []
    for index in range(count):
        local, role = TEAM[index] if index < len(TEAM) else (f"customer{index - len(TEAM) + 1}", "customer")
        name = f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"
        joined = start - timedelta(days=rng.uniform(1, 60))
        # Confirmed addresses: production refuses votes and comments from unconfirmed ones.
        rows.append({"id": index + 1, "email": f"{local}@synthetic.example", "display_name": name,
                     "password_hash": password_hash, "role": role, "company": rng.choice(words.COMPANIES),
                     "job_title": rng.choice(words.JOB_TITLES), "created_at": joined, "email_verified_at": joined})
    return rows


def _title(rng: random.Random) -> tuple[str, str]:
    part = rng.choice(words.TITLE_PARTS)
    return f"{rng.choice(words.TITLE_VERBS)} {part} {rng.choice(words.TITLE_CONTEXTS)}", part


def _target_status(rng: random.Random, age: timedelta) -> str:
    # Older ideas are more likely to have been triaged.
    if age < timedelta(days=14):
        return rng.choices(["new", "review", "closed"], [85, 10, 5])[0]
    return rng.choices(["new", "review", "planned", "active", "done", "closed"], [45, 15, 10, 5, 12, 13])[0]


@dataclass
class Chunk:
    """Rows for a run of consecutive ideas, in insert order."""

    ideas: list[dict] = field(default_factory=list)
    votes: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    idea_tags: list[dict] = field(default_factory=list)
    search: list[dict] = field(default_factory=list)


def chunk_rows(world: World, first: int, count: int) -> Chunk:
    """Ideas number first+1 .. first+count, oldest first, with everything that hangs off them."""
    chunk = Chunk()
    for index in range(first, first + count):
        _idea(world, chunk, index)
    return chunk


def _created_at(world: World, index: int) -> datetime:
    # sqrt: the portal grows, so recent months have more ideas than early ones. Increasing with the index.
    fraction = math.sqrt((index + world.rng.random()) / world.ideas)
    return world.end - SPAN + SPAN * fraction


def _idea(world: World, chunk: Chunk, index: int) -> None:
    rng, idea_id = world.rng, index + 1
    created = _created_at(world, index)
    title, part = _title(rng)
    author, prototype = world.person(), world.prototype()
    prototype.idea_count += 1
    status_id, shipped_in, frozen_at = _history(world, chunk, idea_id, created, prototype, part)
    votes, vote_weight = _votes(world, chunk, idea_id, author, created, frozen_at)
    comments, comment_weight, comment_text = _comments(world, chunk, idea_id, created, part,
                                                       _comment_count(world, index, votes))
    body = "\n\n".join(words.BODY_PARAGRAPHS[p].format(part=part) for p in rng.choice(BODY_SHAPES))
    body_html, body_text, excerpt = world.texts.render(body)
    triaged = status_id in (world.statuses.planned, world.statuses.active)
    hidden = rng.random() < HIDDEN_SHARE
    chunk.ideas.append({
        "id": idea_id, "product_id": prototype.product_id, "prototype_id": prototype.id, "author_id": author,
        "title": title, "body": body, "body_html": body_html, "excerpt": excerpt, "vote_count": votes,
        "comment_count": comments, "trending_score": vote_weight + comment_weight, "created_at": created,
        "status_id": status_id, "assignee_id": rng.choice(world.developers) if triaged else None,
        "shipped_in_id": shipped_in, "shipped_at": frozen_at if status_id == world.statuses.done else None,
        "hidden_at": min(created + timedelta(hours=6), world.end) if hidden else None,
        "hidden_reason": "Spam" if hidden else "",
    })
    chunk.idea_tags += [{"idea_id": idea_id, "tag_id": tag} for tag in _tags(world)]
    chunk.search.append({"id": idea_id, "title": title, "body": body_text, "comments": comment_text[:COMMENTS_MAX]})


def _votes(world: World, chunk: Chunk, idea_id: int, author: int, created: datetime,
           frozen_at: datetime | None) -> tuple[int, float]:
    """Add the idea's votes (its author's first); return how many and their trending weight."""
    rng = world.rng
    cap = max(min(world.users, 50), world.users // 4)
    count = max(1, min(cap, int(VOTE_SCALE * rng.paretovariate(VOTE_ALPHA))))
    # Everyone but the author, without replacement: ids above the author's shift up by one.
    others = [u if u < author else u + 1 for u in (v + 1 for v in rng.sample(range(world.users - 1), count - 1))]
    limit, weight = frozen_at or world.end, 0.0
    for position, user in enumerate([author, *others]):
        at = created if position == 0 else world.between(created, limit, 15)
        chunk.votes.append({"idea_id": idea_id, "user_id": user, "created_at": at})
        weight += trending_weight(at)
    return count, weight


def _comment_count(world: World, index: int, votes: int) -> int:
    if index % DISCUSSION_EVERY == DISCUSSION_OFFSET:
        return DISCUSSION_COMMENTS
    # Popular ideas are discussed more; about 3 comments per idea on average, a third with none.
    return int(world.rng.expovariate(1.0) * (2.0 + math.log(max(votes, 1))))


def _comments(world: World, chunk: Chunk, idea_id: int, created: datetime, part: str,
              count: int) -> tuple[int, float, str]:
    """Add comments and replies in time order; return (how many, trending weight, their text for the index)."""
    rng = world.rng
    times = sorted(world.between(created, world.end, 20) for _ in range(count))
    openers: list[dict] = []
    weight, texts = 0.0, []
    for at in times:
        parent = rng.choice(openers) if openers and rng.random() < REPLY_SHARE else None
        at = max(at, parent["created_at"] + timedelta(minutes=5)) if parent else at
        body = rng.choice(words.COMMENTS).format(part=part)
        html, text, _ = world.texts.render(body)
        author = rng.choice(world.team) if rng.random() < 0.1 else world.person()
        row = {"id": world.next_comment_id, "idea_id": idea_id, "author_id": author,
               "parent_id": parent["id"] if parent else None, "body": body, "body_html": html, "created_at": at}
        world.next_comment_id += 1
        chunk.comments.append(row)
        openers += [] if parent else [row]
        weight += trending_weight(at)
        texts.append(text)
    return len(times), weight, "\n".join(texts)


def _history(world: World, chunk: Chunk, idea_id: int, created: datetime, prototype: Prototype,
             part: str) -> tuple[int, int | None, datetime | None]:
    """Status changes from New to the idea's status; return (status id, shipped-in id, when voting froze)."""
    rng, statuses = world.rng, world.statuses
    path = statuses.path(_target_status(rng, world.end - created))
    if not path or world.end - created < timedelta(days=1):
        return statuses.initial, None, None
    limit = min(world.end, created + timedelta(days=300))
    times = sorted(created + (limit - created) * rng.uniform(0.01, 1) for _ in path)
    previous, shipped_in = statuses.initial, None
    for to_status, at in zip(path, times, strict=True):
        shipped = _shipped_in(world, prototype) if to_status == statuses.done else None
        shipped_in = shipped or shipped_in
        note = rng.choice(words.NOTES).format(part=part) if rng.random() < 0.5 and to_status != statuses.review else ""
        chunk.changes.append({"idea_id": idea_id, "actor_id": rng.choice(world.team[:3]), "from_status_id": previous,
                              "to_status_id": to_status, "note": note,
                              "note_html": world.texts.render(note)[0] if note else "", "shipped_in_id": shipped,
                              "created_at": at})
        previous = to_status
    frozen = times[-1] if path[-1] in (statuses.done, statuses.closed) else None
    return path[-1], shipped_in, frozen


def _shipped_in(world: World, prototype: Prototype) -> int | None:
    """A prototype of the same product, or none (one in ten done ideas is not tied to a version)."""
    same = [p.id for p in world.prototypes if p.product_id == prototype.product_id]
    return world.rng.choice(same) if world.rng.random() < 0.9 else None


def _tags(world: World) -> list[int]:
    rng = world.rng
    count = rng.choices([0, 1, 2, 3], [45, 35, 15, 5])[0]
    # The first tags are the popular ones.
    weights = [1 / (rank + 1) for rank in range(len(world.tag_ids))]
    return sorted(set(rng.choices(world.tag_ids, weights, k=count)))
