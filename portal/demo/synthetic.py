"""`flask --app wsgi seed-synthetic --ideas N`: realistic synthetic data at scale, bulk-loaded, for benchmarks.

About 20 people per 100 ideas, skewed votes (median ~4, mean ~10, a few ideas with thousands), ~3 comments per
idea with replies, statuses with their history, tags, two products with eight prototypes, dates over the two
years before --end. Rows go in by chunked Core inserts, never through the services (which would take hours),
so every counter is computed here from the rows inserted beside it: vote_count, comment_count, trending_score
and Prototype.idea_count equal what the services would have stored.

The same --seed and --end give the same content. Everyone's password is SYNTHETIC_PASSWORD: admin@, designer@,
designer2@, developer@ ... developer3@ and customer1@, customer2@ ... @synthetic.example.

It refuses a database that already has accounts, products or ideas; --force deletes every row of every table
except the statuses (and the migration version) first. Never point it at a real site.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import MetaData, bindparam, func, insert, select, text, update
from werkzeug.security import generate_password_hash

from portal.accounts.models import User
from portal.demo import synthetic_text as words
from portal.demo.synthetic_rows import (
    SPAN,
    USERS_PER_IDEA,
    Chunk,
    Prototype,
    Statuses,
    World,
    chunk_rows,
    user_rows,
)
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.markup import render_markdown
from portal.prototypes.models import Product
from portal.prototypes.models import Prototype as PrototypeModel
from portal.triage.models import StatusChange, Tag, idea_tag
from portal.triage.statuses import initial_status, ordered_statuses

SYNTHETIC_PASSWORD = "synthetic-password"
CHUNK_IDEAS = 1000
# Kept by --force: the statuses come from the migrations, and the schema version must stay.
KEPT_TABLES = {"status", "alembic_version"}


@click.command("seed-synthetic")
@click.option("--ideas", "count", type=click.IntRange(1, 5_000_000), default=1000, show_default=True,
              help="How many ideas to create.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed; the same seed gives the same data.")
@click.option("--end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Day of the newest activity, UTC (default: today). Pin it for data that is identical tomorrow.")
@click.option("--force", is_flag=True,
              help="Delete ALL accounts, products, ideas, tags, audit and other rows (statuses stay) before seeding.")
@with_appcontext
def seed_synthetic_command(count: int, seed: int, end: datetime | None, force: bool) -> None:
    """Fill an empty database with synthetic people, prototypes, ideas, votes and comments (for benchmarks)."""
    existing = content_counts()
    if any(existing.values()):
        found = ", ".join(f"{n:,} {name}" for name, n in existing.items() if n)
        if not force:
            raise click.ClickException(f"The database is not empty ({found}). seed-synthetic only fills an empty "
                                       "database; --force deletes everything in it first.")
        click.echo(f"--force: deleting everything but the statuses ({found}).")
        wipe()
    end_at = (end or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=UTC)
    started = time.monotonic()
    with click.progressbar(length=count, label=f"Seeding {count:,} ideas", show_pos=True) as bar:
        summary = seed_synthetic(count, seed=seed, end=end_at, progress=bar.update)
    click.echo(f"{summary} in {time.monotonic() - started:.0f} s. "
               f"Everyone's password is '{SYNTHETIC_PASSWORD}' (e.g. customer1@synthetic.example).")


def content_counts() -> dict[str, int]:
    """Rows that make a database "not empty" for seeding."""
    return {name: db.session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (("people", User), ("products", Product), ("ideas", Idea))}


def wipe() -> None:
    """Delete every row of every table but the statuses and the migration version; commits."""
    db.session.commit()
    meta = MetaData()
    # Reflected rather than the models' metadata, so tables of migrations newer than this code go too.
    meta.reflect(bind=db.engine, only=lambda name, _: name not in KEPT_TABLES and not name.startswith("idea_search"))
    tables = [f'"{table.name}"' for table in reversed(meta.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE idea_search, {', '.join(tables)} RESTART IDENTITY"))
        else:
            conn.execute(text("DELETE FROM idea_search"))
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


def seed_synthetic(count: int, *, seed: int = 1, end: datetime | None = None,
                   progress: Callable[[int], None] | None = None) -> str:
    """Load `count` ideas and everything around them into an empty database; commits per chunk."""
    end = end or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    world = _world(count, random.Random(seed), end)
    totals = {"votes": 0, "comments": 0}
    for first in range(0, count, CHUNK_IDEAS):
        size = min(CHUNK_IDEAS, count - first)
        chunk = chunk_rows(world, first, size)
        _insert_chunk(chunk)
        db.session.commit()
        totals["votes"] += len(chunk.votes)
        totals["comments"] += len(chunk.comments)
        if progress is not None:
            progress(size)
    db.session.execute(update(PrototypeModel.__table__).where(PrototypeModel.id == bindparam("pid")),
                       [{"pid": p.id, "idea_count": p.idea_count} for p in world.prototypes])
    db.session.commit()
    _after_bulk_load()
    return (f"Seeded {count:,} ideas, {totals['votes']:,} votes, {totals['comments']:,} comments, "
            f"{world.users:,} people and {len(world.prototypes)} prototypes of {len(words.PRODUCTS)} products")


def _world(count: int, rng: random.Random, end: datetime) -> World:
    """Insert the people, products, prototypes and tags; return what idea chunks are drawn from."""
    start = end - SPAN
    people = user_rows(rng, max(20, round(count * USERS_PER_IDEA)), start,
                       generate_password_hash(SYNTHETIC_PASSWORD, method="scrypt"))
    _bulk(User, people)
    _catalogue(start - timedelta(days=90))
    return World(rng=rng, ideas=count, end=end, users=len(people),
                 team=[row["id"] for row in people if row["role"] != "customer"],
                 developers=[row["id"] for row in people if row["role"] == "developer"],
                 prototypes=[Prototype(id=i + 1, product_id=spec[0] + 1, weight=spec[6])
                             for i, spec in enumerate(words.PROTOTYPES)],
                 tag_ids=list(range(1, len(words.TAGS) + 1)), statuses=_statuses())


def _catalogue(created: datetime) -> None:
    """The two products, their prototypes and the tags, with ids 1, 2, 3... in the order of synthetic_text."""
    _bulk(Product, [{"id": i + 1, "name": p["name"], "slug": p["slug"], "tagline": p["tagline"],
                     "description": p["description"], "description_html": render_markdown(p["description"]),
                     "created_at": created} for i, p in enumerate(words.PRODUCTS)])
    description = "A synthetic prototype for benchmarks."
    _bulk(PrototypeModel, [
        {"id": i + 1, "product_id": product + 1, "name": name, "slug": slug, "version_label": version, "stage": stage,
         "open_for_feedback": is_open, "description": description, "description_html": render_markdown(description),
         "created_at": created + timedelta(days=i), "updated_at": created + timedelta(days=i)}
        for i, (product, name, slug, version, stage, is_open, _) in enumerate(words.PROTOTYPES)])
    _bulk(Tag, [{"id": i + 1, "name": name, "color": color, "internal": internal, "created_at": created}
                for i, (name, color, internal) in enumerate(words.TAGS)])


def _statuses() -> Statuses:
    """The migrations' statuses (installed first when the table is empty), one per step of a triage path."""
    initial = initial_status().id
    usable = [s for s in ordered_statuses(include_retired=False) if not s.is_duplicate and s.id != initial]

    def first(kind: str) -> int | None:
        return next((s.id for s in usable if s.kind == kind), None)

    return Statuses(initial=initial, review=first("open"), planned=first("planned"), active=first("active"),
                    done=first("done"), closed=first("closed"))


