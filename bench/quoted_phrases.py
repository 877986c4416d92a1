"""Quoted phrases on the known-item questions of kind "phrase" (three syllables of the article).

    python bench/quoted_phrases.py EVAL INDEX

EVAL is the eval folder; INDEX a bgsearch index of the known-item documents, such as the one
``bench/relevance.py --work DIR`` keeps in DIR/known-item/bgsearch/bgsearch-index. Prints
MRR@10 and how many questions find anything, typed with accents and without, each in quotes:
``bench/relevance.py`` sends no quoted query, so this is what judges a change to phrases.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bgsearch.search import Searcher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("eval", type=Path)
    parser.add_argument("index", type=Path)
    args = parser.parse_args()
    lines = (args.eval / "known-item-dev.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [q for q in map(json.loads, lines) if q["kind"] == "phrase"]
    with Searcher(args.index) as searcher:
        for key, typed in (("query", "accents"), ("query_ascii", "no accents")):
            reciprocal, answered, started = 0.0, 0, time.perf_counter()
            for question in questions:
                hits = searcher.search(
                    f'"{question[key]}"', 10, snippets=False, suggest=False, collapse=False
                )
                ids = [hit.id.rsplit(".", 1)[0] for hit in hits]
                answered += bool(ids)
                rank = next((r for r, i in enumerate(ids, 1) if i in question["relevant"]), 0)
                reciprocal += 1 / rank if rank else 0.0
            print(
                f"{typed}: MRR@10 {reciprocal / len(questions):.3f}, {answered} of"
                f" {len(questions)} questions find something,"
                f" {time.perf_counter() - started:.1f} s"
            )


if __name__ == "__main__":
    main()
