"""Run a plan against the index: find every document holding any query word and score it.

What each group of the query finds comes from :mod:`bgsearch.evidence`; here it is added up
into one score per document (:func:`bgsearch.ranking.ranked_scores`) and sorted once, so the
top N is exact and the same whatever N. A short query first scores only the documents holding
all its words (in their titles, then anywhere) and lists them while they score above what any
other document can reach (:class:`bgsearch.ranking.Coverage`): the same list, sooner.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from bgsearch import store as ix
from bgsearch.bm25 import Scores, add_each, add_to
from bgsearch.evidence import Evidence, Found
from bgsearch.plan import Alternative, Plan
from bgsearch.postings import Postings
from bgsearch.ranking import RANKING, Coverage, Ranking, ranked_scores

__all__ = ["Retrieval", "Scored"]


@dataclass(frozen=True, slots=True)
class Scored:
    """A matching document, its score, and the query groups it lacks (by index)."""

    docnum: int
    score: float
    missing: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Cut:
    """A short query's pruning (:meth:`Retrieval._cut`)."""

    among: set[int]  # the documents holding every coverage unit
    sizes: dict[int | str, int]  # how many documents hold each group (by index) and pair
    units: list[set[int]]  # the documents holding each unit
    ceilings: list[float]  # the highest score of a document holding units k (bit k of the
    # index) and no other: every set of units but all of them (Coverage.ceilings)
    titled: set[int] | None = None  # those of ``among`` holding every group in their title
    titled_ceiling: float = 0.0  # ... and what no other document scores above

    @property
    def ceiling(self) -> float:
        """No document outside ``among`` scores above this."""
        return max(self.ceilings)

    def widened(self, floor: float) -> tuple[set[int], float] | None:
        """The documents that may score above ``floor`` (those holding every unit, or a set
        of units whose ceiling is above it), and the ceiling of all others; None when that
        is every document holding any unit."""
        above = [m for m, c in enumerate(self.ceilings) if c > floor]
        least = [m for m in above if not any(o != m and o & m == o for o in above)]
        if 0 in least:
            return None
        among = set(self.among)
        for m in least:
            among |= set.intersection(*(u for k, u in enumerate(self.units) if m >> k & 1))
        return among, max((c for c in self.ceilings if c <= floor), default=0.0)


# Pruning weighs every subset of a query's coverage units: 2 ** units of them.
MAX_UNITS = 12
PRUNE_SHARE = 0.9
# The documents holding every group in their title are scored first when at least this many
# hold every unit: below it, scoring them all costs about what a failed first step would
# (16 titles of "ngan hang lai suat" 7.6 ms, its 777 documents 18.5 ms).
TITLES_FROM = 2_000


def _in_order(scored: list[tuple[float, int]], first: int) -> Iterator[tuple[float, int]]:
    """``scored`` sorted, the first ``first`` by a heap (reading on sorts the rest)."""
    top = heapq.nsmallest(first, scored)
    yield from top
    if len(top) < len(scored):
        yield from sorted(scored)[len(top) :]


def _listed(s: float, d: int, found: dict[int, Found]) -> Scored:
    return Scored(d, -s, tuple(i for i, f in found.items() if d not in f.folded))


