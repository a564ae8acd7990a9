"""Seeded databases for the benchmark: made once per size and cached, copied fresh for every run.

SQLite: the seeded file is cached under bench/data/ and copied to bench/data/run.sqlite. PostgreSQL: the seeded
database is kept as `<name>_seed_<size>_<key>` and the run database `<name>` is recreated from it as a template.
Either way each run starts from the same rows, however many votes and comments the last run wrote. The key hashes
the seeder and the migrations, so a change to either seeds again.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from config import normalize_database_url

ROOT = Path(__file__).resolve().parent.parent
# BENCH_DATA_DIR lets a snapshot of the tree (git archive) share the seeded files of the working copy.
DATA = Path(os.environ.get("BENCH_DATA_DIR") or ROOT / "bench" / "data")
PRODUCT_SLUG = "heron-solar-lantern"  # the first product of portal/demo/synthetic_text.py
PER_PAGE = 20
FAR_PAGE = 2000
VOTE_TARGETS = 2000


def cache_key(seed: int) -> str:
    """Changes when the seeder, the migrations or the seed change."""
    digest = hashlib.sha256(str(seed).encode())
    files = [*sorted((ROOT / "portal" / "demo").glob("synthetic*.py")),
             *sorted((ROOT / "migrations" / "versions").glob("*.py"))]
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def flask(database_url: str, *args: str) -> None:
    """Run `flask --app wsgi ARGS` against a database, as an operator would."""
    env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_ENV": "development"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:  # Alembic's chatter only when something went wrong
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def _seed(database_url: str, size: int, seed: int) -> None:
    print(f"    seeding {size:,} ideas (cached for later runs)...", flush=True)
    flask(database_url, "db", "upgrade")
    flask(database_url, "seed-synthetic", "--ideas", str(size), "--seed", str(seed))


def prepare_sqlite(size: int, seed: int) -> str:
    """A fresh copy of the seeded SQLite file; returns its URL."""
    DATA.mkdir(parents=True, exist_ok=True)
    key = cache_key(seed)
    cached = DATA / f"sqlite-{size}-{key}.sqlite"
    if not cached.exists():
        for stale in DATA.glob(f"sqlite-{size}-*"):
            stale.unlink()
        building = DATA / f"building-{size}.sqlite"
        _remove_sqlite(building)
        _seed(f"sqlite:///{building}", size, seed)
        with sqlite3.connect(building) as conn:  # fold the WAL in, so the cached file is the whole database
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _remove_sqlite(building, keep_main=True)
        building.rename(cached)
    run = DATA / "run.sqlite"
    _remove_sqlite(run)
    shutil.copyfile(cached, run)
    url = f"sqlite:///{run}"
    flask(url, "db", "upgrade")
    return url


def _remove_sqlite(path: Path, keep_main: bool = False) -> None:
    for suffix in ("-wal", "-shm") if keep_main else ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def admin_connection(url: str) -> psycopg.Connection:
    conninfo = make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    return psycopg.connect(conninfo, autocommit=True)


def prepare_postgres(size: int, seed: int, url: str) -> str:
    """Recreate the run database from the seeded template (seeding that first when missing); returns its URL."""
    name = make_url(url).database
    template = f"{name}_seed_{size}_{cache_key(seed)}"
    with admin_connection(url) as admin:
        existing = {row[0] for row in admin.execute("SELECT datname FROM pg_database")}
        if template not in existing:
            for stale in existing:
                if stale.startswith(f"{name}_seed_{size}_") or stale == f"{template}_building":
                    admin.execute(f'DROP DATABASE "{stale}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{template}_building"')
            _seed(str(make_url(url).set(database=f"{template}_building").render_as_string(hide_password=False)),
                  size, seed)
            admin.execute(f'ALTER DATABASE "{template}_building" RENAME TO "{template}"')
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # FILE_COPY copies the files as they are: much faster than WAL-logging a large database block by block.
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    flask(url, "db", "upgrade")
    return url


@dataclass
class Targets:
    """What the load is aimed at, read from the seeded rows."""

    product_slug: str
    far_page: int
    discussed_idea: int
    vote_ids: list[int]


def targets(url: str) -> Targets:
    engine = create_engine(normalize_database_url(url))
    visible = "hidden_at IS NULL AND merged_into_id IS NULL AND NOT pending_approval"
    with engine.connect() as conn:
        product = conn.execute(text("SELECT id FROM product WHERE slug = :slug"), {"slug": PRODUCT_SLUG}).scalar_one()
        ideas = conn.execute(text(f"SELECT count(*) FROM idea WHERE product_id = :p AND {visible}"),
                             {"p": product}).scalar_one()
        discussed = conn.execute(text(f"SELECT id FROM idea WHERE comment_count = 50 AND {visible} ORDER BY id"
                                      )).scalars().first()
        # Ideas anyone may vote on: visible, and in a status that does not freeze voting.
        open_ids = conn.execute(text(
            f"SELECT id FROM idea WHERE {visible} AND status_id IN "
            "(SELECT id FROM status WHERE kind IN ('open', 'planned', 'active')) ORDER BY id")).scalars().all()
    engine.dispose()
    pages = max(1, -(-ideas // PER_PAGE))
    # Page 2,000 when there is one; on smaller data the page four fifths of the way down.
    far = FAR_PAGE if pages > FAR_PAGE else max(1, pages * 4 // 5)
    vote_ids = sorted(random.Random(0).sample(open_ids, min(VOTE_TARGETS, len(open_ids))))
    return Targets(product_slug=PRODUCT_SLUG, far_page=far, discussed_idea=discussed, vote_ids=vote_ids)


def counter_mismatches(url: str) -> dict[str, int]:
    """Ideas whose stored vote or comment count differs from their rows (both must be 0)."""
    engine = create_engine(normalize_database_url(url))
    with engine.connect() as conn:
        votes = conn.execute(text("SELECT count(*) FROM idea WHERE vote_count <> "
                                  "(SELECT count(*) FROM vote WHERE vote.idea_id = idea.id)")).scalar_one()
        comments = conn.execute(text(
            "SELECT count(*) FROM idea WHERE comment_count <> (SELECT count(*) FROM comment WHERE comment.idea_id = "
            "idea.id AND deleted_at IS NULL AND hidden_at IS NULL AND NOT pending_approval)")).scalar_one()
    engine.dispose()
    return {"vote_count": votes, "comment_count": comments}


def postgres_backends(url: str) -> list[int]:
    """Process ids of the PostgreSQL backends connected to this database (the app's pooled connections)."""
    name = make_url(url).database
    with admin_connection(url) as admin:
        return [row[0] for row in admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]
