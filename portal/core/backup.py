"""`flask backup PATH` and `flask restore PATH`: online snapshots of the SQLite database, and bringing one back.

Both go through SQLite's online backup API (sqlite3.Connection.backup), never a file copy: a copy of a database
being written can catch half a transaction (and misses what is still in the -wal file), while the backup API
copies one consistent state, and a restore through it is seen by every open connection at their next
transaction, with other writers kept out while it runs. PostgreSQL has pg_dump and pg_restore for this.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url

from config import BASE_DIR

MIGRATIONS = BASE_DIR / "migrations"


class BackupError(click.ClickException):
    """A backup or restore that cannot go ahead; the message says why and what to do instead."""


def _database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _postgres_connection(url: URL) -> str:
    # The password stays out of the printed command: pg_dump reads PGPASSWORD or ~/.pgpass.
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database)
    return bare.render_as_string(hide_password=False)


def sqlite_path(url: URL, action: str) -> Path:
    """The SQLite file behind `url`, or a BackupError naming the right tool for another database."""
    if url.get_backend_name() == "postgresql":
        connection = _postgres_connection(url)
        command = (f"pg_dump --format=custom --file=PATH '{connection}'" if action == "backup"
                   else f"pg_restore --clean --if-exists --no-owner --dbname='{connection}' PATH")
        raise BackupError(f"The database is PostgreSQL; {action} it with its own tool instead:\n  {command}\n"
                          "(the password comes from PGPASSWORD or ~/.pgpass). See the README's Security section.")
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"Backups are built in for SQLite only; use your {url.get_backend_name()} tools.")
    if not url.database or url.database == ":memory:":
        raise BackupError("The database lives in memory; there is no file to back up or restore.")
    return Path(url.database)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def check_portal_database(path: Path) -> str:
    """Raise BackupError unless `path` is an intact portal database this code knows; return its revision."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        with closing(_connect_read_only(path)) as conn:
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if integrity != "ok":
                raise BackupError(f"{path} is damaged: {integrity}")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            has_users = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='user'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a portal database ({exc}).") from exc
    if revision is None or has_users is None:
        raise BackupError(f"{path} is not a portal database (no migration revision or accounts table).")
    try:
        ScriptDirectory(str(MIGRATIONS)).get_revision(revision[0])
    except CommandError as exc:
        raise BackupError(f"{path} was made by a newer version of the portal (revision {revision[0]}).") from exc
    return revision[0]


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    with closing(sqlite3.connect(target_path, timeout=30)) as target:
        source.backup(target)  # all pages in one step: one consistent state of the source
        # A self-contained file: no -wal beside it to forget when it is moved elsewhere.
        target.execute("PRAGMA journal_mode = DELETE")


def backup_database(live: Path, target: Path) -> str:
    """Write a consistent snapshot of `live` to `target` (which must not exist); return its revision."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(_connect_read_only(live)) as source:
            _copy(source, partial)
        revision = check_portal_database(partial)
        os.replace(partial, target)  # only a complete, checked backup ever has the name asked for
    finally:
        partial.unlink(missing_ok=True)
    return revision


def restore_database(backup: Path, live: Path) -> Path | None:
    """Bring `backup` back as the database at `live`; return where the previous database was kept, if any."""
    check_portal_database(backup)
    kept = None
    if live.exists():
        kept = live.with_name(f"{live.name}.before-restore-{datetime.now(UTC):%Y%m%d-%H%M%S}")
        with closing(_connect_read_only(live)) as current:
            _copy(current, kept)
    live.parent.mkdir(parents=True, exist_ok=True)
    with closing(_connect_read_only(backup)) as source, closing(sqlite3.connect(live, timeout=30)) as target:
        source.backup(target)  # through SQLite: running processes see the restored state, never a mix
        if target.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"The restored database failed its check; the previous one is at {kept}.")
    return kept


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent snapshot of the SQLite database to PATH, safe while the portal is running."""
    live = sqlite_path(_database_url(), "backup")
    if not live.is_file():
        raise BackupError(f"There is no database at {live} yet.")
    revision = backup_database(live, path)
    click.echo(f"Backed up {live} to {path} ({path.stat().st_size:,} bytes, migration revision {revision}).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH, keeping the current one aside."""
    live = sqlite_path(_database_url(), "restore")
    revision = check_portal_database(path)
    if not yes:
        click.confirm(f"Replace the database at {live} with {path}? The current one is kept beside it.", abort=True)
    kept = restore_database(path, live)
    click.echo(f"Restored {path} (migration revision {revision}) to {live}.")
    if kept:
        click.echo(f"The previous database is kept at {kept}.")
    if revision != ScriptDirectory(str(MIGRATIONS)).get_current_head():
        click.echo("The backup is from an older version of the portal: run `flask --app wsgi db upgrade` now.")
