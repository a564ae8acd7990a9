"""Where a page's time goes: `python -m bench.sqlprofile DATABASE_URL [--explain]`.

Serves each measured page in process (Flask's test client, no server, no load) and splits its time into SQL
and Python, listing the slowest statements; --explain shows their plans (EXPLAIN ANALYZE on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite). Point it at a copy made by the benchmark, e.g. bench/data/run.sqlite.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from sqlalchemy import event

from bench.databases import targets
from bench.load import Endpoint, concrete, endpoints
from config import normalize_database_url

PASSWORD = "synthetic-password"


class Recorder:
    """Every statement run while recording, with its parameters and how long the database took."""

    def __init__(self) -> None:
        self.statements: list[tuple[float, str, Any]] = []
        self._started = 0.0

    def before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._started = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append((time.perf_counter() - self._started, statement, parameters))


def profile(url: str, explain: bool, repeat: int) -> None:
    from portal import create_app
    from portal.extensions import db

    aims = targets(url)
    # The page cache off: this measures what rendering a page costs, which a cache miss pays.
    app = create_app("development", SQLALCHEMY_DATABASE_URI=normalize_database_url(url), WTF_CSRF_ENABLED=False,
                     RATELIMIT_ENABLED=False, PAGE_CACHE_ENABLED=False)
    recorder = Recorder()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", recorder.before)
        event.listen(db.engine, "after_cursor_execute", recorder.after)
        anonymous, signed_in = app.test_client(), app.test_client()
        signed_in.post("/login", data={"email": "customer1@synthetic.example", "password": PASSWORD})
        location = anonymous.get(f"/ideas/{aims.discussed_idea}").headers.get("Location", "")
        for endpoint in [e for e in endpoints(aims, location or f"/ideas/{aims.discussed_idea}") if e.mode == "get"]:
            _profile_endpoint(signed_in if endpoint.signed_in else anonymous, endpoint, recorder, repeat)
            if explain:
                db.session.remove()  # the client's session must not hold SQLite's lock while we explain
                _explain(db.engine, recorder.statements)


def _profile_endpoint(client, endpoint: Endpoint, recorder: Recorder, repeat: int) -> None:
    client.get(concrete(endpoint.path))  # the first request of a process compiles templates and statements
    totals, sql = [], []
    for _ in range(repeat):
        recorder.statements.clear()
        started = time.perf_counter()
        status = client.get(concrete(endpoint.path)).status_code
        totals.append(time.perf_counter() - started)
        sql.append(sum(duration for duration, _, _ in recorder.statements))
    total, in_sql = statistics.median(totals) * 1000, statistics.median(sql) * 1000
    print(f"\n== {endpoint.label} ({endpoint.path}) {status}: {total:.1f} ms, SQL {in_sql:.1f} ms "
          f"in {len(recorder.statements)} statements, Python {total - in_sql:.1f} ms")
    for duration, statement, _ in sorted(recorder.statements, key=lambda s: -s[0])[:4]:
        print(f"   {duration * 1000:7.1f} ms  {' '.join(statement.split())[:240]}")


def _explain(engine, statements: list[tuple[float, str, Any]]) -> None:
    duration, statement, parameters = max(statements, key=lambda s: s[0])
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
    else:  # the raw connection: the app's begin hook would take the write lock for a mere EXPLAIN
        raw = engine.raw_connection()
        try:
            rows = raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
        finally:
            raw.close()
    print(f"   plan of the slowest ({duration * 1000:.1f} ms):")
    for row in rows:
        print("     " + " | ".join(str(value) for value in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--explain", action="store_true", help="show the plan of each page's slowest statement")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    profile(args.database_url, args.explain, args.repeat)


if __name__ == "__main__":
    main()
