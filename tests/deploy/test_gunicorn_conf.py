"""gunicorn.conf.py: the production settings that are more than a number from the environment."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_worker_leaves_what_it_loaded_out_of_later_garbage_collections():
    settings = runpy.run_path(str(CONF))
    gc.unfreeze()
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000  # the interpreter, pytest and the app's modules
    finally:
        gc.unfreeze()


def test_a_worker_holds_two_connections_per_thread_and_beats_in_memory(monkeypatch):
    monkeypatch.setenv("GUNICORN_THREADS", "3")
    monkeypatch.delenv("GUNICORN_WORKER_CONNECTIONS", raising=False)
    monkeypatch.delenv("GUNICORN_WORKER_TMP_DIR", raising=False)
    settings = runpy.run_path(str(CONF))
    assert settings["threads"] == 3 and settings["worker_connections"] == 6
    assert settings["worker_tmp_dir"] == ("/dev/shm" if Path("/dev/shm").is_dir() else None)
    monkeypatch.setenv("GUNICORN_WORKER_CONNECTIONS", "100")
    assert runpy.run_path(str(CONF))["worker_connections"] == 100


def test_other_worker_classes_keep_gunicorns_connection_pool(monkeypatch):
    # For gevent or eventlet, worker_connections is the size of the worker's pool of green threads.
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "gevent")
    monkeypatch.delenv("GUNICORN_WORKER_CONNECTIONS", raising=False)
    assert runpy.run_path(str(CONF))["worker_connections"] == 1000
