"""Query latency with no postings kept between queries, as a one-query process sees it.

    python bench/cold_latency.py INDEX [--label NAME]

Runs ``bench/queries.txt`` once to warm the OS cache, then three rounds; before each query the
searcher forgets the postings it kept (bgsearch keeps recent ones, see postings.py), so every
query reads its own. Prints p50 and p95 over the queries of each query's median. Run it from
another checkout with ``PYTHONPATH`` to compare versions on the same index.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bgsearch.search import Searcher

QUERIES = Path(__file__).resolve().parent / "queries.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--label", default="bgsearch")
    args = parser.parse_args()
    lines = QUERIES.read_text(encoding="utf-8").splitlines()
    queries = [q.strip() for q in lines if q.strip() and not q.startswith("#")]
    searcher = Searcher(args.index)
    for query in queries:
        searcher.search(query, 10)
    runs: dict[str, list[float]] = {q: [] for q in queries}
    for _ in range(3):
        for query in queries:
            reader = getattr(getattr(searcher, "_retrieval", None), "reader", None)
            if reader is not None:  # versions before the postings cache have none
                reader._recent.clear()
                reader._kept = 0
            started = time.perf_counter()
            searcher.search(query, 10)
            runs[query].append(time.perf_counter() - started)
    per_query = sorted(statistics.median(r) * 1000 for r in runs.values())
    p95 = per_query[round(0.95 * (len(per_query) - 1))]
    print(f"{args.label} p50 {statistics.median(per_query):.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
