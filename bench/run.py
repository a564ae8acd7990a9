"""The benchmark: `python -m bench.run [--quick]` (`make bench`, `make bench-quick`).

For each database (SQLite file, PostgreSQL) and size, it loads seeded data (cached in bench/data/ and
PostgreSQL templates), serves it with gunicorn as production does, drives every endpoint with wrk on loopback
for a bounded time, measures a Flask hello world under the same gunicorn settings, checks the budgets and
writes bench/results/<mode>.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import runpy
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.databases import (
    DATA,
    ROOT,
    Targets,
    admin_connection,
    counter_mismatches,
    postgres_backends,
    prepare_postgres,
    prepare_sqlite,
    targets,
)
from bench.load import Endpoint, LoadSettings, concrete, endpoints, ensure_wrk, run_wrk
from bench.queries import queries_per_request
from bench.report import budget_checks, markdown
from bench.server import Server, canonical_path, cpu_seconds, gunicorn, request, sign_in

RESULTS = ROOT / "bench" / "results"
QUICK_SIZES, FULL_SIZES = [1_000, 10_000], [1_000, 10_000, 100_000]
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1/portal_bench"
PASSWORD = "synthetic-password"  # portal.demo.synthetic.SYNTHETIC_PASSWORD


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 ideas, 3 s per endpoint")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], help="e.g. 1000,100000")
    parser.add_argument("--dbs", type=lambda s: s.split(","), default=["sqlite", "postgresql"])
    parser.add_argument("--duration", type=float, help="seconds of load per endpoint (quick 3, full 10)")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of unmeasured load before each page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads, also the number of signed-in people")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
                        help="the PostgreSQL database to recreate for each run (default %(default)s)")
    parser.add_argument("--port", type=int, default=8910)
    parser.add_argument("--only", type=lambda s: s.split(","), help="measure only these endpoints, e.g. vote,search")
    parser.add_argument("--name", help="results file name in bench/results/ (default: quick, full or custom)")
    args = parser.parse_args()
    args.mode = "quick" if args.quick else ("custom" if args.sizes else "full")
    if args.only:
        known = {e.name for e in endpoints(Targets(product_slug="", far_page=2, discussed_idea=1, vote_ids=[]), "/")}
        if unknown := sorted(set(args.only) - known):
            parser.error(f"--only: no endpoint named {', '.join(unknown)} (endpoints: {', '.join(sorted(known))})")
    # A partial run never overwrites the full or quick report.
    args.name = args.name or ("only-" + "-".join(args.only) if args.only else args.mode)
    args.sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    args.duration = args.duration or (3 if args.quick else 10)
    return args


def main() -> None:
    args = parse_args()
    ensure_wrk()
    settings = LoadSettings(duration=args.duration, connections=args.connections, threads=args.threads)
    started = time.monotonic()
    result: dict = {"meta": _meta(args), "runs": [], "failed": []}
    for db in args.dbs:
        for size in args.sizes:
            try:
                result["runs"].append(measure(db, size, args, settings))
            except Exception as exc:  # noqa: BLE001 - one broken combination must not lose the others' figures
                print(f"   FAILED: {exc}", flush=True)
                result["failed"].append({"db": db, "size": size, "error": str(exc)})
            _write(args.name, result, started, final=False)
    _write(args.name, result, started, final=True)


def _write(name: str, result: dict, started: float, final: bool) -> None:
    """The report so far (after each combination, so a crash keeps what was measured), and at the end."""
    result["checks"] = budget_checks(result)
    result["meta"]["seconds"] = round(time.monotonic() - started)
    report = markdown(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text(report)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    if final:
        print("\n" + report)
        print(f"Written to bench/results/{name}.md and .json in {result['meta']['seconds']} s.")


def measure(db: str, size: int, args: argparse.Namespace, settings: LoadSettings) -> dict:
    """One database at one size: the endpoints, hello world, memory, counters and queries per request."""
    print(f"== {db}, {size:,} ideas", flush=True)
    url = prepare_sqlite(size, args.seed) if db == "sqlite" else prepare_postgres(size, args.seed, args.pg_url)
    aims = targets(url)
    # The copy just made (hundreds of MB) is written back to disk now, not while pages are being timed.
    os.sync()
    # Hello world before and after the portal, averaged: other load on the machine hits both alike.
    hello_before = _hello(args, settings)
    run: dict = {"db": db, "size": size, "endpoints": {}, "load_average": [os.getloadavg()[0]]}
    with gunicorn("wsgi:app", args.port, url, DATA / "gunicorn.log") as server:
        eps = endpoints(aims, canonical_path(server.base, f"/ideas/{aims.discussed_idea}"))
        sessions, ids = _sessions_file(server.base, args.threads), _ids_file(aims)
        cpu = CpuProbe(server, url if db == "postgresql" else None)
        for endpoint in [e for e in eps if not args.only or e.name in args.only]:
            run["endpoints"][endpoint.name] = _measure_endpoint(server.base, endpoint, settings, args.warmup,
                                                                sessions, ids, cpu)
            if endpoint.mode == "vote":
                run["mismatches_after_votes"] = counter_mismatches(url)
        run["mismatches_after_comments"] = counter_mismatches(url)
        run["rss_mb"] = server.worker_rss_mb()
    run["load_average"].append(os.getloadavg()[0])
    run["hello_runs"] = [hello_before, _hello(args, settings)]
    run["hello"] = {key: sum(h[key] for h in run["hello_runs"]) / 2
                    for key in ("rps", "p50_ms", "p99_ms", "app_cpu_ms")}
    # Anonymous pages as rendered (served from the cache each costs one query, the content version); signed-in
    # pages as served, from the copy shared with the viewer's audience, and as rendered for the viewer alone.
    counted = {"email": "customer1@synthetic.example", "password": PASSWORD, "follower": "customer2@synthetic.example"}
    rendered = queries_per_request(url, eps, idea_id=aims.vote_ids[0], **counted)
    served = queries_per_request(url, eps, idea_id=aims.vote_ids[1], page_cache=True, **counted)
    run["queries"] = {ep.name: served[ep.name] if ep.signed_in else rendered[ep.name] for ep in eps}
    run["queries_rendered"] = rendered
    return run


class CpuProbe:
    """CPU time the app's workers (and its PostgreSQL backends) spend per request: unlike req/s, it hardly
    changes when something else on the machine competes for the cores."""

    def __init__(self, server: Server, database_url: str | None = None) -> None:
        self.server, self.database_url = server, database_url

    def snapshot(self) -> tuple[dict[int, float], dict[int, float]]:
        backends = postgres_backends(self.database_url) if self.database_url else []
        return cpu_seconds(self.server.worker_pids()), cpu_seconds(backends)

    def measure(self, work: Callable[[], dict]) -> dict:
        app_before, db_before = self.snapshot()
        result = work()
        app_after, db_after = self.snapshot()
        requests = max(result["requests"], 1)
        for key, before, after in (("app", app_before, app_after), ("db", db_before, db_after)):
            used = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
            result[f"{key}_cpu_ms"] = used * 1000 / requests
        return result


def _check_answer(base: str, endpoint: Endpoint, sessions: Path, ids: Path) -> None:
    """One request by hand first: a page or a write that fails fails the run loudly, not as an error count."""
    cookie, token = sessions.read_text().splitlines()[0].split("\t")
    headers = {"Cookie": cookie} if endpoint.signed_in else {}
    idea_id = ids.read_text().split()[0]
    if endpoint.mode == "get":
        status, expected = request(base, "GET", concrete(endpoint.path), headers=headers)[0], (200,)
    elif endpoint.mode == "vote":
        status = request(base, "POST", f"/ideas/{idea_id}/vote", {"action": "add"},
                         {**headers, "X-CSRFToken": token, "Accept": "application/json"})[0]
        expected = (200,)
    else:
        status = request(base, "POST", f"/ideas/{idea_id}/comments", {"body": "A first benchmark comment"},
                         {**headers, "X-CSRFToken": token})[0]
        expected = (302, 303)
    if status not in expected:
        raise RuntimeError(f"{endpoint.label} answered {status}, not {' or '.join(map(str, expected))}")


def _hello(args: argparse.Namespace, settings: LoadSettings) -> dict:
    """The ceiling: bench/hello.py under the same gunicorn.conf.py."""
    hello = Endpoint("hello", "Hello world", "get", "/")
    with gunicorn("bench.hello:app", args.port + 1, log=DATA / "gunicorn.log") as server:
        run_wrk(server.base, hello, settings, duration=args.warmup)
        result = CpuProbe(server).measure(lambda: run_wrk(server.base, hello, settings))
    print(f"   {'Hello world':32} {result['rps']:8,.0f} req/s  p50 {result['p50_ms']:7.1f} ms  "
          f"p99 {result['p99_ms']:7.1f} ms", flush=True)
    return result


def _measure_endpoint(base: str, endpoint: Endpoint, settings: LoadSettings, warmup: float, sessions: Path,
                      ids: Path, cpu: CpuProbe) -> dict:
    _check_answer(base, endpoint, sessions, ids)
    if endpoint.mode == "get" and warmup > 0:  # every worker compiles its templates and fills its pool first
        run_wrk(base, endpoint, settings, duration=warmup, sessions=sessions, ids=ids)
    result = {"label": endpoint.label, "path": endpoint.path,
              **cpu.measure(lambda: run_wrk(base, endpoint, settings, sessions=sessions, ids=ids))}
    print(f"   {endpoint.label:32} {result['rps']:8,.0f} req/s  p50 {result['p50_ms']:7.1f} ms  "
          f"p99 {result['p99_ms']:7.1f} ms  errors {result['errors']}  CPU/req app {result['app_cpu_ms']:.1f} ms "
          f"db {result['db_cpu_ms']:.1f} ms", flush=True)
    return result


def _sessions_file(base: str, people: int) -> Path:
    """One signed-in customer per wrk thread: "cookie<TAB>csrf token" lines."""
    path = DATA / "sessions.tsv"
    rows = [sign_in(base, f"customer{n}@synthetic.example", PASSWORD) for n in range(1, people + 1)]
    path.write_text("".join(f"{cookie}\t{token}\n" for cookie, token in rows))
    return path


def _ids_file(aims: Targets) -> Path:
    path = DATA / "vote-ids.txt"
    path.write_text("".join(f"{idea_id}\n" for idea_id in aims.vote_ids))
    return path


def _meta(args: argparse.Namespace) -> dict:
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.processor())
    return {
        "mode": args.mode, "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": _commit(),
        "cpus": os.cpu_count(), "cpu_model": cpu_model, "python": platform.python_version(),
        "gunicorn": f"{conf['workers']} workers × {conf['threads']} threads ({conf['worker_class']}), "
                    f"{conf['worker_connections']} connections each",
        "wrk": f"{args.threads} threads, {args.connections} connections, {args.duration:g} s per endpoint "
               f"after {args.warmup:g} s warm-up",
        "postgresql": _pg_version(args) if "postgresql" in args.dbs else "not measured",
        "sizes": args.sizes, "seed": args.seed, "only": args.only or [],
    }


def _commit() -> str:
    """The commit measured; a snapshot made by `git archive` has no .git and names it in BENCH_COMMIT."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        return os.environ.get("BENCH_COMMIT", "unknown")
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return head.stdout.strip() + (" with uncommitted changes" if dirty else "")


def _pg_version(args: argparse.Namespace) -> str:
    with admin_connection(args.pg_url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


if __name__ == "__main__":
    main()
