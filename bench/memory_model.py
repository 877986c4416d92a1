"""A study, not a feature: would a query-likelihood "memory" model lift bgsearch's known-item
ranking? Re-ranks bgsearch's first 100 hits (``--window``) of each known-item dev question by

    log(bgsearch score) + weight * sum over query words of log(m(d, w) / Z(d) + eps)

where m(d, w) is the tf x IDF, in document d, of the spellings of w (every spelling that folds
to w for a word typed without accents; the word as typed otherwise), a title's syllables
counting ``--title`` times, and Z(d) the same sum over every syllable of d (``--norm z``) or
its length times the corpus's mean IDF (``--norm length``, what bgsearch's second phase does,
:mod:`bgsearch.rescore`), or its count of distinct syllables (``--norm unique``: window 20,
weight 0.2, known-item without accents 0.523 / 0.881 / 0.930 against 0.530 / 0.877 / 0.931
for the length). It is
how the known-item questions are drawn (body syllables by tf x IDF, see the eval README), and
prints MRR@10 per kind and typing for each weight (weight 0 is bgsearch as it is). ``--window
20`` re-ranks only the first 20, the rest following in bgsearch's order (a second phase).

    python bench/memory_model.py --eval ../shared/eval --work /tmp/rel --title 5

``--work`` is a ``bench/relevance.py --work`` folder (its known-item documents and index).
"""

from __future__ import annotations

import argparse
import math
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from relevance import documents, load_questions

from bgsearch.ranking import RANKING
from bgsearch.search import Searcher
from bgsearch.text import fold, tokenize

WEIGHTS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)


class Memory:
    """tf x IDF of every spelling in every document, and each document's total."""

    def __init__(self, folder: Path, title: float, norm: str) -> None:
        counts: dict[str, dict[str, float]] = {}
        for doc in documents(folder):
            syllables: dict[str, float] = defaultdict(float)
            for t in tokenize(doc.body):
                syllables[t.text.lower()] += 1
            for t in tokenize(doc.title):
                syllables[t.text.lower()] += title
            counts[Path(doc.path).stem] = syllables
        df: Counter[str] = Counter()
        for syllables in counts.values():
            df.update(syllables.keys())
        n = len(counts)
        self.idf = {w: math.log(n / c) for w, c in df.items()}
        self.counts = counts
        self.spellings: dict[str, set[str]] = defaultdict(set)
        for w in df:
            self.spellings[fold(w)].add(w)
        totals = {d: sum(c * self.idf[w] for w, c in s.items()) for d, s in counts.items()}
        if norm in ("length", "unique"):
            if norm == "length":
                lengths = {d: sum(s.values()) for d, s in counts.items()}
            else:
                lengths = {d: float(len(s)) for d, s in counts.items()}
            mean = sum(totals.values()) / sum(lengths.values())
            totals = {d: lengths[d] * mean for d in counts}
        self.totals = totals

    def log_likelihood(self, doc: str, words: list[str], accented: bool, eps: float) -> float:
        syllables = self.counts.get(doc, {})
        total = 0.0
        for word in words:
            forms = [word] if accented else self.spellings.get(word, ())
            mass = sum(syllables.get(f, 0) * self.idf.get(f, 0.0) for f in forms)
            total += math.log(mass / self.totals[doc] + eps)
        return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--title", type=float, default=5.0, help="a title syllable counts this")
    parser.add_argument("--norm", choices=("z", "length", "unique"), default="z")
    parser.add_argument("--eps", type=float, default=1e-5)
    parser.add_argument(
        "--window", type=int, default=100, help="re-rank the first N hits (the rest follow)"
    )
    parser.add_argument("--weights", default=",".join(map(str, WEIGHTS)))
    args = parser.parse_args()
    weights = [float(w) for w in args.weights.split(",")]
    questions = load_questions(args.eval / "known-item-dev.jsonl")
    memory = Memory(args.work / "known-item-docs", args.title, args.norm)
    found: dict[tuple[str, str, float], float] = defaultdict(float)
    asked: Counter[tuple[str, str]] = Counter()
    index = args.work / "known-item" / "bgsearch" / "bgsearch-index"
    first_phase = replace(RANKING, memory_weight=0.0)  # bgsearch's own second phase off
    with Searcher(index, first_phase) as searcher:
        for q in questions:
            for typed, query in (("accents", q.text), ("no accents", q.ascii)):
                asked[q.kind, typed] += 1
                hits = searcher.search(query, 100, snippets=False, suggest=False, collapse=False)
                listed = [(Path(h.id).stem, h.score) for h in hits]
                words = [t.text.lower() for t in tokenize(query)]
                accented = typed == "accents"
                likelihood = {
                    d: memory.log_likelihood(d, words, accented, args.eps) for d, _ in listed
                }
                score = {d: math.log(max(s, 1e-12)) for d, s in listed}
                window = [d for d, _ in listed[: args.window]]
                rest = [d for d, _ in listed[args.window :]]
                for weight in weights:
                    blended = {d: score[d] + weight * likelihood[d] for d in window}
                    top = (sorted(blended, key=lambda d: -blended[d]) + rest)[:10]
                    hit = next((i for i, d in enumerate(top) if d in q.relevant), None)
                    if hit is not None:
                        found[q.kind, typed, weight] += 1 / (hit + 1)
    print(f"title x{args.title:g}, norm {args.norm}, eps {args.eps:g}; MRR@10 by weight")
    print(f"{'kind':<12}{'typed as':<12}" + "".join(f"{w:>8g}" for w in weights))
    for kind, typed in sorted(asked):
        n = asked[kind, typed]
        row = "".join(f"{found[kind, typed, w] / n:>8.3f}" for w in weights)
        print(f"{kind:<12}{typed:<12}{row}")


if __name__ == "__main__":
    main()
