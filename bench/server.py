"""Serving under gunicorn exactly as production does, signing in over HTTP, and reading the workers' memory."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# Production settings, except what would make the load generator measure the portal's defences instead of its
# pages: one client address sending thousands of requests a minute. Rate limits stay on (their cost is part of
# every request) but far above what a run sends; the spam form-fill delay is off, as in the tests.
BENCH_ENV = {
    **{name: "1000000 per minute" for name in (
        "RATELIMIT_SIGN_IN", "RATELIMIT_SEARCH", "RATELIMIT_VOTE", "RATELIMIT_VOTE_PER_USER", "RATELIMIT_COMMENT",
        "RATELIMIT_COMMENT_PER_USER", "RATELIMIT_IDEA", "RATELIMIT_IDEA_PER_USER")},
    "SPAM_MIN_FILL_SECONDS": "0",
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
# Anonymous pages carry no token (so they stay cacheable); the sign-in form has its own hidden field.
CSRF_FIELD = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Server:
    base: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker (the master's children), in MB."""
        out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return sorted(int(line) / 1024 for line in out.stdout.split() if line.strip())


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time each process has used so far (processes gone meanwhile are left out)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime: fields 14 and 15 of stat
    return used


@contextmanager
def gunicorn(app: str, port: int, database_url: str | None = None, log: Path | None = None,
             extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """`gunicorn -c gunicorn.conf.py APP` with PORTAL_ENV=production, a fresh SECRET_KEY and DATABASE_URL.

    `extra_env` adds to or overrides that environment (several app servers share one SECRET_KEY and REDIS_URL).
    """
    env = {**os.environ, **BENCH_ENV, "PORTAL_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "GUNICORN_BIND": f"{HOST}:{port}", "GUNICORN_LOGLEVEL": "warning", **(extra_env or {})}
    if database_url:
        env["DATABASE_URL"] = database_url
    out = open(log, "a") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below, after the server stops
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", app], cwd=ROOT, env=env,
                               stdout=out, stderr=subprocess.STDOUT)
    server = Server(base=f"http://{HOST}:{port}", process=process)
    try:
        _wait_until_up(server, "/healthz" if database_url else "/")
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()


def _wait_until_up(server: Server, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}; see the log in bench/data/")
        try:
            if request(server.base, "GET", path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {path} within {timeout:.0f} s")


def request(base: str, method: str, path: str, form: dict | None = None,
            headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, str]:
    """One request, redirects not followed: (status, headers, body)."""
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    body = urllib.parse.urlencode(form) if form is not None else None
    headers = {**(headers or {}), **({"Content-Type": "application/x-www-form-urlencoded"} if form else {})}
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _session_cookie(headers: http.client.HTTPMessage, current: str) -> str:
    # Production cookies are Secure, so no cookie jar would send them over plain HTTP; read them by hand.
    for value in headers.get_all("Set-Cookie") or []:
        cookie = SimpleCookie(value)
        if "session" in cookie:
            return f"session={cookie['session'].value}"
    return current


def sign_in(base: str, email: str, password: str) -> tuple[str, str]:
    """Sign in through the login form; returns (Cookie header, CSRF token) for signed-in requests."""
    status, headers, body = request(base, "GET", "/login")
    cookie = _session_cookie(headers, "")
    token = CSRF_FIELD.search(body)
    if status != 200 or token is None:
        raise RuntimeError(f"no sign-in form at /login ({status})")
    status, headers, _ = request(base, "POST", "/login", {"email": email, "password": password,
                                                           "csrf_token": token.group(1)}, {"Cookie": cookie})
    if status != 302:
        raise RuntimeError(f"signing in as {email} failed ({status})")
    cookie = _session_cookie(headers, cookie)
    status, headers, body = request(base, "GET", "/", headers={"Cookie": cookie})
    meta = CSRF_META.search(body)
    if status != 200 or meta is None or "Sign out" not in body:
        raise RuntimeError(f"not signed in as {email} after the login form ({status})")
    return _session_cookie(headers, cookie), meta.group(1)


def canonical_path(base: str, path: str) -> str:
    """Where a page lives after its 301 (an idea's address carries its slug)."""
    status, headers, _ = request(base, "GET", path)
    return urllib.parse.urlsplit(headers["Location"]).path if status == 301 else path
