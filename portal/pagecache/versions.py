"""Every committed write gets a new content version, in the same transaction as the write.

The hooks sit on the engine, not on one domain's services, so writes added anywhere (the JSON API, webhooks,
imports, CLI commands, raw Core statements) invalidate cached pages without knowing the cache exists. The token
lives in the database itself, so every worker and every app server sees the same one, and it can never be newer
or older than the rows it describes: it commits or rolls back with them.
"""

from __future__ import annotations

import re
import secrets
import threading
from typing import Any

from flask import g, has_app_context
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from portal.core.write_queue import sqlite_file
from portal.extensions import db
from portal.pagecache.models import ContentVersion

_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)',
                    re.IGNORECASE)
# Rows no anonymous page ever shows: writing them must not empty the cache (a sign-in, a sent email).
QUIET_TABLES = frozenset({
    "content_version", "alembic_version", "sign_in_throttle", "notification", "notification_preference",
    "outbox_message", "outbox_attempt", "webhook_delivery", "webhook_attempt", "api_token", "audit_entry",
})
_READ_TOKEN = f"SELECT token FROM {ContentVersion.__tablename__} WHERE id = 1"
# The same read as a column, for a statement that brings it along (the signed-in person's: see portal._load_user).
TOKEN_COLUMN = select(ContentVersion.token).where(ContentVersion.id == 1).scalar_subquery()
_WROTE = "portal_wrote_content"
_MIGRATING = "portal_migrating"


def _note_write(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    match = _WRITE.match(statement)
    if match is None:
        return
    table = match.group(1).lower()
    if table == "alembic_version":
        # A migration's transaction: the table may not exist yet (or any more); releases restart the servers.
        conn.info[_MIGRATING] = True
    elif table not in QUIET_TABLES:
        conn.info[_WROTE] = True


def _bump_on_commit(conn: Connection) -> None:
    wrote = conn.info.pop(_WROTE, False)
    if conn.info.pop(_MIGRATING, False) or not wrote:
        return
    token = secrets.token_hex(8)  # hex digits only, so it is safe to inline
    # The raw DBAPI cursor, inside the transaction being committed: SQLAlchemy is mid-commit here.
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f"UPDATE content_version SET token = '{token}' WHERE id = 1")
        if cursor.rowcount == 0:  # emptied by hand or by a test: start again
            cursor.execute(f"INSERT INTO content_version (id, token) VALUES (1, '{token}')")
    finally:
        cursor.close()
    if has_app_context():  # what this request read before its write is stale now (see content_token)
        g.pop("content_token", None)


def _forget(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)
    conn.info.pop(_MIGRATING, None)


def track_writes(engine: Engine) -> None:
    """Give `engine`'s committed writes a new content version (idempotent)."""
    if event.contains(engine, "after_cursor_execute", _note_write):
        return
    event.listen(engine, "after_cursor_execute", _note_write)
    event.listen(engine, "commit", _bump_on_commit)
    event.listen(engine, "rollback", _forget)


def current_token() -> str | None:
    """The content version as of now, or None when there is none yet (no write since the tables were emptied)."""
    session = db.session()
    if session.in_transaction() and session.get_transaction().is_active:
        # A request that already has its transaction open (a signed-in one: it loaded its user) reads it there:
        # no second connection, and on SQLite the version of the very snapshot its pages are drawn from.
        try:
            return session.connection().exec_driver_sql(_READ_TOKEN).scalar()
        except DBAPIError:  # a PostgreSQL transaction an error aborted: read it beside, as below
            pass
    if db.engine.dialect.name == "postgresql":
        return _read_token_postgresql()
    if not _on_disk(db.engine):  # an in-memory database exists only on the app's own (single) connection
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return conn.execution_options(read_only=True).exec_driver_sql(_READ_TOKEN).scalar()
    # On a cached page this is the only query: a pooled connection of its own, with no session, ping, BEGIN or
    # reset around the one statement, which SQLite runs in a transaction of its own.
    with token_engine().connect() as conn:
        return conn.exec_driver_sql(_READ_TOKEN).scalar()


def engines_read() -> list[Engine]:
    """The engines a request's statements run on: the app's, and the content version's reader when it has one."""
    return [db.engine] + ([token_engine()] if db.engine.dialect.name == "postgresql" or _on_disk(db.engine) else [])


def _on_disk(engine: Engine) -> bool:
    return sqlite_file(engine.url) is not None


# One small pool per database per process, made on first use (after gunicorn forks its workers).
_token_engines: dict[str, Engine] = {}
TOKEN_READER = "portal-content-version"  # the application_name its connections show in pg_stat_activity
SKIP_BEGIN = "portal_skip_begin"  # an execution option: the connection runs each statement on its own
_token_engines_lock = threading.Lock()


def token_engine() -> Engine:
    """The engine the content version is read on outside a request's transaction (PostgreSQL, SQLite files)."""
    url = db.engine.url
    key = url.render_as_string(hide_password=False)
    with _token_engines_lock:
        if key not in _token_engines:
            # Autocommit, and no reset on return: the read needs no BEGIN or ROLLBACK round trip. No ping on
            # checkout either: the read itself finds a dead connection, which is then replaced (below).
            if url.get_backend_name() == "sqlite":
                engine = create_engine(url, pool_pre_ping=False, pool_reset_on_return=None, pool_size=1,
                                       max_overflow=7, execution_options={SKIP_BEGIN: True})
            else:
                engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=False,
                                       pool_reset_on_return=None, pool_size=1, max_overflow=7,
                                       connect_args={"application_name": TOKEN_READER})
            _token_engines[key] = engine
        return _token_engines[key]


def _read_token_postgresql() -> str | None:
    """The token read on PostgreSQL in one round trip: a cached page's whole cost in the database.

    The app's pool pings every connection it hands out (a second round trip), so the read has a pool of its
    own that does not; a connection found dead (the database restarted) is dropped and the read tried again once.
    """
    for attempt in (1, 2):
        try:
            with token_engine().connect() as conn:
                return conn.exec_driver_sql(_READ_TOKEN).scalar()
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    return None  # not reached: the second attempt returns or raises
