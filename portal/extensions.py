"""Flask extensions, created unbound and attached to an app in create_app()."""

from __future__ import annotations

import sqlite3

from flask import has_request_context, request
from flask_caching import Cache
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from portal.core.write_queue import wait_turn_to_write

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
cache = Cache()  # the anonymous page cache's store (portal/pagecache)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        _configure_postgresql(dbapi_connection)
        return
    # We issue BEGIN ourselves (see _begin_sqlite); pysqlite's implicit transactions would defeat it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def size_sqlite_cache(engine: Engine, megabytes: int) -> None:
    """Give each new SQLite connection of `engine` a page cache of `megabytes` (0 or less: SQLite's default)."""
    if engine.dialect.name != "sqlite" or megabytes <= 0:
        return

    @event.listens_for(engine, "connect")
    def _size_cache(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA cache_size = -{int(megabytes) * 1024}")  # negative: in KiB


def _configure_postgresql(dbapi_connection) -> None:
    if type(dbapi_connection).__module__.split(".")[0] != "psycopg":
        return
    # PostgreSQL's JIT compiles the plans of "expensive" queries, costing tens of milliseconds on a page whose
    # queries take one; the portal's queries are short index walks that never win it back.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    dbapi_connection.commit()


@event.listens_for(Engine, "begin")
def _begin_sqlite(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    # A deferred transaction that reads and then writes cannot wait for the lock: SQLite answers
    # "database is locked" at once. Writers therefore take the write lock up front (and queue on
    # busy_timeout); page views, which never write, keep plain concurrent reads.
    # A connection that only reads beside the request's own must not queue behind the write lock its own
    # request holds: it says so with the `read_only` execution option. The content version's reader
    # (pagecache.versions.token_engine) runs one statement at a time, in SQLite's own implicit transactions.
    options = conn.get_execution_options()
    if options.get("portal_skip_begin"):
        return
    if options.get("read_only") or (has_request_context() and request.method in SAFE_METHODS):
        conn.exec_driver_sql("BEGIN")
    else:
        wait_turn_to_write(conn.connection.dbapi_connection)
        conn.exec_driver_sql("BEGIN IMMEDIATE")
