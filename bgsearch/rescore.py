"""The second phase: the first few hits of a short query, re-ranked by how likely a reader
remembering each article would have typed the query.

A reader who remembers an article types the words that stand out in it: frequent in it, rare
elsewhere (tf x IDF), in the spelling it uses. So each of the first ``window`` hits of a query
of plain words gets, besides its first-phase score,

    sum over the query's words w of log(m(d, w) / L(d) + eps)

where m(d, w) is the tf x IDF in article d of the spellings of w (every spelling that folds to
w for a query typed without accents, the word as typed otherwise; a title's syllables counting
``memory_title`` times) and L(d) the article's length counted the same way; hits are re-ranked
by log(score) + ``memory_weight`` times it. Pure: the caller reads the articles and the IDF
(:class:`bgsearch.search.Searcher`). Figures and knobs: :mod:`bgsearch.ranking`.

Only the first ``window`` move, among themselves, and whatever N is asked for the window is
the same: the first N hits are the same whatever N. The scores stay where they were, the
articles move (each takes the first-phase score of the place it moves to), so ``score`` still
never increases down the list.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import islice
from typing import NamedTuple

from bgsearch.plan import Plan
from bgsearch.retrieval import Scored
from bgsearch.text import pair, syllables, term_forms

__all__ = ["Memory", "Remembered", "remembered", "rescored"]


class Remembered(NamedTuple):
    """What the second phase weighs of a query."""

    words: list[tuple[str, str | None]]  # (folded form, exact form as typed; None: any)
    pairs: list[str]  # folded pair terms of its neighbours, when it holds a multi-syllable word


def remembered(plan: Plan, is_word: Callable[[str], bool]) -> Remembered | None:
    """What the second phase weighs of a short query of plain words (no phrase, OR, prefix,
    typo or field); None for any other. A query typed with accents means each word as typed
    (see ``Ranking.plain_is_exact``). A query holding a multi-syllable word (``is_word``:
    "tuan tra") is remembered as it reads, its neighbours side by side; words remembered apart
    ("vien do") are not: side by side in an article, they are there by chance."""
    if plan.long_question or not plan.groups:
        return None
    words = []
    for group in plan.groups:
        folded = group.single_word
        if folded is None:
            return None
        words.append((folded, group.alternatives[0].exact))
    accented = any(exact for _, exact in words)
    pairs = [term for _, term in plan.neighbours]
    return Remembered(
        [(f, (e[0] if e else f) if accented else None) for f, e in words],
        pairs if any(map(is_word, pairs)) else [],
    )


class Memory:
    """What a query weighs in one article: the tf of each spelling of its words and of its
    neighbours side by side, and the article's length (a title's syllables counting
    ``title_weight`` times)."""

    __slots__ = ("length", "pairs", "spellings")

    def __init__(self, title: str, body: str, query: Remembered, title_weight: float) -> None:
        words = {folded for folded, _ in query.words}
        pairs = set(query.pairs)
        self.spellings: dict[str, dict[str, float]] = {}
        self.pairs: dict[str, float] = {}
        self.length = 0.0
        for text, weight in ((title, title_weight), (body, 1.0)):
            found = syllables(text)
            self.length += weight * len(found)
            previous = ""
            for token in found:
                exact, folded = term_forms(token)
                if folded in words:
                    tf = self.spellings.setdefault(folded, {})
                    tf[exact] = tf.get(exact, 0.0) + weight
                    if pairs and (term := pair(previous, folded)) in pairs:
                        self.pairs[term] = self.pairs.get(term, 0.0) + weight
                previous = folded

    def log_likelihood(
        self,
        query: Remembered,
        idf: Callable[[str], float],
        pair_idf: Callable[[str], float],
        eps: float,
    ) -> float:
        """Of ``query``, given the IDF (never below 0) of an exact term and of a folded pair."""
        total = 0.0
        length = self.length or 1.0
        for folded, exact in query.words:
            held = self.spellings.get(folded, {})
            if exact is None:
                mass = sum(tf * idf(e) for e, tf in held.items())
            else:
                mass = held.get(exact, 0.0) * idf(exact)
            total += math.log(mass / length + eps)
        for term in query.pairs:
            total += math.log(self.pairs.get(term, 0.0) * pair_idf(term) / length + eps)
        return total


def rescored(
    ranked: Iterable[Scored], window: int, log_likelihood: Callable[[int], float], weight: float
) -> Iterator[Scored]:
    """``ranked`` with its first ``window`` re-ranked by log(score) + ``weight`` times the
    document's ``log_likelihood``, each taking the first-phase score of the place it moves
    to; the rest as they come."""
    stream = iter(ranked)
    first = list(islice(stream, window))
    blended = {
        m.docnum: math.log(max(m.score, 1e-12)) + weight * log_likelihood(m.docnum) for m in first
    }
    order = sorted(first, key=lambda m: (-blended[m.docnum], -m.score, m.docnum))
    for match, place in zip(order, first, strict=True):
        yield replace(match, score=place.score)
    yield from stream
