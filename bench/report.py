"""The budgets of issue 7, checked against a run's figures, and the report as Markdown."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ANONYMOUS = ("list_top", "list_far", "list_new", "list_trending", "idea", "roadmap", "changelog")
SIGNED_IN = ("list_signed_in", "idea_signed_in")
SEARCHES = ("search", "search_words")
PAGES = (*ANONYMOUS, *SEARCHES, *SIGNED_IN)
MAX_QUERIES = 10
MAX_RSS_MB = 150


@dataclass
class Check:
    db: str
    rule: str
    endpoint: str
    measured: str
    budget: str
    passed: bool


def _ratio(run: dict, name: str) -> float:
    return run["endpoints"][name]["rps"] / run["hello"]["rps"]


def checks(runs: list[dict]) -> list[Check]:
    """Every budget, for each database at the largest size measured (growth: against the smallest)."""
    out: list[Check] = []
    for db in dict.fromkeys(run["db"] for run in runs):
        by_size = {run["size"]: run for run in runs if run["db"] == db}
        big, small = by_size[max(by_size)], by_size[min(by_size)]
        out += _speed(db, big) + _writes(db, big) + _queries(db, by_size)
        if small is not big:
            out += _growth(db, small, big)
        rss = max(big["rss_mb"], default=0.0)
        out.append(Check(db, "worker memory after the run", "all", f"{rss:.0f} MB", f"≤ {MAX_RSS_MB} MB",
                         rss <= MAX_RSS_MB))
    return out


def _speed(db: str, run: dict) -> list[Check]:
    eps, out = run["endpoints"], []
    for name in ANONYMOUS:
        ep = eps[name]
        out += [Check(db, "throughput vs hello world", name, f"{_ratio(run, name):.1%}", "≥ 25%",
                      _ratio(run, name) >= 0.25),
                Check(db, "p50 latency", name, f"{ep['p50_ms']:.1f} ms", "≤ 20 ms", ep["p50_ms"] <= 20),
                Check(db, "p99 latency", name, f"{ep['p99_ms']:.1f} ms", "≤ 100 ms", ep["p99_ms"] <= 100)]
    out += [Check(db, "throughput vs hello world", name, f"{_ratio(run, name):.1%}", "≥ 10%",
                  _ratio(run, name) >= 0.10) for name in SIGNED_IN]
    out += [Check(db, "p50 latency", name, f"{eps[name]['p50_ms']:.1f} ms", "≤ 50 ms", eps[name]["p50_ms"] <= 50)
            for name in SEARCHES]
    far, first = eps["list_far"]["p50_ms"], eps["list_top"]["p50_ms"]
    out.append(Check(db, "far page vs page 1 (p50)", "list_far", f"{far / first:.1f}×", "≤ 2×", far <= 2 * first))
    errors = sum(eps[name]["errors"] for name in PAGES)
    out.append(Check(db, "errors on pages", "all pages", str(errors), "0", errors == 0))
    return out


def _writes(db: str, run: dict) -> list[Check]:
    vote = run["endpoints"]["vote"]
    mismatched = run["mismatches_after_votes"]["vote_count"]
    return [Check(db, "throughput vs hello world", "vote", f"{_ratio(run, 'vote'):.1%}", "≥ 10%",
                  _ratio(run, "vote") >= 0.10),
            Check(db, "errors", "vote", str(vote["errors"]), "0", vote["errors"] == 0),
            Check(db, "errors (no budget; must be none)", "comment", str(run["endpoints"]["comment"]["errors"]), "0",
                  run["endpoints"]["comment"]["errors"] == 0),
            Check(db, "ideas whose vote_count ≠ vote rows", "vote", str(mismatched), "0", mismatched == 0)]


def _queries(db: str, by_size: dict[int, dict]) -> list[Check]:
    out = []
    sizes = sorted(by_size)
    for name in (*PAGES, "vote", "comment"):
        counts = [by_size[size]["queries"].get(name, -1) for size in sizes]
        fixed = all(0 <= c <= MAX_QUERIES for c in counts) and counts[-1] <= counts[0]
        out.append(Check(db, "queries per request", name, " → ".join(map(str, counts)),
                         f"≤ {MAX_QUERIES}, not growing", fixed))
    return out


def _query_cell(run: dict, name: str) -> str:
    served, rendered = run["queries"].get(name, ""), run.get("queries_rendered", {}).get(name, "")
    return f"{served} ({rendered} rendered)" if rendered not in ("", served) else str(served)


def _cpu(run: dict, name: str) -> float:
    """CPU per request relative to hello world's in the same run: contention inflates both alike."""
    ep = run["endpoints"][name]
    return (ep["app_cpu_ms"] + ep["db_cpu_ms"]) / run["hello"]["app_cpu_ms"]


