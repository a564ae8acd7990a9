"""Two app servers (gunicorn, two workers each) on one PostgreSQL and one Redis behave as one site.

A session made on one server works on the other, a vote counts once whichever server gets it, a rate limit is
counted across both, and a page either server cached is fresh after a write through the other. Runs whenever
PostgreSQL and Redis answer on 127.0.0.1 (as on the CI machine); it makes and drops its own database.
"""

from __future__ import annotations

import json
import secrets
import socket
from collections.abc import Iterator
from contextlib import ExitStack

import psycopg
import pytest

from bench.databases import flask
from bench.server import canonical_path, gunicorn, request, sign_in

PG_ADMIN = "postgresql://postgres@127.0.0.1/postgres"
# A name of its own per run: CI runs the SQLite and PostgreSQL suites side by side, and both reach this test.
DATABASE = f"portal_two_servers_{secrets.token_hex(4)}"
DATABASE_URL = f"postgresql://postgres@127.0.0.1/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/0"
SEARCHES_PER_MINUTE = 5


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _recreate_database() -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[tuple[str, str]]:
    if not (_answers(5432) and _answers(6379)):
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379")
    _recreate_database()
    flask(DATABASE_URL, "db", "upgrade")
    flask(DATABASE_URL, "seed-demo")
    shared = {
        "SECRET_KEY": secrets.token_hex(32), "REDIS_URL": REDIS_URL, "WEB_CONCURRENCY": "2",
        # A key prefix of its own, so counts left in Redis by other runs never meet this one's.
        "RATELIMIT_KEY_PREFIX": f"portal-two-servers-{secrets.token_hex(4)}",
        "RATELIMIT_SEARCH": f"{SEARCHES_PER_MINUTE} per minute", "REQUIRE_EMAIL_VERIFICATION": "off",
    }
    log = tmp_path_factory.mktemp("two-servers") / "gunicorn.log"
    with ExitStack() as stack:
        bases = [stack.enter_context(gunicorn("wsgi:app", _free_port(), DATABASE_URL, log, shared)).base
                 for _ in range(2)]
        yield bases[0], bases[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def _open_idea() -> tuple[int, int]:
    """An idea anyone may vote on, and its vote count."""
    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute(
            "SELECT idea.id, idea.vote_count FROM idea JOIN status ON status.id = idea.status_id "
            "WHERE status.kind = 'open' AND idea.hidden_at IS NULL AND idea.merged_into_id IS NULL "
            "ORDER BY idea.id LIMIT 1").fetchone()


def _vote_rows(idea_id: int) -> int:
    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute("SELECT count(*) FROM vote WHERE idea_id = %s", (idea_id,)).fetchone()[0]


def _vote(base: str, cookie: str, token: str, idea_id: int, action: str) -> int:
    status, _, body = request(base, "POST", f"/ideas/{idea_id}/vote", {"action": action},
                              {"Cookie": cookie, "X-CSRFToken": token, "Accept": "application/json"})
    assert status == 200, body[:500]
    return json.loads(body)["vote_count"]


def test_a_session_made_on_one_server_is_signed_in_on_the_other(servers):
    first, second = servers
    cookie, _ = sign_in(first, "customer@example.com", "demo-password")
    status, headers, body = request(second, "GET", "/", headers={"Cookie": cookie})
    assert status == 200
    assert "Sign out" in body
    assert "Set-Cookie" not in headers or "session=;" not in headers["Set-Cookie"]
    status, _, body = request(second, "GET", "/")
    assert "Sign out" not in body  # and nobody else's page was served from a cache


def test_a_vote_counts_once_whichever_server_gets_it(servers):
    first, second = servers
    cookie, token = sign_in(first, "customer@example.com", "demo-password")
    idea_id, before = _open_idea()
    _vote(first, cookie, token, idea_id, "remove")  # start from "not voted", whatever the demo holds
    base = _vote_rows(idea_id)
    assert _vote(first, cookie, token, idea_id, "add") == base + 1
    assert _vote(second, cookie, token, idea_id, "add") == base + 1  # the same person again, elsewhere
    assert _vote_rows(idea_id) == base + 1
    assert _vote(second, cookie, token, idea_id, "remove") == base
    assert _vote_rows(idea_id) == base


def test_a_page_cached_on_either_server_is_fresh_after_a_vote_through_the_other(servers):
    first, second = servers
    idea_id, _ = _open_idea()
    path = canonical_path(first, f"/ideas/{idea_id}")
    # Behind the proxy both servers see the site's own host name (pages carry absolute links to it).
    site = {"Host": "portal.example.org"}
    request(first, "GET", path, headers=site)
    pages = [request(base, "GET", path, headers=site) for base in (first, second)]
    assert all(status == 200 and headers["X-Page-Cache"] == "hit" and "Set-Cookie" not in headers
               for status, headers, _ in pages)  # the second server serves the page the first one cached
    etag = pages[0][1]["ETag"]
    assert pages[1][1]["ETag"] == etag
    assert request(second, "GET", path, headers={**site, "If-None-Match": etag})[0] == 304

    cookie, token = sign_in(second, "customer@example.com", "demo-password")
    _vote(second, cookie, token, idea_id, "remove")
    count = _vote(second, cookie, token, idea_id, "add")
    status, headers, body = request(first, "GET", path, headers=site)
    assert headers["X-Page-Cache"] == "miss"
    assert f'<span class="vote-count">{count}</span>' in body
    assert request(second, "GET", path, headers={**site, "If-None-Match": etag})[0] == 200


def test_a_rate_limit_is_counted_across_both_servers(servers):
    first, second = servers
    answers = [request((first, second)[n % 2], "GET", "/search?q=keyboard")[0]
               for n in range(SEARCHES_PER_MINUTE + 1)]
    assert answers[:SEARCHES_PER_MINUTE] == [200] * SEARCHES_PER_MINUTE
    assert answers[-1] == 429
