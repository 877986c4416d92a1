"""What a quoted phrase of three or more syllables costs, and what word pairs would save.

    python bench/phrases.py INDEX

For each phrase, in the body and title fields of a bgsearch index: the time of Whoosh's
positional ``Phrase`` (what ``"..."`` runs) against an ``And`` of the phrase's word-pair
terms (no positions read), the median of 5 top-10 searches each, and the documents each
matches: those only the pairs match hold the pairs apart, and those only the ``Phrase``
matches have the phrase across punctuation, where ``text.analyze`` makes no pair ("4.000",
"TP.HCM", a sentence end).

Pairs cannot replace positions as they are: tried in session 4 (pairs, then positions read
only where the pairs are), quoted known-item phrase questions lost 6 of 374 documents.
"""

from __future__ import annotations

import argparse
import statistics
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

from whoosh import query as wq

from bgsearch import store as ix
from bgsearch.search import Searcher
from bgsearch.text import pair, term_forms

PHRASES = (
    "thành phố Hồ Chí Minh",
    "đội tuyển Việt Nam",
    "thi tốt nghiệp",
    "tuần tra chung",
    "bộ đội biên phòng",
)


def timed(searcher: Any, query: Any) -> tuple[float, set[int]]:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        list(searcher.search(query, limit=10))
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, set(searcher.docs_for_query(query))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("index", type=Path)
    args = parser.parse_args()
    with Searcher(args.index) as searcher:
        whoosh = searcher._searcher
        print(
            "| phrase | field | Phrase: ms, documents | pairs: ms, documents"
            " | pairs only | Phrase only |"
        )
        print("|---|---|---:|---:|---:|---:|")
        for phrase in PHRASES:
            folded = [term_forms(word)[1] for word in phrase.split()]
            for field, pairs in (
                (ix.BODY_FOLDED, ix.BODY_PAIRS),
                (ix.TITLE_FOLDED, ix.TITLE_PAIRS),
            ):
                ms, positional = timed(whoosh, wq.Phrase(field, folded))
                pair_ms, paired = timed(
                    whoosh, wq.And([wq.Term(pairs, pair(*p)) for p in pairwise(folded)])
                )
                print(
                    f"| {phrase} | {field} | {ms:.1f}, {len(positional):,} | {pair_ms:.1f},"
                    f" {len(paired):,} | {len(paired - positional)} | {len(positional - paired)} |"
                )


if __name__ == "__main__":
    main()
