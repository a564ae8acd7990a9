"""Instructions per request, counted by valgrind: `python -m bench.instructions` (`make bench-instructions`).

Requests per second under wrk move by 10-20% between runs on a shared two-core machine: as much as most
changes do. The number of instructions the app executes for a request does not: the same code on the same data
gives the same count within a fraction of a percent, whatever else the machine is doing. So this is the measure
for telling whether a change made a request cheaper, before the slow and noisy load run says by how much it
moves throughput. It is not the budgets' measure: no server, network, kernel or database process is counted,
so the ratio of two counts is not the ratio of two throughputs (hello world, the minimal Flask app, is counted
as the floor every request pays in process, not as the budgets' ceiling).

Each endpoint runs in a process of its own under callgrind, on a fresh copy of the seeded data (the same that
`bench.run` uses): the app is built with the production settings, signs in, serves a warm-up, then serves
`--requests` requests through Flask's test client while callgrind counts.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable

from bench.databases import ROOT, Targets, prepare_postgres, prepare_sqlite, targets
from bench.load import concrete, endpoints, search_words
from bench.run import DEFAULT_PG_URL, PASSWORD
from bench.server import BENCH_ENV, CSRF_FIELD, CSRF_META

DEFAULT_ENDPOINTS = ("idea", "list_signed_in", "idea_signed_in", "vote")
HELLO = "hello"
BASE = "https://localhost"  # the session cookie is Secure in production
_COLLECTED = re.compile(r"Collected\s*:\s*([\d,]+)")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--size", type=int, default=100_000, help="ideas in the seeded data (default %(default)s)")
    parser.add_argument("--requests", type=int, default=200, help="requests counted per endpoint")
    parser.add_argument("--warmup", type=int, default=50, help="requests served before counting starts")
    parser.add_argument("--only", type=lambda s: s.split(","), default=list(DEFAULT_ENDPOINTS),
                        help=f"endpoints to count (default {','.join(DEFAULT_ENDPOINTS)}; '{HELLO}' is the "
                             "minimal Flask app)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--child", help=argparse.SUPPRESS)  # JSON: what one process under callgrind serves
    args = parser.parse_args()
    known = {e.name for e in endpoints(Targets("", 2, 1, []), "/")} | {HELLO}
    if unknown := sorted(set(args.only) - known):
        parser.error(f"--only: no endpoint named {', '.join(unknown)} (endpoints: {', '.join(sorted(known))})")
    return args


def main() -> None:
    args = parse_args()
    if args.child:
        serve_counted(json.loads(args.child))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("Counting instructions needs valgrind: sudo apt-get install valgrind")
    names = [HELLO, *[name for name in args.only if name != HELLO]]
    print(f"Instructions per request ({args.db}, {args.size:,} ideas, {args.requests} requests each, "
          f"after {args.warmup} to warm up):", flush=True)
    for name in names:
        # Each on data as seeded: a write endpoint must not find what another left behind.
        url = "" if name == HELLO else (prepare_sqlite(args.size, args.seed) if args.db == "sqlite"
                                        else prepare_postgres(args.size, args.seed, args.pg_url))
        print(f"   {name:<22} {count(name, url, args) / 1e6:8.3f} M", flush=True)


def count(name: str, url: str, args: argparse.Namespace) -> float:
    """Instructions per request of one endpoint, from a process of its own under callgrind."""
    out = ROOT / "bench" / "data" / f"callgrind-{name}.out"
    out.parent.mkdir(parents=True, exist_ok=True)
    child = json.dumps({"name": name, "url": url, "requests": args.requests, "warmup": args.warmup,
                        "seed": args.seed})
    # Collection is on only inside libc's qsort, which serve_counted calls around the counted requests.
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=*qsort*",
               f"--callgrind-out-file={out}", sys.executable, "-m", "bench.instructions", "--child", child]
    env = {**os.environ, **BENCH_ENV, "PORTAL_ENV": "production", "SECRET_KEY": "instructions-" * 4,
           "PYTHONHASHSEED": "0"}  # the same dict and set orders in every run
    if url:
        env["DATABASE_URL"] = url
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    out.unlink(missing_ok=True)
    collected = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or collected is None:
        raise SystemExit(f"{name}: the counted run failed\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return int(collected.group(1).replace(",", "")) / args.requests


def serve_counted(job: dict) -> None:
    """In the process under callgrind: build the app, warm up, then serve the counted requests inside qsort."""
    random.seed(job["seed"])
    one = _hello_request() if job["name"] == HELLO else _portal_request(job["name"], job["url"])
    for _ in range(job["warmup"]):
        one()
    gc.collect()
    gc.freeze()  # as gunicorn.conf.py does in each worker
    served = 0

    def compare(_a: int, _b: int) -> int:
        nonlocal served
        if not served:  # qsort may compare more than once; the requests are served on the first call only
            for _ in range(job["requests"]):
                one()
            served = job["requests"]
        return 0

    # callgrind can switch counting on only around a function it sees called, a C one in practice; qsort
    # calling back into Python is the one every libc has.
    libc = ctypes.CDLL(None)
    comparison = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(compare)
    pair = (ctypes.c_int * 2)(1, 2)
    libc.qsort(pair, 2, ctypes.sizeof(ctypes.c_int), comparison)
    if served != job["requests"]:
        raise SystemExit("qsort never called back: nothing was counted")


def _hello_request() -> Callable[[], None]:
    from bench.hello import app

    client = app.test_client()

    def one() -> None:
        _expect(client.get("/", base_url=BASE), 200)

    return one


def _portal_request(name: str, url: str) -> Callable[[], None]:
    from portal import create_app

    aims = targets(url)
    app = create_app()
    client = app.test_client()
    referer = {"Referer": f"{BASE}/"}  # production checks that a POST comes from our own pages
    moved = client.get(f"/ideas/{aims.discussed_idea}", base_url=BASE)
    idea_path = moved.headers["Location"].removeprefix(BASE) if moved.status_code == 301 else moved.request.path
    endpoint = next(e for e in endpoints(aims, idea_path) if e.name == name)
    csrf = _sign_in(client, referer) if endpoint.signed_in else ""
    words = search_words()
    posted = {**referer, "X-CSRFToken": csrf}

    def one() -> None:
        if endpoint.mode == "vote":
            action = random.choice(("add", "remove"))
            _expect(client.post(f"/ideas/{random.choice(aims.vote_ids)}/vote", data={"action": action},
                                headers={**posted, "Accept": "application/json"}, base_url=BASE), 200)
        elif endpoint.mode == "comment":
            _expect(client.post(f"/ideas/{random.choice(aims.vote_ids)}/comments",
                                data={"body": f"A counted comment {random.random()}"}, headers=posted,
                                base_url=BASE), 302)
        else:
            picked = (random.choice(words), random.choice(words))  # the {word} slots of a search, as wrk fills them
            _expect(client.get(concrete(endpoint.path, picked), base_url=BASE), 200)

    return one


def _sign_in(client, referer: dict) -> str:
    """Sign in as a synthetic customer through the form; returns the CSRF token pages carry for scripts."""
    form = client.get("/login", base_url=BASE)
    token = CSRF_FIELD.search(form.get_data(as_text=True))
    if token is None:
        raise SystemExit(f"no sign-in form at /login ({form.status_code})")
    _expect(client.post("/login", data={"email": "customer1@synthetic.example", "password": PASSWORD,
                                        "csrf_token": token.group(1)}, headers=referer, base_url=BASE), 302)
    meta = CSRF_META.search(client.get("/", base_url=BASE).get_data(as_text=True))
    if meta is None:
        raise SystemExit("not signed in after the sign-in form")
    return meta.group(1)


def _expect(response, status: int) -> None:
    if response.status_code != status:
        raise SystemExit(f"{response.request.method} {response.request.path}: {response.status_code}, "
                         f"expected {status}\n{response.get_data(as_text=True)[:500]}")


if __name__ == "__main__":
    main()