def _growth(db: str, small: dict, big: dict) -> list[Check]:
    # "Costs": CPU per request (workers and database), which other load on the machine hardly changes.
    out = []
    for name in PAGES:
        growth = _cpu(big, name) / _cpu(small, name)
        out.append(Check(db, f"CPU per request at {big['size']:,} vs {small['size']:,} ideas", name,
                         f"{growth:.1f}×", "≤ 2×", growth <= 2))
    return out


def budget_checks(result: dict) -> list[dict]:
    """The checks of a whole run; none for a run of some endpoints only (--only): the budgets need every page."""
    return [] if result["meta"].get("only") else [asdict(check) for check in checks(result["runs"])]


def markdown(result: dict) -> str:
    """The figures for every database and size, then the budgets with PASS/FAIL."""
    meta = result["meta"]
    lines = [f"# Benchmark ({meta['mode']}), {meta['date']}", "",
             f"Commit `{meta['commit']}`; {meta['cpus']} CPUs ({meta['cpu_model']}); gunicorn {meta['gunicorn']}; "
             f"wrk {meta['wrk']}; Python {meta['python']}; PostgreSQL {meta['postgresql']}.", "",
             "Reproduce: `make bench-quick` (1,000 and 10,000 ideas) or `make bench` (also 100,000).", ""]
    if meta.get("only"):
        lines += [f"Only {', '.join(meta['only'])} measured (`--only`): no budgets are checked.", ""]
    for run in result["runs"]:
        lines += _run_table(run)
    for failure in result.get("failed", []):
        lines += [f"## {failure['db']}, {failure['size']:,} ideas: FAILED", "", f"    {failure['error']}", ""]
    lines += ["## Budgets", "", "| database | check | endpoint | measured | budget | result |",
              "|---|---|---|---|---|---|"]
    lines += [f"| {c['db']} | {c['rule']} | {c['endpoint']} | {c['measured']} | {c['budget']} | "
              f"{'PASS' if c['passed'] else '**FAIL**'} |" for c in result["checks"]]
    failed = sum(1 for c in result["checks"] if not c["passed"])
    lines += ["", f"{len(result['checks']) - failed} passed, {failed} failed.", ""]
    return "\n".join(lines)


def _run_table(run: dict) -> list[str]:
    hello, before, after = run["hello"], *run["hello_runs"]
    mismatched = ", ".join(f"{n} {name}" for name, n in run["mismatches_after_comments"].items())
    lines = [f"## {run['db']}, {run['size']:,} ideas", "",
             f"Hello world: {hello['rps']:,.0f} req/s (before {before['rps']:,.0f}, after {after['rps']:,.0f}), "
             f"p50 {hello['p50_ms']:.1f} ms, p99 {hello['p99_ms']:.1f} ms. "
             f"Worker RSS after the run: {', '.join(f'{mb:.0f}' for mb in run['rss_mb'])} MB. "
             f"Ideas with a stored count ≠ rows after the writes: {mismatched}. "
             f"Load average before/after: {' / '.join(f'{x:.1f}' for x in run['load_average'])}.", "",
             f"CPU per request: hello world {hello['app_cpu_ms']:.2f} ms; app = gunicorn workers, db = PostgreSQL "
             "backends, not counting parallel query workers (SQLite runs inside the workers).", "",
             "× hello (CPU): hello world's CPU per request over the endpoint's, the throughput ratio an otherwise "
             "idle machine would show.", "",
             "| endpoint | req/s | p50 ms | p99 ms | errors | × hello | × hello (CPU) | queries | CPU ms/req app "
             "| db |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, ep in run["endpoints"].items():
        lines.append(f"| {ep['label']} | {ep['rps']:,.0f} | {ep['p50_ms']:.1f} | {ep['p99_ms']:.1f} | {ep['errors']} "
                     f"| {ep['rps'] / hello['rps']:.1%} | {1 / _cpu(run, name):.1%} | {_query_cell(run, name)} "
                     f"| {ep['app_cpu_ms']:.1f} "
                     f"| {ep['db_cpu_ms']:.1f} |")
    return [*lines, ""]


def main() -> None:
    """`python -m bench.report bench/results/full.json`: the Markdown again, with the current budget checks."""
    import json
    import sys
    from pathlib import Path

    result = json.loads(Path(sys.argv[1]).read_text())
    result["checks"] = budget_checks(result)
    print(markdown(result))


if __name__ == "__main__":
    main()
