"""Search the ranking knobs on the dev questions: MRR@10 per set, kind and typing, per setting.

    python bench/fit_ranking.py --eval ../shared/eval --work /tmp/rel --sample 300 \
        --grid coverage_power=1,2,3 --grid title_boost=1,2

``--work`` is a ``bench/relevance.py --work`` folder: the bgsearch indexes it built are read
(``<work>/<set>/bgsearch/bgsearch-index``). Every combination of the ``--grid`` values is
scored on the same seeded sample; the last columns are the mean over all rows and, with
``--baseline`` (the two-field baseline of ``bench/relevance.py``, scored on the same sample),
the worst row's margin over it: a setting is judged by its weakest row, not its average.
"""

from __future__ import annotations

import argparse
import itertools
import random
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from relevance import Question, documents, evaluate, load_questions, two_field_engine

from bgsearch.ranking import RANKING
from bgsearch.search import Searcher

FILES = {"vicov": "vicov19qa-dev.jsonl", "known-item": "known-item-dev.jsonl"}


def knob_value(knob: str, text: str) -> object:
    """A knob's value from the command line, of the type the knob already has."""
    current = getattr(RANKING, knob)
    if isinstance(current, bool):
        return text.lower() in ("1", "true", "yes")
    return type(current)(text)


Row = dict[tuple[str, str, str], float]


def score_rows(name: str, rank: Callable[[str], list[str]], questions: list[Question]) -> Row:
    """MRR@10 of one set per kind and typing (the "all" row only for a set of one kind)."""
    rows: Row = {}
    for field, typed in (("query", "acc"), ("query_ascii", "asc")):
        result = evaluate(rank, questions, field)
        for kind, (mrr, _, _) in sorted(result.items()):
            if kind != "all" or len(result) <= 2:
                rows[name, kind, typed] = mrr
    return rows


def shown(rows: Row) -> str:
    return " ".join(f"{n[:2]}/{k[:5]}/{t} {v:.3f}" for (n, k, t), v in rows.items())


def baseline(work: Path, sets: dict[str, list[Question]]) -> Row:
    rows: Row = {}
    for name, questions in sets.items():
        folder = work / f"{name}-docs"
        if name == "vicov":
            folder = next(folder.iterdir())
        with tempfile.TemporaryDirectory() as tmp:
            rows |= score_rows(name, two_field_engine(documents(folder), Path(tmp)), questions)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--sets", default="vicov,known-item")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--grid", action="append", default=[], metavar="KNOB=V1,V2")
    parser.add_argument(
        "--baseline", action="store_true", help="score the two-field baseline on the same sample"
    )
    args = parser.parse_args()
    knobs = [g.split("=")[0] for g in args.grid]
    values = [
        [knob_value(k, v) for v in g.split("=")[1].split(",")]
        for k, g in zip(knobs, args.grid, strict=True)
    ]
    sets: dict[str, list[Question]] = {}
    for name in args.sets.split(","):
        questions = load_questions(args.eval / FILES[name])
        sets[name] = random.Random(13).sample(questions, min(args.sample, len(questions)))
    floors = baseline(args.work, sets) if args.baseline else {}
    if floors:
        print(f"two-field: {shown(floors)}", flush=True)
    for combination in itertools.product(*values):
        ranking = replace(RANKING, **dict(zip(knobs, combination, strict=True)))
        rows: Row = {}
        for name, questions in sets.items():
            with Searcher(args.work / name / "bgsearch" / "bgsearch-index", ranking) as searcher:

                def rank(query: str, s: Searcher = searcher) -> list[str]:
                    hits = s.search(query, 10, snippets=False, suggest=False, collapse=False)
                    return [Path(h.id).stem for h in hits]

                rows |= score_rows(name, rank, questions)
        setting = " ".join(f"{k}={v}" for k, v in zip(knobs, combination, strict=True))
        mean = sum(rows.values()) / len(rows)
        worst = f" worst {min(v - floors[r] for r, v in rows.items()):+.3f}" if floors else ""
        print(f"{setting}: {shown(rows)} | mean {mean:.3f}{worst}", flush=True)


if __name__ == "__main__":
    main()
