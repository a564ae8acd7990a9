"""SQL statements per request for each measured endpoint, counted in process with Flask's test client."""

from __future__ import annotations

from sqlalchemy import event

from bench.load import Endpoint, concrete
from config import normalize_database_url


def queries_per_request(url: str, endpoints: list[Endpoint], email: str, password: str, idea_id: int,
                        follower: str, page_cache: bool = False) -> dict:
    """Each endpoint's statement count on its second request (the first may fill per-process caches).

    Without `page_cache`, every page is rendered; with it, pages are served as in the timed runs (a signed-in
    page from the copy shared with its audience, filled in for the viewer)."""
    from portal import create_app
    from portal.pagecache.versions import engines_read

    # No CSRF, rate limits or form-fill delay: the test client signs in and posts straight away.
    app = create_app("development", SQLALCHEMY_DATABASE_URI=normalize_database_url(url), WTF_CSRF_ENABLED=False,
                     RATELIMIT_ENABLED=False, SPAM_MIN_FILL_SECONDS=0, PAGE_CACHE_ENABLED=page_cache)
    statements: list[str] = []

    def _count(conn, cursor, statement, *args) -> None:
        # SQLite's explicit BEGIN (PostgreSQL begins implicitly) reads and writes nothing: not a query, as in
        # tests/test_query_counts.py.
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            statements.append(statement)

    counts: dict[str, int] = {}
    with app.app_context():
        # The content version may be read on an engine of its own (pagecache.versions).
        engines = engines_read()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", _count)
    # Each request in an application context of its own, as under gunicorn: one pushed around them all would
    # share `g` between requests (the signed-in user, the content version) and miscount.
    anonymous, signed_in = app.test_client(), app.test_client()
    signed_in.post("/login", data={"email": email, "password": password})
    # Someone else follows the idea (their vote does it), so a comment on it always notifies somebody: whether
    # anybody followed it otherwise depends on what the timed runs wrote, not on the size of the data.
    other = app.test_client()
    signed = other.post("/login", data={"email": follower, "password": password}).status_code
    voted = other.post(f"/ideas/{idea_id}/vote", data={"action": "add"},
                       headers={"Accept": "application/json"}).status_code
    if (signed, voted) != (302, 200):
        raise RuntimeError(f"{follower} could not sign in and vote for idea {idea_id} ({signed}, {voted})")
    for endpoint in endpoints:
        client = signed_in if endpoint.signed_in else anonymous
        for words in SEARCH_WORDS:
            statements.clear()
            status = _call(client, endpoint, idea_id, words)
        counts[endpoint.name] = len(statements) if status < 400 else -status
    for engine in engines:
        event.remove(engine, "before_cursor_execute", _count)
        engine.dispose()
    return counts


# A search of random words is new each time: its second request searches other words than its first.
SEARCH_WORDS = (("children", "battery"), ("children", "keyboard"))


def _call(client, endpoint: Endpoint, idea_id: int, words: tuple[str, ...]) -> int:
    if endpoint.mode == "vote":
        return client.post(f"/ideas/{idea_id}/vote", data={"action": "add"},
                           headers={"Accept": "application/json"}).status_code
    if endpoint.mode == "comment":
        return client.post(f"/ideas/{idea_id}/comments", data={"body": "Counting queries"}).status_code
    return client.get(concrete(endpoint.path, words)).status_code
