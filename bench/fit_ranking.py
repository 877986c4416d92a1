"""Search the ranking knobs on the dev questions: MRR@10 per set, kind and typing, per setting.

    python bench/fit_ranking.py --eval ../shared/eval --work /tmp/rel --sample 300 \
        --grid coverage_power=1,2,3 --grid title_boost=1,2

``--work`` is a ``bench/relevance.py --work`` folder: the bgsearch indexes it built are read
(``<work>/<set>/bgsearch/bgsearch-index``). Every combination of the ``--grid`` values is
scored on the same seeded sample; the last columns are the mean over all rows and the worst
row's margin over ``--floor`` (a file of "set kind typing mrr" lines, e.g. the two-field
baseline's figures), so a setting can be judged by its weakest row, not only its average.
"""

from __future__ import annotations

import argparse
import itertools
import random
from dataclasses import replace
from pathlib import Path

from relevance import Question, evaluate, load_questions

from bgsearch.ranking import RANKING
from bgsearch.search import Searcher

FILES = {"vicov": "vicov19qa-dev.jsonl", "known-item": "known-item-dev.jsonl"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--sets", default="vicov,known-item")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--grid", action="append", default=[], metavar="KNOB=V1,V2")
    parser.add_argument("--floor", type=Path, help="baseline rows: set kind typing mrr")
    args = parser.parse_args()
    floors: dict[tuple[str, str, str], float] = {}
    if args.floor:
        for line in args.floor.read_text(encoding="utf-8").splitlines():
            name, kind, typed, mrr = line.split()
            floors[name, kind, typed] = float(mrr)
    knobs = [g.split("=")[0] for g in args.grid]
    values = [
        [type(getattr(RANKING, k))(v) for v in g.split("=")[1].split(",")]
        for k, g in zip(knobs, args.grid, strict=True)
    ]
    sets: dict[str, list[Question]] = {}
    for name in args.sets.split(","):
        questions = load_questions(args.eval / FILES[name])
        sets[name] = random.Random(13).sample(questions, min(args.sample, len(questions)))
    for combination in itertools.product(*values):
        ranking = replace(RANKING, **dict(zip(knobs, combination, strict=True)))
        row: list[str] = []
        margins, means = [], []
        for name, questions in sets.items():
            searcher = Searcher(args.work / name / "bgsearch" / "bgsearch-index", ranking)

            def rank(query: str, s: Searcher = searcher) -> list[str]:
                hits = s.search(query, 10, snippets=False, suggest=False, collapse=False)
                return [Path(h.id).stem for h in hits]

            for field, typed in (("query", "acc"), ("query_ascii", "asc")):
                result = evaluate(rank, questions, field)
                for kind, (mrr, _, _) in sorted(result.items()):
                    if kind == "all" and len(result) > 2:
                        continue
                    row.append(f"{name[:2]}/{kind[:5]}/{typed} {mrr:.3f}")
                    means.append(mrr)
                    if (name, kind, typed) in floors:
                        margins.append(mrr - floors[name, kind, typed])
            searcher.close()
        setting = " ".join(f"{k}={v}" for k, v in zip(knobs, combination, strict=True))
        worst = f" worst {min(margins):+.3f}" if margins else ""
        print(f"{setting}: {' '.join(row)} | mean {sum(means) / len(means):.3f}{worst}", flush=True)


if __name__ == "__main__":
    main()
