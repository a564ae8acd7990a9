"""Rate-limit counters in the process's memory, for when no Redis is configured (`process-memory://`).

`limits`' own `memory://` storage expires keys on a `threading.Timer` it restarts 10 ms after each hit, so a
busy worker starts a thread for nearly every limited request (votes, comments, searches): about a fifth of a
vote's CPU on the benchmark machine. This storage keeps the same fixed-window counts and expires a window when
its key is next read, sweeping the forgotten ones at most once a second on a hit, with no thread. It plugs in
through `limits`' storage registry (a `Storage` subclass with its scheme), so Flask-Limiter uses it like any
other; with REDIS_URL set the counts live in Redis instead, shared by every worker and server.
"""

from __future__ import annotations

import threading
import time

from limits.storage import Storage

_NONE = (0, 0.0)


class ProcessMemoryStorage(Storage):
    """Fixed-window counters in a dict: key -> (count, end of its window)."""

    STORAGE_SCHEME = ["process-memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return ValueError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            count, ends = self._counts.get(key, _NONE)
            if ends <= now:  # a new window starts with this hit
                count, ends = 0, now + expiry
            count += amount
            self._counts[key] = (count, ends)
            return count

    def get(self, key: str) -> int:
        count, ends = self._counts.get(key, _NONE)
        return count if ends > time.time() else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        ends = self._counts.get(key, _NONE)[1]
        return ends if ends > now else now

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            cleared = len(self._counts)
            self._counts.clear()
            return cleared

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + self.SWEEP_SECONDS
        for key in [key for key, (_, ends) in self._counts.items() if ends <= now]:
            del self._counts[key]
