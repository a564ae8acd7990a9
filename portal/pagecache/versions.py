"""Every committed write gets a new content version, in the same transaction as the write.

The hooks sit on the engine, not on one domain's services, so writes added anywhere (the JSON API, webhooks,
imports, CLI commands, raw Core statements) invalidate cached pages without knowing the cache exists. The token
lives in the database itself, so every worker and every app server sees the same one, and it can never be newer
or older than the rows it describes: it commits or rolls back with them.
"""

from __future__ import annotations

import atexit
import contextlib
import re
import secrets
import threading
import weakref
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
    # registry.has(): a request with no session yet (an anonymous page) does not make one just to ask.
    if db.session.registry.has() and (session := db.session()).in_transaction() \
            and session.get_transaction().is_active:
        # A request that already has its transaction open (a signed-in one: it loaded its user) reads it there:
        # no second connection, and on SQLite the version of the very snapshot its pages are drawn from.
        try:
            return session.connection().exec_driver_sql(_READ_TOKEN).scalar()
        except DBAPIError:  # a PostgreSQL transaction an error aborted: read it beside, as below
            pass
    engine = db.engine
    if engine.dialect.name != "postgresql" and not _on_disk(engine):
        # An in-memory database exists only on the app's own (single) connection.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return conn.execution_options(read_only=True).exec_driver_sql(_READ_TOKEN).scalar()
    return _read_beside(token_engine())


def engines_read() -> list[Engine]:
    """The engines a request's statements run on: the app's, and the content version's reader when it has one."""
    return [db.engine] + ([token_engine()] if db.engine.dialect.name == "postgresql" or _on_disk(db.engine) else [])


def _on_disk(engine: Engine) -> bool:
    return sqlite_file(engine.url) is not None


# One engine per database per process, made on first use (after gunicorn forks its workers): it makes the
# connections _read_beside keeps, with the engine's connect arguments and events.
_token_engines: dict[str, Engine] = {}
_token_engine_of: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()  # by the app's engine
TOKEN_READER = "portal-content-version"  # the application_name its connections show in pg_stat_activity
SKIP_BEGIN = "portal_skip_begin"  # an execution option: the connection runs each statement on its own
_token_engines_lock = threading.Lock()


def token_engine() -> Engine:
    """The engine the content version is read on outside a request's transaction (PostgreSQL, SQLite files)."""
    app_engine = db.engine
    found = _token_engine_of.get(app_engine)
    if found is not None:
        return found
    url = app_engine.url
    key = url.render_as_string(hide_password=False)
    with _token_engines_lock:
        if key not in _token_engines:
            # Autocommit: the read needs no BEGIN or ROLLBACK round trip. No ping either: the read itself finds
            # a dead connection, which is then replaced (_read_beside).
            if url.get_backend_name() == "sqlite":
                engine = create_engine(url, pool_pre_ping=False, pool_reset_on_return=None, pool_size=1,
                                       max_overflow=7, execution_options={SKIP_BEGIN: True})
            else:
                engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=False,
                                       pool_reset_on_return=None, pool_size=1, max_overflow=7,
                                       connect_args={"application_name": TOKEN_READER})
            _token_engines[key] = engine
        _token_engine_of[app_engine] = _token_engines[key]
        return _token_engines[key]


# Per token engine, the driver connections no request is using. list.pop and list.append are atomic, so the
# threads of a process share them without a lock; there are never more than threads reading at once.
_idle: dict[Engine, list[Any]] = {}


def _driver_connection(engine: Engine) -> Any:
    """A driver connection made by `engine` (its connect arguments and events) and then taken out of its pool."""
    pooled = engine.raw_connection()
    pooled.detach()
    return pooled.dbapi_connection


def _read_beside(engine: Engine) -> str | None:
    """The content version, read on a driver connection of its own, outside any transaction.

    On a cached page this is the whole of the request's database work, and SQLAlchemy's checkout, result and
    checkin around one single-row statement cost three times what the database does: so the statement goes
    straight to the driver (autocommit: no BEGIN or ROLLBACK round trip; SQLite runs it in a transaction of its
    own). When a read fails because the database went away (a restart), the connections kept are as dead as
    this one: they are all closed, and the read is tried once more on a new one.
    """
    idle = _idle.setdefault(engine, [])
    driver_error = engine.dialect.loaded_dbapi.Error
    for attempt in (1, 2):
        connection = None
        try:
            connection = idle.pop() if idle and attempt == 1 else _driver_connection(engine)
            cursor = connection.cursor()
            try:
                if engine.dispatch.before_cursor_execute:  # whoever counts statements (tests, the benchmark)
                    engine.dispatch.before_cursor_execute(None, cursor, _READ_TOKEN, (), None, False)
                cursor.execute(_READ_TOKEN)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except driver_error as exc:
            _close_quietly(connection, driver_error)
            lost = connection is None or engine.dialect.is_disconnect(exc, connection, None)
            if lost:  # the database went away (a restart): the others kept are as dead as this one
                for dead in _take_all(idle):
                    _close_quietly(dead, driver_error)
            if attempt == 2 or not lost:  # as SQLAlchemy would have raised it: callers catch SQLAlchemy's errors
                raise DBAPIError.instance(_READ_TOKEN, (), exc, driver_error, connection_invalidated=lost,
                                          dialect=engine.dialect) from exc
            continue
        except BaseException:  # not the database's doing (an interrupt, a listener): the connection is not kept
            _close_quietly(connection, driver_error)
            raise
        idle.append(connection)
        return row[0] if row else None
    return None  # not reached: the second attempt returns or raises


@atexit.register
def _close_idle() -> None:
    # A driver connection left to the garbage collector at exit closes with a ResourceWarning (psycopg).
    for engine, idle in list(_idle.items()):
        for connection in _take_all(idle):
            _close_quietly(connection, engine.dialect.loaded_dbapi.Error)


def _take_all(idle: list[Any]) -> list[Any]:
    taken = []
    while True:
        try:
            taken.append(idle.pop())
        except IndexError:
            return taken


def _close_quietly(connection: Any, driver_error: type[Exception]) -> None:
    if connection is not None:
        with contextlib.suppress(driver_error):
            connection.close()
