"""The scoring model and every ranking knob, with the measurement behind it.

One model scores every document that holds any query word; nothing is fenced off in tiers, so
``score`` never increases down a list and the top N is the same whatever N (it is the first N
of one total order: score, then document number).

For each group of the query (a word, a phrase, alternatives joined by OR), BM25F over title and
body (title weighted ``title_boost``, lengths normalised per field) is computed three ways:

* ``folded``: the folded term (``chung`` for chung, chúng, chừng…), which every spelling finds;
* ``exact``: the exact term of a word typed with accents, with its own, usually far higher,
  IDF: when a user typed accents, trust them;
* ``pairs``: two neighbouring plain words side by side (the folded pair term ``bien_gioi``).

A document's score is::

    (folded + exact_weight * exact + pair_weight * pairs) * coverage ** coverage_power

``coverage`` is the IDF-weighted share of the query's units the document holds. The units are
the groups and the multi-syllable words among neighbouring pairs ("công an" stands together in
most documents holding "an"); a group typed with accents that a document holds only as a
look-alike (``thành`` for ``thảnh``) counts ``lookalike_credit`` of a match. The power is high
for short queries, where a reader expects every word (it replaces the former tiers), and low
for long questions, which are answered by partial matches.

``bench/relevance.py`` prints the figures each value is judged by (MRR@10 per set and kind,
typed with and without accents); ``bench/fit_ranking.py`` searches the values on the dev sets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["RANKING", "Ranking", "ranked_scores"]


@dataclass(frozen=True, slots=True)
class Ranking:
    """The knobs of the scoring model."""

    # BM25 saturation and length normalisation (the textbook values).
    k1: float = 1.2
    b: float = 0.75
    # A title is short and chosen by an editor: a match there says more than one in the body.
    title_boost: float = 2.0
    # ... and a title match also scores its own BM25, times this.
    title_weight: float = 0.0
    # A title holding the query's words (IDF-weighted share, squared) multiplies the score
    # by up to 1 + this.
    title_coverage_boost: float = 1.0
    title_coverage_power: float = 16.0
    # Weight of the exact-accent BM25F of accented words, beside the folded one.
    exact_weight: float = 1.0
    exact_weight_long: float = 0.3
    # A word typed without accents: weight of the BM25F of the accented spelling a document
    # holds, with that spelling's own IDF (0: off).
    variant_weight: float = 0.5
    # A query typed with accents means its plain words plain: they score their exact form.
    plain_is_exact: bool = True
    # Weight of the BM25F of neighbouring words side by side.
    pair_weight: float = 1.0
    # A neighbouring pair is a multi-syllable word when it stands together in at least this
    # share of the documents holding its rarer syllable ("công an", "biên giới").
    word_pair_share: float = 0.55
    # How much coverage counts: short queries and long questions.
    coverage_power: float = 6.0
    coverage_power_long: float = 0.0
    # What a look-alike (folded-only) match of a word typed with accents counts in coverage.
    lookalike_credit: float = 0.3
    # A query of this many groups or more is a long question.
    long_from: int = 5
    # In long questions, words found in more than this share of documents are not scored on
    # their own (their pairs still are): they cost the most and weigh the least.
    common_word_share: float = 0.10
    # Prefix and typo-tolerant words: at most this many of the most frequent terms they reach.
    max_expansions: int = 64


RANKING = Ranking()


def ranked_scores(
    docs: Iterable[int],
    relevance: list[float],
    held: list[float],
    titled: list[float],
    *,
    total: float,
    power: float,
    ranking: Ranking,
) -> list[tuple[float, int]]:
    """(-score, document) of each of ``docs``: its relevance (folded + exact_weight * exact +
    pair_weight * pairs, added up by retrieval) times its coverage (``held / total``) to the
    power for the query's length, times 1 + title_coverage_boost * (titled / total) **
    title_coverage_power.
    Negated, so that sorting puts the best first and ties in document order."""
    share = 1.0 / (total or 1.0)
    boost, steep = ranking.title_coverage_boost, ranking.title_coverage_power
    return [
        (-relevance[d] * (held[d] * share) ** power * (1 + boost * (titled[d] * share) ** steep), d)
        for d in docs
    ]
