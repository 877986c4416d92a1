"""Query latency of bgsearch against SQLite FTS5, interleaved query by query in one process.

``bench/speed.py`` times each engine in a process of its own, one after the other (median of 3
runs per query); on a machine whose speed drifts within minutes, the ratio then moves with the
drift. Here both engines answer each query in turn, K times, and each keeps its fastest run:
the ratio of the two p50s (and p95s) is what the engines cost, not when they ran.

    python bench/latency_ratio.py BGSEARCH_INDEX FTS5_DB [-k 5]

The indexes are those ``bench/speed.py --work W`` leaves (``W/bgsearch-all``,
``W/fts5-all``); the queries are its 60 (``bench/queries.txt``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from speed import queries, searcher_bgsearch, searcher_fts5


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bgsearch", type=Path, help="a bgsearch index folder")
    parser.add_argument("fts5", type=Path, help="bench/speed.py's FTS5 database")
    parser.add_argument("-k", type=int, default=5, help="runs of each query per engine")
    args = parser.parse_args()
    engines: dict[str, Callable[[str], int]] = {
        "fts5": searcher_fts5(args.fts5),
        "bgsearch": searcher_bgsearch(args.bgsearch),
    }
    qs = queries()
    for q in qs:  # warm-up: open files, fill caches
        for search in engines.values():
            search(q)
    best: dict[str, list[float]] = {name: [] for name in engines}
    for q in qs:
        runs: dict[str, list[float]] = {name: [] for name in engines}
        for _ in range(args.k):
            for name, search in engines.items():
                started = time.perf_counter()
                search(q)
                runs[name].append(time.perf_counter() - started)
        for name in engines:
            best[name].append(min(runs[name]) * 1000)
    fts5, ours = _percentiles(best["fts5"]), _percentiles(best["bgsearch"])
    print("| | bgsearch | FTS5 | ratio |\n|---|---:|---:|---:|")
    for label, k in (("p50, ms", 0), ("p95, ms", 1)):
        print(f"| {label} | {ours[k]:.1f} | {fts5[k]:.1f} | {ours[k] / fts5[k]:.2f}x |")
    slowest = sorted(zip(best["bgsearch"], best["fts5"], qs, strict=True))[-5:]
    print("\nslowest for bgsearch (bgsearch / FTS5 ms):")
    for ours_ms, fts5_ms, q in reversed(slowest):
        print(f"  {ours_ms:6.1f} / {fts5_ms:5.1f}  {q}")


if __name__ == "__main__":
    main()
