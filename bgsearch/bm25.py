"""BM25F over bgsearch's fields: a term's length-normalised frequencies in title and body,
weighted by their boosts, added and saturated once (see :mod:`bgsearch.ranking`)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from bgsearch import store as ix
from bgsearch.postings import Postings
from bgsearch.ranking import Ranking
from bgsearch.text import accent_variants

__all__ = ["BM25F", "Scores", "add_each", "add_to", "best_of", "keep_best"]

Scores = dict[int, float]


class BM25F:
    """BM25F scores of terms on one open index, with the knobs of a :class:`Ranking`."""

    def __init__(self, reader: Postings, ranking: Ranking) -> None:
        self._reader = reader
        self._ranking = ranking
        self._norms: dict[str, list[float]] = {}
        # Only these documents are scored when set (a short query's pruning, see
        # Retrieval.rank); IDF still counts every document holding the term.
        self.among: set[int] | None = None

    def score(
        self, fields: Iterable[tuple[str, float]], term: str, df: int | None = None
    ) -> Scores:
        """BM25F of ``term`` over (field, boost) (see :meth:`from_frequencies`); ``df``: the
        IDF of that many documents instead of the term's own."""
        tfs = []
        for field, boost in fields:
            postings = self.postings(field, term)
            if postings:
                tfs.append((postings, boost, field))
        return self.from_frequencies(tfs, df)

    def postings(self, field: str, term: str) -> dict[int, float]:
        """A term's postings; a folded syllable's from its exact spellings where they add
        up to it (cheaper to read, see IndexReader.spelled_postings)."""
        if field in (ix.TITLE_FOLDED, ix.BODY_FOLDED):
            spellings = accent_variants(term) or [term]
            if term not in spellings:
                spellings.append(term)
            exact = ix.TITLE_EXACT if field == ix.TITLE_FOLDED else ix.BODY_EXACT
            return self._reader.spelled_postings(field, exact, term, spellings)
        return self._reader.postings(field, term)

    def from_frequencies(
        self, tfs: list[tuple[dict[int, float], float, str]], df: int | None = None
    ) -> Scores:
        """BM25F: the fields' length-normalised frequencies, weighted by their boosts, added
        and saturated once (IDF from the documents holding the term in any of them, or from
        ``df``); plus, for a title, ``title_weight`` times its own BM25, so that a title
        match keeps its weight however often the body repeats the word."""
        if not tfs:
            return {}
        ranking = self._ranking
        k1 = ranking.k1
        tfs = sorted(tfs, key=lambda t: -len(t[0]))
        if (among := self.among) is not None:
            # the same additions in the same order as unrestricted: the same floats
            if df is None:
                df = _holders(postings for postings, _, _ in tfs)
            tfs = [(_among(postings, among), boost, field) for postings, boost, field in tfs]
        if len(tfs) == 1 and not ranking.title_weight:
            # one field (most terms: bodies only): x / (k1 + x) with x = boost * k1 * tf /
            # norm is tf / (tf + norm / boost), one pass
            postings, boost, field = tfs[0]
            idf = self.idf(len(postings) if df is None else df) * (k1 + 1)
            lengths = self._norm(field)
            if boost == 1.0:
                return {d: idf * tf / (tf + lengths[d]) for d, tf in postings.items()}
            return {d: idf * tf / (tf + lengths[d] / boost) for d, tf in postings.items()}
        normalised: Scores = {}
        for postings, boost, field in tfs:
            lengths = self._norm(field)  # k1 * (1 - b + b * length / average)
            scale = boost * k1
            normalised = _added(
                normalised, {d: scale * tf / lengths[d] for d, tf in postings.items()}
            )
        idf = self.idf(len(normalised) if df is None else df) * (k1 + 1)
        total = {d: idf * x / (k1 + x) for d, x in normalised.items()}
        if ranking.title_weight:
            for postings, _, field in tfs:
                if field.startswith("title_"):
                    lengths = self._norm(field)
                    scale = idf * ranking.title_weight
                    title = {d: scale * tf / (tf + lengths[d]) for d, tf in postings.items()}
                    total = _added(total, title)
        return total

    def idf(self, df: int) -> float:
        n = self._reader.doc_count
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def ceiling(self, df: int) -> float:
        """A score no document reaches for a term ``df`` documents hold (0 for none): BM25F
        is below its IDF times k1 + 1 (plus ``title_weight`` for the title's own BM25), and
        IDF falls as ``df`` grows, so a smaller ``df`` gives a higher ceiling."""
        if df <= 0:
            return 0.0
        return max(0.0, self.idf(df) * (self._ranking.k1 + 1 + self._ranking.title_weight))

    def _norm(self, field: str) -> list[float]:
        """k1 times BM25's length normalisation of ``field`` in every document (pair and exact
        fields share their folded field's lengths: one term per syllable)."""
        base = field.replace("_pairs", "_folded").replace("_exact", "_folded")
        if base not in self._norms:
            b = self._ranking.b
            average = self._reader.average_length(base)
            k1 = self._ranking.k1
            self._norms[base] = [k1 * (1 - b + b * n / average) for n in self._reader.lengths(base)]
        return self._norms[base]


def _holders(postings: Iterable[dict[int, float]]) -> int:
    """How many documents hold any of ``postings`` (the longest first): only the shorter
    ones (titles) are walked."""
    longest, *others = postings
    if not others:
        return len(longest)
    return len(longest) + len(set().union(*others) - longest.keys())


def _among(postings: dict[int, float], among: set[int]) -> dict[int, float]:
    """The postings of the documents ``among``."""
    return {d: postings[d] for d in postings.keys() & among}  # the smaller one walked, in C


def _added(into: Scores, scores: Scores) -> Scores:
    if not into:
        return scores
    for d, s in scores.items():
        into[d] = into.get(d, 0.0) + s
    return into


def add_to(into: list[float], scores: Scores, weight: float) -> None:
    """Add ``weight`` times each document's score to its place in ``into``."""
    for d, s in scores.items():
        into[d] += weight * s


def add_each(into: list[float], docs: Iterable[int], amount: float) -> None:
    """Add ``amount`` to the place of each of ``docs`` in ``into``."""
    for d in docs:
        into[d] += amount


def keep_best(into: Scores, scores: Scores, weight: float) -> None:
    """Into ``into`` (a dict of the caller's own), each document's better score: its own or
    ``weight`` times its score in ``scores``."""
    get = into.get
    for d, s in scores.items():
        weighted = s * weight
        if weighted > get(d, 0.0):
            into[d] = weighted


def best_of(into: Scores, scores: Scores) -> Scores:
    """Two alternatives' scores: each document's better one."""
    if not into:
        return scores
    merged = dict(into)  # ``into`` may be another group's: never changed in place
    keep_best(merged, scores, 1.0)
    return merged
