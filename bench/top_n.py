"""The true top N on a real index: for common two-syllable words, ``-n 10`` must be the first
10 of ``-n 500`` (ids, order and scores), with copies collapsed as the CLI does.

    python bench/top_n.py INDEX [--queries 50]

The queries are the index's own multi-syllable words (folded pairs that stand together in at
least half the articles holding their rarer syllable) found in over 1% of its articles, spelled
as most articles spell them, typed with and without accents.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from bgsearch import store as ix
from bgsearch.search import Searcher
from bgsearch.text import PAIR_JOINER


def common_words(searcher: Searcher, count: int) -> list[str]:
    whoosh = searcher._searcher
    floor = 0.01 * whoosh.doc_count()
    words = [
        term
        for term in whoosh.reader().field_terms(ix.BODY_PAIRS)
        if whoosh.doc_frequency(ix.BODY_PAIRS, term) > floor
        and all(part.isalpha() for part in term.split(PAIR_JOINER))
        and searcher._retrieval.is_word(term)
    ]
    chosen = random.Random(7).sample(words, min(count, len(words)))
    return [term.replace(PAIR_JOINER, " ") for term in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    with Searcher(args.index) as searcher:
        plain = common_words(searcher, args.queries)
        queries = plain + [searcher.suggest(q) or q for q in plain]
        same = 0
        for query in queries:
            short = [(h.id, h.score) for h in searcher.search(query, 10, suggest=False)]
            long = [(h.id, h.score) for h in searcher.search(query, 500, suggest=False)][:10]
            if short == long:
                same += 1
            else:
                print(f"differs: {query!r}")
        print(f"{same} of {len(queries)} queries: -n 10 equals the first 10 of -n 500")


if __name__ == "__main__":
    main()
