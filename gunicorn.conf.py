"""Gunicorn settings for production (and the benchmark): `gunicorn -c gunicorn.conf.py wsgi:app`.

Everything comes from the environment; the defaults suit one machine behind a reverse proxy.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import Any


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# HOST and PORT are the same variables `make run` reads; GUNICORN_BIND (e.g. unix:/run/portal.sock) wins.
bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# The usual rule of thumb, two per core plus one: a worker waiting on the database leaves its core to another.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
# gthread even with one thread: it keeps connections alive, which the sync worker never does.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# A gthread worker accepts every connection offered while it holds fewer than this, even when all its threads are
# busy: with gunicorn's default (1,000) one worker could take every kept-alive connection of a client and serve
# them one after another while the others idled (a search measured at half the throughput it has when spread).
# One waiting connection per thread beside the one being served leaves the rest in the listen backlog for an idle
# worker. Clients that connect directly and hold many idle keep-alive connections need more (or a proxy in front).
# gthread only: for gevent or eventlet workers it is the size of their pool, where gunicorn's default stands.
worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", threads * 2 if worker_class == "gthread" else 1000)
timeout = _int("GUNICORN_TIMEOUT", 30)
# The heartbeat touches a file in this directory on every loop; on a disk-backed /tmp that write can wait behind
# the database's own I/O. Memory-backed where there is one, as gunicorn advises.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Restart a worker after this many requests (0: never), with jitter so they don't all restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
# Access logs usually come from the reverse proxy; GUNICORN_ACCESSLOG=- writes them to stdout as well.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Trust X-Forwarded-Proto only from the proxy in front (gunicorn also reads FORWARDED_ALLOW_IPS itself).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(_worker: Any) -> None:
    """Leave what the worker loaded at start (modules, routes, models, templates' machinery) out of later garbage
    collections: it lives as long as the worker. A full collection otherwise walked some 180,000 objects for 78 ms
    while a request waited; after the freeze it walks what requests left behind, a few milliseconds."""
    gc.collect()
    gc.freeze()
