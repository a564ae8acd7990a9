"""The rate limits' in-process counters (issue 7): the same fixed windows as limits' memory:// storage, with no
thread started per hit."""

from __future__ import annotations

import threading

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from portal.core import limit_storage
from portal.core.limit_storage import ProcessMemoryStorage


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(limit_storage.time, "time", clock.time)
    return clock


def test_the_scheme_is_registered_with_limits():
    assert isinstance(storage_from_string("process-memory://"), ProcessMemoryStorage)


def test_a_window_allows_its_limit_then_refuses_until_it_ends(clock):
    limiter = FixedWindowRateLimiter(ProcessMemoryStorage())
    three_a_minute = parse("3 per minute")
    assert [limiter.hit(three_a_minute, "user:7") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(three_a_minute, "user:8")  # someone else counts apart
    assert limiter.get_window_stats(three_a_minute, "user:7").remaining == 0
    clock.now += 59
    assert not limiter.hit(three_a_minute, "user:7")
    clock.now += 1.5  # the window is over: a new one starts with this hit
    assert limiter.hit(three_a_minute, "user:7")
    stats = limiter.get_window_stats(three_a_minute, "user:7")
    assert stats.remaining == 2 and stats.reset_time == pytest.approx(clock.now + 60)


def test_forgotten_windows_are_swept_without_a_thread(clock):
    storage = ProcessMemoryStorage()
    threads = threading.active_count()
    for n in range(500):
        storage.incr(f"address:{n}", 10)
    assert threading.active_count() == threads
    clock.now += 11
    storage.incr("address:late", 10)  # the next hit after a second sweeps what has expired
    assert list(storage._counts) == ["address:late"]
    assert storage.get("address:3") == 0 and storage.get("address:late") == 1


def test_clear_and_reset(clock):
    storage = ProcessMemoryStorage()
    storage.incr("a", 60, 2)
    storage.incr("b", 60)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1
    assert storage.reset() == 1 and storage.get("b") == 0
    assert storage.get_expiry("b") == clock.now and storage.check()


def test_counts_stay_exact_under_threads():
    storage = ProcessMemoryStorage()

    def hit() -> None:
        for _ in range(2000):
            storage.incr("busy", 60)

    workers = [threading.Thread(target=hit) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert storage.get("busy") == 8000


def test_the_app_counts_in_process_memory_without_redis(app):
    from portal import create_app

    fresh = create_app("testing", RATELIMIT_ENABLED=True, REDIS_URL="", RATELIMIT_STORAGE_URI="",
                       SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    assert isinstance(fresh.extensions["portal_limiter"].storage, ProcessMemoryStorage)
