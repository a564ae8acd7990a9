"""The endpoints measured, and driving each with wrk on loopback for a bounded time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.databases import DATA, Targets

LUA = Path(__file__).resolve().parent / "lua" / "portal.lua"
WORD = "{word}"  # in a path: wrk puts a random word of words_file() there, a new one on each request


def search_words() -> list[str]:
    """The words of the synthetic ideas' titles, descriptions and comments that a search may use."""
    from portal.demo import synthetic_text
    from portal.search.text import STOP_WORDS, TERM_MAX, search_terms

    parts = ("TITLE_VERBS", "TITLE_PARTS", "TITLE_CONTEXTS", "BODY_PARAGRAPHS", "COMMENTS")
    text = " ".join(line for name in parts for line in getattr(synthetic_text, name))
    words = {word for chunk in text.split() for word in search_terms(chunk)}
    return sorted(word for word in words if 2 < len(word) <= TERM_MAX and word not in STOP_WORDS)


def words_file() -> Path:
    path = DATA / "search-words.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{word}\n" for word in search_words()))
    return path


def concrete(path: str, words: tuple[str, ...] = ("battery", "charging")) -> str:
    """`path` with its random words replaced by fixed ones (for a request made outside wrk)."""
    for word in words:
        path = path.replace(WORD, word, 1)
    return path


@dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    mode: str  # get | vote | comment
    path: str = ""
    signed_in: bool = False


def endpoints(targets: Targets, idea_path: str) -> list[Endpoint]:
    """Reads first, signed-in reads next, writes last (so they cannot change what the reads see)."""
    product = f"/products/{targets.product_slug}"
    return [
        Endpoint("list_top", "Idea list, top, page 1", "get", f"{product}?sort=top"),
        Endpoint("list_far", f"Idea list, top, page {targets.far_page}", "get",
                 f"{product}?sort=top&page={targets.far_page}"),
        Endpoint("list_new", "Idea list, new", "get", f"{product}?sort=new"),
        Endpoint("list_trending", "Idea list, trending", "get", f"{product}?sort=trending"),
        Endpoint("idea", "Idea page, 50 comments", "get", idea_path),
        Endpoint("roadmap", "Roadmap", "get", "/roadmap"),
        Endpoint("changelog", "Changelog", "get", "/changelog"),
        Endpoint("search", "Search \"battery\"", "get", "/search?q=battery"),
        # A different search nearly every time (two of the seeded text's 238 words, at random: 56,000 pairs), so
        # what is kept of one search until the next write (portal/search) seldom helps: the ranking's own cost.
        Endpoint("search_words", "Search, two random words", "get", f"/search?q={WORD}+{WORD}"),
        Endpoint("list_signed_in", "Idea list, signed in", "get", f"{product}?sort=top", signed_in=True),
        Endpoint("idea_signed_in", "Idea page, signed in", "get", idea_path, signed_in=True),
        Endpoint("vote", "Vote toggle (POST)", "vote", signed_in=True),
        Endpoint("comment", "Post a comment (POST)", "comment", signed_in=True),
    ]


def ensure_wrk() -> str:
    """wrk from Debian's packages: installed here when we are root, otherwise the user is told how."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (apt-get install wrk)...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL)
        return shutil.which("wrk") or "wrk"
    raise SystemExit("The benchmark needs wrk: sudo apt-get install wrk (or run `make bench` as root).")


@dataclass
class LoadSettings:
    duration: float
    connections: int = 8
    threads: int = 2


def run_wrk(base: str, endpoint: Endpoint, settings: LoadSettings, duration: float | None = None,
            sessions: Path | None = None, ids: Path | None = None) -> dict:
    """One wrk run; returns req/s, latency percentiles in ms and error counts."""
    seconds = max(1, round(duration if duration is not None else settings.duration))
    env = {**os.environ, "BENCH_MODE": endpoint.mode, "BENCH_PATH": endpoint.path,
           "BENCH_SESSIONS": str(sessions) if endpoint.signed_in and sessions else "",
           "BENCH_IDS": str(ids) if ids else "", "BENCH_WORDS": str(words_file()) if WORD in endpoint.path else ""}
    command = ["wrk", f"-t{settings.threads}", f"-c{settings.connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(LUA), base]
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = next((line for line in out.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed for {endpoint.name}: {out.stderr or out.stdout}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    socket_errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]
    return {
        "requests": raw["requests"], "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000, "max_ms": raw["max_us"] / 1000,
        # Non-2xx/3xx answers, and requests that got no answer at all.
        "errors": raw["status_errors"] + socket_errors, "status_errors": raw["status_errors"],
        "socket_errors": socket_errors,
    }
