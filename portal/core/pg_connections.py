"""PostgreSQL connections of the app's pool: a free liveness check instead of a ping, and no transaction for reads.

A page view on PostgreSQL used to cost, besides its own statements, three round trips: the pool's ping
(``SELECT 1``), the ``BEGIN`` psycopg sends before the first statement, and the ``ROLLBACK`` that resets the
connection when it goes back to the pool. On two cores each round trip is two context switches and a slice
of the database's CPU, which is most of what a two-statement page costs. So:

- **Liveness without a round trip.** An idle connection has nothing to read; one the database dropped (a
  restart, ``pg_terminate_backend``, an idle timeout) has the server's goodbye or the end of the stream
  waiting on its socket. The pool's checkout looks (``poll`` with no wait) and raises
  ``DisconnectionError``, SQLAlchemy's documented way for a checkout listener to have the connection
  replaced, as its ``pool_pre_ping`` would.
- **Reads outside a transaction.** In a GET (HEAD, OPTIONS) request the connection is handed out in
  autocommit: PostgreSQL runs each statement in its own snapshot, exactly as READ COMMITTED already does
  inside a transaction, and there is no BEGIN or ROLLBACK to send. The first statement that writes or locks
  (anything but a plain SELECT) switches the connection back to transactions before it runs, so every write
  is still one transaction that commits or rolls back whole. Anywhere else (POSTs, the CLI, workers) the
  connection behaves as before.
"""

from __future__ import annotations

import re
import select
from functools import lru_cache
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

from portal.extensions import SAFE_METHODS

_READS_ALONE = "portal_reads_outside_transaction"  # in the pooled connection's info: handed out in autocommit
_READ = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
_LOCKING = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)
_WRITING = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
# A SELECT that takes a transaction-scoped lock or setting, creates a table, or is followed by another statement.
_SELECT_WITH_EFFECTS = re.compile(r"\b(pg_advisory\w*|set_config)\s*\(|\bINTO\b|;", re.IGNORECASE)


def _is_psycopg(dbapi_connection: Any) -> bool:
    return type(dbapi_connection).__module__.split(".")[0] == "psycopg"


def _dropped(dbapi_connection: Any) -> bool:
    """Whether the server has closed this idle connection (or said it will): its socket has something to read."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    try:
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    if not _is_psycopg(dbapi_connection):
        return
    if _dropped(dbapi_connection):
        raise exc.DisconnectionError("the server closed the connection")
    # Handed out idle (the pool rolled back on return), so the switch is allowed and costs no round trip.
    reads_alone = has_request_context() and request.method in SAFE_METHODS
    dbapi_connection.autocommit = reads_alone
    record.info[_READS_ALONE] = reads_alone


@lru_cache(maxsize=2048)
def _writes_or_locks(statement: str) -> bool:
    """Whether SQL may write or lock: anything but a SELECT (or a WITH of SELECTs) without FOR UPDATE/SHARE.

    Erring towards yes only costs a transaction; the statements are the compiled cache's strings, so few.
    """
    if not _READ.match(statement) or _LOCKING.search(statement) or _SELECT_WITH_EFFECTS.search(statement):
        return True
    return statement.lstrip()[:4].upper() == "WITH" and _WRITING.search(statement) is not None


def _before_execute(conn: Any, _cursor: Any, statement: str, _parameters: Any, context: Any,
                    _executemany: bool) -> None:
    pooled = conn.connection
    # Only a connection this module put in autocommit: one asked for AUTOCOMMIT (VACUUM, the page cache's
    # version bump) stays as it was asked.
    if not pooled.info.get(_READS_ALONE) or "isolation_level" in conn.get_execution_options():
        return
    if _writes_or_locks(statement) or (context is not None and context.execution_options.get("stream_results")):
        # A server-side cursor (stream_results) lives only inside a transaction too.
        pooled.dbapi_connection.autocommit = False  # idle in autocommit, so allowed: psycopg sends BEGIN first
        pooled.info[_READS_ALONE] = False


def configure_engine(engine: Engine) -> None:
    """Use the checks above on the app's PostgreSQL engine (other databases are left as they are)."""
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "checkout", _on_checkout)
    event.listen(engine, "before_cursor_execute", _before_execute)
