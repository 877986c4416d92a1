"""Every ranking knob in one place, with the measurement behind it.

``bench/relevance.py`` prints the figures each value is judged by; change a value only with
that script's output before and after. The figures below are MRR@10 on seeded samples of 400
dev questions per set (``--sample 400 --set KNOB=VALUE``), in the order vicov typed with
accents / without, known-item with accents / without; baseline 0.332 0.340 0.759 0.729.
Differences under about 0.01 are noise at that sample size.

Measured and dropped: restoring the accents of unaccented words from the index vocabulary
(most frequent spelling, weighted by its share) lost 0.02 on unaccented queries (known-item
0.727 -> 0.705 at full weight, 0.722 at 0.3; vicov 0.361 -> 0.343), because the most frequent
spelling of a rare word is often another word (kich -> kích, not kịch). Exact-form word pairs
added nothing measurable over folded pairs (within 0.004) and doubled the pair postings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RANKING", "Ranking"]


@dataclass(frozen=True, slots=True)
class Ranking:
    """Weights applied on top of Whoosh's BM25F."""

    # BM25 saturation and length normalisation (Whoosh's defaults, the textbook values):
    # b=0.5 gave 0.326 0.327 0.758 0.724, k1=0.9 gave 0.332 0.334 0.760 0.729.
    k1: float = 1.2
    b: float = 0.75
    # A title is short and chosen by an editor: a match there says more than one in the body.
    # 1.0 gave 0.332 0.340 0.748 0.705; 4.0 gave 0.331 0.339 0.757 0.727.
    title_boost: float = 2.0
    # Extra weight of an exact-accent match over a folded-only one (per accented syllable):
    # "chúng" should rank articles with "chúng" above those with only "chung". Short queries
    # are typed with care, so their accents say more than those of a long chatty question.
    # One value for both pulls the sets apart (0.5: 0.338 0.340 0.755 0.729; 2.0: 0.318 0.340
    # 0.772 0.729); split: 3.0 / 0.3 gave 0.341 0.340 0.780 0.729 (2.0 / 0.5: 0.338 .. 0.772,
    # 4.0 / 0.25: 0.342 .. 0.777, 6.0 / 0.25: 0.342 .. 0.778, a plateau).
    exact_boost: float = 3.0
    exact_boost_long: float = 0.3
    # Bonus for two query syllables standing side by side (multi-syllable words: "biên giới").
    # 0.5 gave 0.306 0.332 0.758 0.725; 2.0 gave 0.335 0.326 0.756 0.719.
    adjacency_boost: float = 1.0
    # Queries with up to this many word groups list documents matching all of them first.
    tiered_max_groups: int = 4
    # ... and before those, documents with the query's multi-syllable words side by side: a pair
    # counts as a word when it stands together in at least this share of the documents holding
    # its rarer syllable ("công an", "biên giới"). A tier for every pair cost 0.021 / 0.013 on
    # known-item (chance neighbours of rare title words outranked the target). Share 0.34 gave
    # 0.323 0.322 0.779 0.727; 0.5: 0.324 0.323 0.779 0.727; 0.55: 0.333 0.330 0.778 0.726;
    # 0.6: 0.334 0.332 0.778 0.726; 1.0 (no tier): 0.341 0.340 0.778 0.727. The seeds' "công an"
    # stands together in 3 of 5 documents: 0.55 keeps that word tiered, at a cost on vicov.
    word_pair_share: float = 0.55
    # In longer questions, words found in more than this share of documents are not scored
    # on their own (only as part of pairs): they cost the most and weigh the least. On 200
    # vicov questions: no pruning 0.344 / 0.357 at about 300 ms a question; 0.10: 0.344 /
    # 0.356 at about 40 ms; 0.05: 0.325 / 0.337; 0.25: 0.333 / 0.364.
    common_word_share: float = 0.10


RANKING = Ranking()