def _bulk(model: type[db.Model], rows: list[dict]) -> None:
    # Core executemany (insertmanyvalues batches on PostgreSQL); no ORM objects, no per-row round trips.
    if rows:
        db.session.execute(insert(model.__table__), rows)


def _insert_chunk(chunk: Chunk) -> None:
    _bulk(Idea, chunk.ideas)
    _bulk(Vote, chunk.votes)
    _bulk(Comment, chunk.comments)
    _bulk(StatusChange, chunk.changes)
    if chunk.idea_tags:
        db.session.execute(insert(idea_tag), chunk.idea_tags)
    # The same row reindex_idea writes: title, plain text of the body, public comments' text.
    key = "rowid" if db.session.get_bind().dialect.name == "sqlite" else "idea_id"
    db.session.execute(text(f"INSERT INTO idea_search ({key}, title, body, comments) "
                            "VALUES (:id, :title, :body, :comments)"), chunk.search)


def _after_bulk_load() -> None:
    """PostgreSQL: move id sequences past the explicit ids, and gather statistics as autovacuum soon would."""
    if db.session.get_bind().dialect.name != "postgresql":
        # SQLite gathers no statistics unless told (ANALYZE); the app never does, so neither do we.
        return
    for table in ("user", "product", "prototype", "tag", "idea", "comment"):
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                f"(SELECT max(id) FROM \"{table}\"))"))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
