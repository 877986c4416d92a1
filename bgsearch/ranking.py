"""Every ranking knob in one place, with the measurement behind it.

``bench/relevance.py`` prints the figures each value is judged by; change a value only with
that script's output before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RANKING", "Ranking"]


@dataclass(frozen=True, slots=True)
class Ranking:
    """Weights applied on top of Whoosh's BM25F."""

    # BM25 saturation and length normalisation (Whoosh's defaults, the textbook values).
    k1: float = 1.2
    b: float = 0.75
    # A title is short and chosen by an editor: a match there says more than one in the body.
    title_boost: float = 2.0
    # Extra weight of an exact-accent match over a folded-only one (per accented syllable):
    # "chúng" should rank articles with "chúng" above those with only "chung".
    exact_boost: float = 1.0
    # Bonus for two query syllables standing side by side (multi-syllable words: "biên giới").
    adjacency_boost: float = 1.0
    # Queries with up to this many word groups list documents matching all of them first.
    tiered_max_groups: int = 4


RANKING = Ranking()
