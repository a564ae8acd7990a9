"""SQLite writers queue on a file lock beside the database (portal/core/write_queue.py)."""

from __future__ import annotations

import fcntl
import gc
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from portal import create_app
from portal.core.write_queue import QueuedWriterConnection, connection_factory
from portal.extensions import db


def _queue_is_free(path: str) -> bool:
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


@pytest.fixture
def database(tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "queue.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    engine.dispose()
    return f"sqlite:///{path}", f"{path}-writers"


def _connect(uri: str) -> QueuedWriterConnection:
    factory = connection_factory(uri)
    assert factory is not None
    conn = factory(uri.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False, timeout=30)
    return conn


def _begin_writing(conn: QueuedWriterConnection) -> None:
    conn.wait_turn_to_write()
    conn.execute("BEGIN IMMEDIATE")


def test_only_file_databases_queue() -> None:
    assert connection_factory("sqlite:///:memory:") is None
    assert connection_factory("sqlite://") is None
    assert connection_factory("postgresql://postgres@127.0.0.1/test") is None
    assert connection_factory("sqlite:////srv/portal.sqlite").queue_path == "/srv/portal.sqlite-writers"


def test_a_second_writer_waits_for_the_first_to_commit_and_then_sees_its_write(database) -> None:
    uri, queue = database
    first, second = _connect(uri), _connect(uri)
    _begin_writing(first)
    first.execute("UPDATE counter SET n = n + 1")
    started, done = threading.Event(), threading.Event()
    seen: list[int] = []

    def write() -> None:
        started.set()
        _begin_writing(second)
        seen.append(second.execute("SELECT n FROM counter").fetchone()[0])
        second.execute("UPDATE counter SET n = n + 1")
        second.commit()
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    started.wait(5)
    assert not done.wait(0.3), "the second writer went ahead while the first held the write lock"
    assert not _queue_is_free(queue)
    first.commit()
    assert done.wait(10)
    thread.join()
    assert seen == [1]  # it began after the first committed, so it saw that write
    assert second.execute("SELECT n FROM counter").fetchone()[0] == 2
    assert _queue_is_free(queue)
    first.close()
    second.close()


def test_rollback_close_and_a_dropped_connection_all_leave_the_queue(database) -> None:
    uri, queue = database
    conn = _connect(uri)
    _begin_writing(conn)
    assert not _queue_is_free(queue)
    conn.rollback()
    assert _queue_is_free(queue)

    _begin_writing(conn)
    conn.close()
    assert _queue_is_free(queue)

    dropped = _connect(uri)
    _begin_writing(dropped)
    del dropped  # never closed: garbage collection must not leave the queue locked
    gc.collect()
    assert _queue_is_free(queue)


def test_a_thread_already_writing_through_another_connection_does_not_wait_for_itself(database) -> None:
    uri, queue = database
    first, second = _connect(uri), _connect(uri)
    _begin_writing(first)
    second.wait_turn_to_write()  # would block forever if it queued behind this thread's own turn
    assert second._turn is None
    first.rollback()
    assert _queue_is_free(queue)
    first.close()
    second.close()


def test_the_app_on_a_sqlite_file_writes_through_the_queue(tmp_path: Path) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'app.sqlite'}")
    queue = f"{tmp_path / 'app.sqlite'}-writers"
    with app.app_context():
        with db.engine.connect() as conn:
            assert isinstance(conn.connection.dbapi_connection, QueuedWriterConnection)
            conn.execute(text("CREATE TABLE t (n INTEGER)"))  # outside a request: a writer, so it queued
            assert not _queue_is_free(queue)
            conn.commit()
            assert _queue_is_free(queue)
        db.engine.dispose()