class Retrieval:
    """Scores documents for plans, on one open index."""

    def __init__(self, reader: Postings, ranking: Ranking = RANKING) -> None:
        self._reader = reader
        self._ranking = ranking
        self._evidence = Evidence(reader, ranking)
        self.notes: list[str] = []  # what the last ranking left out to stay within bounds

    @property
    def reader(self) -> Postings:
        return self._reader

    def expansions(self, alternative: Alternative) -> list[tuple[str, float]]:
        """The terms a prefix or fuzzy word reaches, with their closeness (see Evidence)."""
        return self._evidence.expansions(alternative)

    def is_word(self, folded_pair: str) -> bool:
        """Whether two neighbouring syllables usually stand together (see Evidence)."""
        return self._evidence.is_word(folded_pair)

    # --- the ranked list -------------------------------------------------------------------

    def rank(
        self, plan: Plan, allowed: set[int] | None = None, first: int = 10
    ) -> Iterator[Scored]:
        """Every document holding any scored group of ``plan`` (within ``allowed``, none of
        the excluded), best first: score, then document number. ``first`` is how many the
        caller expects to read; reading on past it costs one sort of the rest.

        A short query is pruned first (see :meth:`_cut`): only the documents holding all its
        words (in their titles, then anywhere) are scored, and they are listed as long as they
        score above the ceiling of the others; past that (rarely), every document is scored
        and the list goes on. Each step lists the next stretch of the one order."""
        self.notes = []
        self._evidence.start(plan.long_question, self.notes)
        groups = self._scored_groups(plan)
        done = 0
        above = float("inf")  # what the steps before listed: every document scoring above
        cut = None if plan.long_question else self._cut(plan, groups, allowed)
        steps = () if cut is None else self._pruned(plan, groups, allowed, cut, first)
        for scored, found, ceiling in steps:
            for s, d in _in_order(scored, first):
                if -s <= ceiling:
                    break
                if -s > above:
                    continue
                yield _listed(s, d, found)
                done += 1
            above = ceiling
        scored, found = self._scored(plan, groups, allowed, None, None)
        for s, d in islice(_in_order(scored, max(first, done)), done, None):
            yield _listed(s, d, found)

    def _pruned(
        self, plan: Plan, groups: list[int], allowed: set[int] | None, cut: _Cut, first: int
    ) -> Iterator[tuple[list[tuple[float, int]], dict[int, Found], float]]:
        """The pruned steps, each scoring some documents: (-score, document) of each, what
        each group found, and the ceiling of the others. First the documents holding every
        group in their title (with the title factor at its full height they often fill the
        first ``first`` alone: "công an" scores 393 articles instead of 19,946), when their
        ``first``-th score clears that ceiling; then those holding every unit, widened once
        when too few clear theirs (:meth:`_Cut.widened`). Stops where full scoring would cost
        no more."""
        if cut.titled is not None and len(cut.titled) >= first:
            scored, found = self._scored(plan, groups, allowed, cut.titled, cut.sizes)
            best = heapq.nsmallest(first, scored)
            if best and -best[-1][0] > cut.titled_ceiling:
                yield scored, found, cut.titled_ceiling
        if len(cut.among) > PRUNE_SHARE * max(map(len, cut.units)):
            return  # most documents holding any unit hold them all: as dear as all
        scored, found = self._scored(plan, groups, allowed, cut.among, cut.sizes)
        best = heapq.nsmallest(first, scored)
        floor = -best[-1][0] if best else 0.0
        if floor > cut.ceiling:
            yield scored, found, cut.ceiling
            return
        widened = cut.widened(floor)
        if widened is None or len(widened[0]) > PRUNE_SHARE * max(map(len, cut.units)):
            return
        among, ceiling = widened
        scored, found = self._scored(plan, groups, allowed, among, cut.sizes)
        yield scored, found, ceiling

    def _scored(
        self,
        plan: Plan,
        groups: list[int],
        allowed: set[int] | None,
        among: set[int] | None,
        sizes: dict[int | str, int] | None,
    ) -> tuple[list[tuple[float, int]], dict[int, Found]]:
        """(-score, document) of every document holding a scored group (only those
        ``among``, with ``sizes`` the numbers of documents holding each group and pair),
        and what each group found."""
        ranking = self._ranking
        self._evidence.bm25f.among = among
        try:
            found = {
                i: self._evidence.find(plan.groups[i], None if sizes is None else sizes[i])
                for i in groups
            }
            size = self._reader.doc_count_all
            relevance = [0.0] * size
            held = [0.0] * size  # the IDF-weighted coverage units each document holds
            titled = [0.0] * size  # ... and of the groups, those in its title
            total = 0.0
            long = plan.long_question
            exact_weight = ranking.exact_weight_long if long else ranking.exact_weight
            for f in found.values():
                if f.exact is f.folded:  # a spelling nearly every match has: one pass each
                    add_to(relevance, f.folded, 1.0 + exact_weight)
                    add_each(held, f.folded, f.idf)
                else:
                    add_to(relevance, f.folded, 1.0)
                    add_to(relevance, f.exact, exact_weight)
                    credit = f.idf if f.exactly is None else f.idf * ranking.lookalike_credit
                    add_each(held, f.folded, credit)
                    if f.exactly:
                        add_each(held, f.exactly, f.idf * (1 - ranking.lookalike_credit))
                add_each(titled, f.titled, f.idf)
                total += f.idf if f.size else 0.0  # a word no article holds: no unit
            # a short query none of whose neighbours form a word: words remembered apart
            loose = not long and not any(self._evidence.is_word(t) for _, t in plan.neighbours)
            for i, term in plan.neighbours:
                side_by_side = self._evidence.neighbours(
                    term, found.get(i), found.get(i + 1), loose
                )
                add_to(relevance, side_by_side, ranking.pair_weight)
                if self._evidence.is_word(term):
                    holding = len(side_by_side) if sizes is None else sizes[term]
                    idf = self._evidence.bm25f.idf(holding)
                    add_each(held, side_by_side, idf)
                    total += idf
            candidates = set().union(*(f.folded for f in found.values())) if found else set()
            candidates -= self._evidence.excluded(plan) | self._reader.deleted()
        finally:
            self._evidence.bm25f.among = None
        if allowed is not None:
            candidates &= allowed
        power = ranking.coverage_power_long if long else ranking.coverage_power
        scored = ranked_scores(
            candidates, relevance, held, titled, total=total, power=power, ranking=ranking
        )
        return scored, found

    # --- pruning ---------------------------------------------------------------------------

    def _cut(self, plan: Plan, groups: list[int], allowed: set[int] | None) -> _Cut | None:
        """How to prune a short query: score only the documents holding every coverage unit
        (each group, and each neighbouring pair that forms a word), and list them while they
        score above what any other document can reach (``Coverage.ceilings``). With coverage
        to the sixth power, a document lacking a unit rarely comes near: on the corpus, "giá
        vàng" scores 1,582 documents of 27,777. None when pruning would not save work."""
        ranking = self._ranking
        if not ranking.prune or ranking.coverage_power <= 0:
            return None
        sizes: dict[int | str, int] = {}
        units: list[set[int]] = []
        coverage = Coverage(ranking, ranking.coverage_power)
        bm25f = self._evidence.bm25f
        for i in groups:
            group = plan.groups[i]
            holding = set().union(*(self._evidence.holding(a) for a in group.alternatives))
            sizes[i] = len(holding)
            if holding:
                units.append(holding)
                coverage.add(bm25f.idf(len(holding)), self._evidence.ceiling(group), in_titles=True)
        for _, term in plan.neighbours:
            holding = self._evidence.pair_holding(term)
            sizes[term] = len(holding)
            top = ranking.pair_weight * bm25f.ceiling(len(holding))
            if self._evidence.is_word(term):
                units.append(holding)
                coverage.add(bm25f.idf(len(holding)), top, in_titles=False)
            else:
                coverage.add_always(top)
        if not units or len(units) > MAX_UNITS:
            return None
        among = set.intersection(*units)
        if allowed is not None:
            among &= allowed
        titled = None
        if len(among) >= TITLES_FROM:  # the groups a unit counts in title coverage for
            titles = [self._evidence.group_titled(plan.groups[i]) for i in groups if sizes[i]]
            titled = among.intersection(*titles)
            if len(titled) > PRUNE_SHARE * len(among):
                titled = None  # most hold every group in their title: nothing to save
        if titled is None and len(among) > PRUNE_SHARE * max(map(len, units)):
            return None  # most documents holding any unit hold them all: nothing to save
        ceiling = coverage.highest_untitled() if titled is not None else 0.0
        return _Cut(among, sizes, units, coverage.ceilings(), titled, ceiling)

    def matching(self, plan: Plan) -> set[int]:
        """The documents a filter or date order lists: holding every group of a short query
        with its multi-syllable words side by side; any group of a long question."""
        self._evidence.start(plan.long_question, self.notes)
        groups = self._scored_groups(plan)
        sets = [set(self._evidence.find(plan.groups[i]).folded) for i in groups]
        if not sets:
            return set()
        if plan.long_question:
            docs = set().union(*sets)
        else:
            docs = set.intersection(*sets)
            for _, term in plan.neighbours:
                if self._evidence.is_word(term):
                    docs &= set(self._evidence.side_by_side(term))
        return docs - self._evidence.excluded(plan) - self._reader.deleted()

    def weighted(self, terms: Iterable[tuple[str, str, float]], hidden: set[int]) -> list[Scored]:
        """Documents ranked by a weighted sum of body BM25 scores of (field, term, weight)."""
        total: Scores = {}
        for field, term, weight in terms:
            for d, s in self._evidence.long_scorer().score(((field, 1.0),), term).items():
                total[d] = total.get(d, 0.0) + weight * s
        gone = hidden | self._reader.deleted()
        scored = [Scored(d, s) for d, s in total.items() if d not in gone]
        scored.sort(key=lambda s: (-s.score, s.docnum))
        return scored

    def _scored_groups(self, plan: Plan) -> list[int]:
        """The groups scored: all but, in a long question, the words most documents hold
        (unless the question has no other word that any document holds)."""
        every = list(range(len(plan.groups)))
        if not plan.long_question:
            return every
        limit = self._ranking.common_word_share * self._reader.doc_count
        frequency = {
            i: self._reader.doc_frequency(ix.BODY_FOLDED, word)
            for i in every
            if (word := plan.groups[i].single_word) is not None
        }
        kept = [i for i in every if frequency.get(i, 0) <= limit]
        if not any(frequency.get(i, 1) for i in kept):
            kept = every
        most = self._ranking.max_groups
        if len(kept) > most:
            # the most informative: the rarest words any article holds (phrases and
            # alternatives first); a word no article holds finds nothing
            def rarity(i: int) -> tuple[bool, int]:
                df = frequency.get(i, 0)
                return i in frequency and df == 0, df

            kept = sorted(sorted(kept, key=rarity)[:most])
            self.notes.append(
                f"the query has {len(plan.groups):,} words; searching its {most} rarest"
            )
        return kept
