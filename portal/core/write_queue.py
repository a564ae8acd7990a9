"""SQLite writers queue on a file lock, so each starts the moment the one before it commits.

SQLite lets one writer in at a time. Another that asks meanwhile is told "busy" and its busy handler sleeps and
asks again, 1, 2, 5 ... up to 100 ms at a time: under a few concurrent votes most of a write's time went on
sleeping while the database sat idle (p99 over 300 ms for a 5 ms vote). Here a writer first takes an exclusive
`flock` on a file beside the database, which the kernel hands to the next waiter as soon as it is released, after
the COMMIT or ROLLBACK. The lock is held exactly while SQLite's own write lock is (from BEGIN IMMEDIATE to the
end of the transaction), so it adds no new way to deadlock; SQLite's busy timeout still covers any writer that
does not take part (the sqlite3 shell, a backup).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading

from sqlalchemy.engine import URL, make_url

# A thread writing through one connection while it holds the queue through another would wait for itself: it
# then skips the queue and meets SQLite's busy timeout, as it did before there was a queue.
_held = threading.local()


class QueuedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection (via `factory=`) that waits its turn on the queue file before writing."""

    queue_path: str | None = None  # set on a subclass made for one database file (see connection_factory)
    _turn: int | None = None  # the queue file's descriptor while this connection holds the lock

    def wait_turn_to_write(self) -> None:
        """Block until no other writer holds the queue; call just before BEGIN IMMEDIATE."""
        if self.queue_path is None or self._turn is not None or getattr(_held, "count", 0):
            return
        # Opened for each turn and closed after it (which also unlocks): a connection dropped without close()
        # can then never leave the queue locked, nor a file open.
        fd = os.open(self.queue_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._turn = fd
        _held.count = getattr(_held, "count", 0) + 1

    def _leave(self) -> None:
        fd, self._turn = self._turn, None
        if fd is not None:
            _held.count = max(0, getattr(_held, "count", 0) - 1)
            os.close(fd)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave()

    def __del__(self) -> None:
        self._leave()


def sqlite_file(url: URL | str) -> str | None:
    """The file behind a SQLite URL, or None for another database or one held in memory."""
    url = make_url(url)
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:") \
            or url.query.get("mode") == "memory":
        return None
    return os.path.abspath(database)


def connection_factory(database_uri: str) -> type[QueuedWriterConnection] | None:
    """The connection class for a SQLite file database, or None (another database, or one in memory)."""
    path = sqlite_file(database_uri)
    if path is None:
        return None
    return type("QueuedWriterConnection", (QueuedWriterConnection,), {"queue_path": path + "-writers"})


def wait_turn_to_write(dbapi_connection: object) -> None:
    """Queue `dbapi_connection` for writing if it is one of ours; any other connection goes straight on."""
    if isinstance(dbapi_connection, QueuedWriterConnection):
        dbapi_connection.wait_turn_to_write()
