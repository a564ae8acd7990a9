"""SQLITE_CACHE_MB sizes SQLite's page cache on every connection of the app's engine."""

from __future__ import annotations

from pathlib import Path

from portal import create_app
from portal.extensions import db


def _cache_sizes(tmp_path: Path, **config: int) -> set[int]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'cache.sqlite'}", **config)
    with app.app_context():
        try:
            # Two connections at once (raw: no transaction, so neither waits for the other's write lock): the
            # setting must reach each new one, not only the first.
            first, second = db.engine.raw_connection(), db.engine.raw_connection()
            try:
                return {conn.execute("PRAGMA cache_size").fetchone()[0] for conn in (first, second)}
            finally:
                first.close()
                second.close()
        finally:
            db.engine.dispose()


def test_a_sized_cache_is_set_on_every_connection(tmp_path: Path) -> None:
    assert _cache_sizes(tmp_path, SQLITE_CACHE_MB=64) == {-64 * 1024}  # negative: KiB


def test_without_the_setting_sqlite_keeps_its_own_cache_size(tmp_path: Path) -> None:
    assert _cache_sizes(tmp_path, SQLITE_CACHE_MB=0) == {-2000}
