"""The scoring model and every ranking knob, with the measurement behind it.

One model scores every document that holds any query word; nothing is fenced off in tiers, so
``score`` never increases down a list and the top N is the same whatever N (it is the first N
of one total order: score, then document number, the first 20 then re-ranked among themselves
by the second phase below, whatever N). Whoosh's collector is not used: it
re-optimised its matcher every 10 matches and then dropped optional clauses, so the top N
depended on N.

For each group of the query (a word, a phrase, alternatives joined by OR), BM25F over title and
body (a title's frequency counts ``title_boost`` times, lengths normalised per field, one
saturation for both) is computed up to three ways:

* ``folded``: the folded term (``chung`` for chung, chúng, chừng…), which every spelling finds;
* ``exact``: the exact term, with its own, usually far higher, IDF, for every word of a query
  typed with accents (its plain words are meant plain: "tuần tra chung" means ``chung``);
  for a word typed without accents, ``variant_weight`` times the BM25F of the accented
  spelling a document holds, with that spelling's IDF (a rare "kịch" says more than "kích");
* ``pairs``: two neighbouring plain words side by side (the folded pair term ``bien_gioi``),
  discounted where the user may not have meant it: as look-alikes in a query typed with
  accents, and in a body only when no two of the query's words form a word (words
  remembered apart).

Short queries and long questions saturate term frequency differently (``k1``/``b`` and their
``_long`` twins): a reader remembering an article remembers the words it repeats.

A document's score is::

    (folded + exact_weight * exact + pair_weight * pairs)
        * coverage ** coverage_power
        * (1 + title_coverage_boost * title_coverage ** title_coverage_power)

``coverage`` is the IDF-weighted share of the query's units the document holds. The units are
the groups and the multi-syllable words among neighbouring pairs ("công an" stands together in
most documents holding "an"); a word of an accented query that a document holds only as a
look-alike (``thành`` for ``thảnh``) counts ``lookalike_credit`` of a match. The power is high
for short queries, where a reader expects every word (it replaces the former tiers), and zero
for long questions, which are answered by partial matches. ``title_coverage`` is the share of
the groups in the title: with a high power, only a title holding (nearly) every word counts.

``bench/relevance.py`` prints the figures each value is judged by (MRR@10 per set, kind and
typing, beside the two-field baseline); ``bench/fit_ranking.py`` scores settings on a seeded
sample of 400 dev questions per set, the baseline on the same sample. Figures below are from
it (known-item: body-rare, phrase, title-rare, each typed with / without accents; vicov: with
/ without). Baseline on that sample: known-item 0.633 / 0.445, 0.563 / 0.451, 0.866 / 0.646;
vicov 0.316 / 0.274.

A second phase (:mod:`bgsearch.rescore`) re-ranks a short query's first ``memory_window``
hits by the likelihood of the query under the way a reader remembering an article types it
(the way the known-item questions are drawn: syllables by tf x IDF of the article's own
spellings), over the article's length: ``bench/memory_model.py`` found it, ``bench/
fit_ranking.py`` set its knobs (below). Over the article's total tf x IDF instead of its length
it did no better in the first 20 (0.782 known-item without accents, against 0.780), and would
need the IDF of every syllable of the 20 articles: 1,845 lookups for "chuyen mang" on the
corpus, 63 microseconds each through Whoosh, where the whole query takes 40 ms.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["RANKING", "Coverage", "Ranking", "ranked_scores"]


@dataclass(frozen=True, slots=True)
class Ranking:
    """The knobs of the scoring model."""

    # BM25 saturation and length normalisation of short queries. A reader who remembers a few
    # words of an article remembers the ones it repeats: known-item, all 1,122 (body-rare,
    # phrase, title-rare; with / without accents), from the textbook 1.2 / 0.75:
    # 0.660 / 0.452, 0.905 / 0.904, 0.955 / 0.933; k1=2.0 b=0.9: 0.675 / 0.469, 0.901 /
    # 0.891, 0.952 / 0.930; k1=3.0 b=1.0: 0.682 / 0.481, 0.895 / 0.881, 0.949 / 0.925;
    # k1=4.0: 0.680 / 0.485, 0.892 / 0.875; k1=5.0: 0.678 / 0.482.
    k1: float = 3.0
    b: float = 1.0
    # ... and of long questions, which want the textbook values (vicov sample of 800,
    # with / without accents: 1.2 / 0.75 0.343 / 0.341; 3.0 / 0.75 0.333 / 0.324; 3.0 / 1.0
    # 0.319 / 0.311).
    k1_long: float = 1.2
    b_long: float = 0.75
    # A title is short and chosen by an editor: its frequency counts this many times. 1.5
    # lost 0.005-0.008 on title-rare; 1.0 with no title coverage lost 0.03-0.05 on title-rare.
    title_boost: float = 2.0
    # ... and a title match also scores its own BM25, times this: 0.5 and 1.0 won 0.01-0.03 on
    # title-rare but lost 0.02-0.04 on body-rare (title evidence hides body-rare targets).
    title_weight: float = 0.0
    # A title holding every word multiplies the score by up to 1 + this: 0 gave body-rare
    # 0.650 / 0.465 but title-rare 0.907 / 0.784; 1.0 at power 16 gives 0.632 / 0.466 and
    # 0.944 / 0.916; 3.0 at power 8: 0.612 / 0.448 and 0.948 / 0.930.
    # Scaling it down for common words (times min(1, mean IDF of the groups / 1, 1.5, 2, 3))
    # changed nothing that counts (all 1,122, body-rare / title-rare without accents: 0.500 /
    # 0.923 -> 0.502 / 0.919 at 2): the body-rare questions it misses are words most
    # articles hold, in any spelling ("chuyen mang"), whatever the titles.
    title_coverage_boost: float = 1.0
    # ... counting, for a query typed with accents, only titles holding its words as typed
    # ("Nhiều bệnh nhân nằm viện do…" is no title for "viên độ"): on, known-item with
    # accents, body-rare 0.655 -> 0.657, phrase 0.902 -> 0.905, title-rare 0.953 -> 0.955.
    exact_titles: bool = True
    title_coverage_power: float = 16.0
    # Weight of the exact BM25F of words of an accented query beside the folded one; long
    # questions are chatty, and their accents say less (vicov: 0.3 beat 1.0 by 0.009).
    exact_weight: float = 1.0
    exact_weight_long: float = 0.3
    # A word typed without accents: weight of the BM25F of the accented spelling a document
    # holds, with that spelling's own IDF (0: off). 0.5 lifted title-rare typed without
    # accents from 0.817 to 0.890 (1.0: 0.895, but phrases 0.856 -> 0.833); vicov unchanged.
    # At k1=3.0 (known-item without accents, body-rare / phrase / title-rare): 0.5 gave
    # 0.491 / 0.888 / 0.929, 0.35 0.496 / 0.892 / 0.925, 0.25 0.500 / 0.891 / 0.923, 1.0
    # 0.476 / 0.883 / 0.934.
    # A variant's title-only BM25 added (times 0.25 / 0.5 / 1.0) moves the same questions
    # between kinds: title-rare without accents 0.923 -> 0.936 / 0.940 / 0.945, body-rare
    # 0.500 -> 0.481 / 0.472 / 0.454.
    variant_weight: float = 0.25
    # ... the plain spelling ("ga", beside "gà", "gả") counts as one of them when it is not
    # the usual one: off, a document holding the plain word scored below those holding any
    # rarer spelling (known-item, all 1,122: body-rare 0.653 / 0.448 -> 0.655 / 0.452,
    # title-rare 0.951 / 0.929 -> 0.953 / 0.933, phrases and vicov the same). Weighting the
    # spellings by how common they are instead (the expected score of a restored accent)
    # lost title-rare no accents 0.940 -> 0.903. Reading each plain word as the spelling most
    # documents holding the other words use, its exact BM25F added (0.25 / 0.5), lost too:
    # body-rare no accents 0.500 -> 0.503 / 0.500, title-rare 0.923 -> 0.917 / 0.911. Counting
    # each spelling's occurrences in the folded frequency times (its IDF / the folded IDF) **
    # 0.5 / 1.0 (the way the known-item questions are drawn) lost too: body-rare no accents
    # 0.488 -> 0.484 / 0.483 against the same code at power 0.0001 (which read non-syllables
    # such as "ltntd" differently: 0.500 with today's code), phrases 0.889 -> 0.889.
    plain_variant: bool = True
    # Time: an exact spelling found in at least this share of the documents holding its folded
    # form ("tuần" for "tuan") scores as the folded form, unread; an unaccented word's usual
    # spelling (this share) adds no variant score.
    dominant_share: float = 0.9
    usual_share: float = 0.5
    # A query typed with accents means its plain words plain: they score their exact form.
    # On: body-rare with accents 0.561 -> 0.580, the others within 0.006.
    plain_is_exact: bool = True
    # Weight of the BM25F of neighbouring words side by side: 0 lost 0.13-0.22 on phrases.
    # Side by side in a body by chance ("giải pháp ba nhóm" for "pháp bà") misleads body-rare
    # queries: 0.25 for short queries' neighbours that are not one word nor side by side in
    # the title gave body-rare 0.653 / 0.448 -> 0.669 / 0.457 (known-item, all 1,122), but
    # put "tuan tra chung" second on the seeds: a reader typing neighbours means them. See
    # ``loose_pair_weight`` for what is kept of that.
    pair_weight: float = 1.0
    # ... in a query typed with accents, what a pair side by side counts in a document that
    # holds either word only as a look-alike ("viện do" for "viên độ").
    # 0.3: known-item, body-rare with accents 0.657 -> 0.660 (0: the same), the rest equal.
    lookalike_pair_credit: float = 0.3
    # ... in a short query none of whose neighbours form a word (words remembered apart:
    # "vien do"), what side by side in a body only counts; side by side in a title, a reader
    # means. Known-item, body-rare (with / without accents): 1.0 gave 0.682 / 0.481, 0.5
    # 0.684 / 0.485, 0.25 0.686 / 0.489, 0.1 0.688 / 0.491, 0 0.686 / 0.492 (phrase and
    # title-rare within 0.002). A query holding a word pair ("tuan tra chung") is a phrase.
    loose_pair_weight: float = 0.1
    # A neighbouring pair is a multi-syllable word when it stands together in at least this
    # share of the documents holding its rarer syllable ("công an", "biên giới").
    word_pair_share: float = 0.55
    # How much coverage counts, short queries and long questions. Short: 4 gave body-rare
    # 0.612 / 0.449 (at title power 4), 6 gave 0.618 / 0.449, 3 lost 0.01-0.02 more; 0 (no
    # coverage) lost 0.1-0.2 everywhere. Long (vicov): 0 gave 0.369 / 0.367, 0.25 gave
    # 0.363 / 0.361, 0.5 gave 0.353 / 0.351, 1.0 gave 0.336 / 0.333.
    coverage_power: float = 6.0
    coverage_power_long: float = 0.0
    # What a look-alike (folded-only) match of a word of an accented query counts in
    # coverage: 0.1 and 0.3 score the same on the dev sample.
    lookalike_credit: float = 0.3
    # A query of this many groups or more is a long question.
    long_from: int = 5
    # In long questions, words found in more than this share of documents are not scored on
    # their own (their pairs still are): they cost the most and weigh the least. vicov, all
    # 3,974: 0.10 gave 0.337 / 0.335, 0.20 gives 0.342 / 0.340, 0.30 0.342 / 0.338, 0.50
    # 0.346 / 0.339; a 5,000-word query takes 1.07 s of CPU at 0.10 and 0.20 alike.
    common_word_share: float = 0.20
    # The second phase (bgsearch.rescore): a short query of plain words re-ranks its first
    # ``memory_window`` hits by log(score) + ``memory_weight`` x the likelihood of the query
    # under each article's tf x IDF (a title's syllables counting ``memory_title`` times;
    # ``memory_eps`` where an article lacks a word). 0: off. bench/fit_ranking.py, known-item,
    # all 1,122 (body-rare, phrase, title-rare, with / without accents), from 0.687 / 0.500,
    # 0.901 / 0.891, 0.951 / 0.923 (weight 0): weight 0.15 0.711 / 0.524, 0.889 / 0.887,
    # 0.953 / 0.930 (eps 5e-6; 2e-5: 0.709 / 0.523, the rest the same); 0.2 0.710 / 0.530,
    # 0.884 / 0.878, 0.959 / 0.931 (phrases, whose titles hold them side by side, lose what
    # the others gain); title 10: 0.698 / 0.519, 0.894 / 0.885, 0.958 / 0.934; 20: 0.687 /
    # 0.497; window 10: 0.705 / 0.520, 0.889 / 0.887, 0.953 / 0.929; 30: as 20. A query
    # holding a multi-syllable word is remembered with its neighbours side by side (their
    # pair terms weigh as words do): weight 0.15 then 0.711 / 0.524, 0.894 / 0.888, 0.954 /
    # 0.931 (0.2: 0.710 / 0.530, 0.888 / 0.881, 0.958 / 0.931), and "tuan tra chung" lists
    # the seed holding "tuần tra chung" first again (words alone put "Sơ kết…" first).
    # With the pairs, window 15 scores as 20; 10: 0.707 / 0.521, 0.894 / 0.888, 0.954 /
    # 0.930. Its cost: the first 20 must be in order, which prunes less than the first 10
    # (the 60 speed queries on the corpus, median of 3, p50 / p95: 17.8 / 67 -> 25.0 / 128
    # ms in one sitting with the commit before; before issue 13, 225431c: 71 / 219-240);
    # prepared only for the queries it re-ranks: 16.8-17.8 / 61-63 -> 20.7-22.3 / 93-95 ms.
    # Not yet measured: whether window 15 costs less.
    memory_window: int = 20
    memory_weight: float = 0.15
    memory_title: float = 5.0
    memory_eps: float = 5e-6
    # Bounds on the worst queries (issue "trust": under about 2 s on the 38,093 articles).
    # Prefix and typo-tolerant words: the most frequent terms they reach, at most this many
    # and this many postings in all ("th*" reaches 1,000+ words and millions of postings).
    max_expansions: int = 32
    max_expansion_postings: int = 100_000
    # A pasted article as a query: its rarest words, at most this many.
    max_groups: int = 32
    # Time, not ranking: a short query first scores only the documents holding all its
    # words, and lists them while they score above what any other document can reach
    # (Coverage); the same list, ids and scores, as scoring every document (tests/
    # test_pruning.py). The 60 queries of bench/speed.py on the corpus, min of 5 each,
    # alternated: p50 85.4 -> 53.1 ms, p95 196.0 -> 183.0 ms; with the titles step first
    # (Retrieval._pruned), 66.3 / 67.9 -> 40.5 / 42.6 ms.
    prune: bool = True


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
    docs = list(docs)
    # coverages take few values (one per set of words held): each factor computed once
    cover = {h: -((h * share) ** power) for h in set(map(held.__getitem__, docs))}
    title = {t: 1 + boost * (t * share) ** steep for t in set(map(titled.__getitem__, docs))}
    return [(relevance[d] * cover[held[d]] * title[titled[d]], d) for d in docs]


class Coverage:
    """The highest score a document lacking some of a query's coverage units can reach (what
    lets a short query score only the documents holding them all: Retrieval.rank).

    Each unit comes with its IDF (its weight in coverage) and a ceiling of what it adds to
    relevance; scored terms that are no unit (neighbours that form no word) add their
    ceiling to every document. A document holding units A, and not all of them, scores at
    most (sum of A's ceilings + the rest) * (A's IDF / total) ** power * (1 +
    title_coverage_boost * (A's title IDF / total) ** title_coverage_power): each factor
    of :func:`ranked_scores` at its highest (a group may be held in the title: its title
    IDF counts with it; :meth:`highest_untitled` makes that a unit of its own).
    """

    def __init__(self, ranking: Ranking, power: float) -> None:
        self._ranking = ranking
        self._power = power
        self._units: list[tuple[float, float, float]] = []  # coverage IDF, ceiling, title IDF
        self._always = 0.0

    def add(self, idf: float, ceiling: float, *, in_titles: bool) -> None:
        """A unit of weight ``idf`` adding at most ``ceiling``; ``in_titles``: it counts in
        title coverage (a document holding it may hold it in its title)."""
        self._units.append((idf, ceiling, idf if in_titles else 0.0))

    def add_always(self, ceiling: float) -> None:
        """A scored term that is no unit: at most ``ceiling`` for any document."""
        self._always += ceiling

    def ceilings(self) -> list[float]:
        """For each set of units but all of them (bit k of the index: unit k), the highest
        score of a document holding those units and no other (infinite when IDFs are not
        all positive: an index with more deleted documents than live ones)."""
        units = self._units
        share = self._share(units)
        return [self._ceiling(units, s, share) for s in range(2 ** len(units) - 1)]

    def highest_untitled(self) -> float:
        """The highest score of a document that lacks a unit or holds some group outside its
        title: as :meth:`ceilings`, each group's title a unit of its own (held by the
        documents holding the group in their title), from the sets lacking one unit only
        (each factor grows with the units held, so no smaller set comes higher)."""
        units = [(idf, ceiling, 0.0) for idf, ceiling, _ in self._units]
        units += [(0.0, 0.0, title) for _, _, title in self._units if title > 0]
        share, everything = self._share(units), 2 ** len(units) - 1
        return max(self._ceiling(units, everything & ~(1 << k), share) for k in range(len(units)))

    @staticmethod
    def _share(units: list[tuple[float, float, float]]) -> float | None:
        """1 / the units' total IDF; None when an IDF is not positive."""
        if any(max(idf, title) <= 0 for idf, _, title in units):
            return None
        return 1.0 / sum(idf for idf, _, _ in units)

    def _ceiling(
        self, units: list[tuple[float, float, float]], subset: int, share: float | None
    ) -> float:
        if share is None:
            return math.inf
        boost, steep = self._ranking.title_coverage_boost, self._ranking.title_coverage_power
        held = titled = 0.0
        relevance = self._always
        for k, (idf, ceiling, title) in enumerate(units):
            if subset >> k & 1:
                held += idf
                relevance += ceiling
                titled += title
        score = relevance * float((held * share) ** self._power)
        factor = 1 + boost * float((titled * share) ** steep)
        return score * factor * (1 + 1e-9)  # sums in another order: a margin
