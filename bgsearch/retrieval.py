"""Run a plan against the index: find every document holding any query word and score it.

Every matching document is scored by :func:`bgsearch.ranking.ranked_scores` and the list is
sorted once, so the top N is exact and the same whatever N. A short query first scores only
the documents holding all its words and lists them while they score above what any other
document can reach (:class:`bgsearch.ranking.Coverage`): the same list, sooner. The features
come from postings read whole (:mod:`bgsearch.postings`); a three-syllable phrase is the one
thing Whoosh matches for us (positions), and its documents are then scored like any other.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice, pairwise

from bgsearch import store as ix
from bgsearch.bm25 import BM25F, Scores, add_each, add_to, best_of, keep_best
from bgsearch.expansion import expand
from bgsearch.plan import PAIR, PHRASE, Alternative, GroupPlan, Plan
from bgsearch.postings import Postings
from bgsearch.querylang import FUZZY, PREFIX, WORD
from bgsearch.ranking import RANKING, Coverage, Ranking, ranked_scores
from bgsearch.text import PAIR_JOINER, accent_variants

__all__ = ["Retrieval", "Scored"]


@dataclass(frozen=True, slots=True)
class Scored:
    """A matching document, its score, and the query groups it lacks (by index)."""

    docnum: int
    score: float
    missing: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Place:
    folded: str
    exact: str
    pairs: str
    boost: float


@dataclass(slots=True)
class _Found:
    """What one group scores in each document."""

    folded: Scores  # BM25F of the folded forms (documents holding the group in any spelling)
    exact: Scores  # BM25F of the exact forms of its accented syllables
    exactly: set[int] | None  # documents holding every accented syllable as typed; None: none
    idf: float
    titled: set[int]  # documents holding the group in their title
    size: int  # how many documents hold the group (``folded`` may hold some of them only)


@dataclass(frozen=True, slots=True)
class _Cut:
    """A short query's pruning (:meth:`Retrieval._cut`)."""

    among: set[int]  # the documents holding every coverage unit
    sizes: dict[int | str, int]  # how many documents hold each group (by index) and pair
    units: list[set[int]]  # the documents holding each unit
    ceilings: list[float]  # the highest score of a document holding units k (bit k of the
    # index) and no other: every set of units but all of them (Coverage.ceilings)

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


def _in_order(scored: list[tuple[float, int]], first: int) -> Iterator[tuple[float, int]]:
    """``scored`` sorted, the first ``first`` by a heap (reading on sorts the rest)."""
    top = heapq.nsmallest(first, scored)
    yield from top
    if len(top) < len(scored):
        yield from sorted(scored)[len(top) :]


def _listed(s: float, d: int, found: dict[int, _Found]) -> Scored:
    return Scored(d, -s, tuple(i for i, f in found.items() if d not in f.folded))


class Retrieval:
    """Scores documents for plans, on one open index."""

    def __init__(self, reader: Postings, ranking: Ranking = RANKING) -> None:
        self._reader = reader
        self._ranking = ranking
        title = _Place(ix.TITLE_FOLDED, ix.TITLE_EXACT, ix.TITLE_PAIRS, ranking.title_boost)
        body = _Place(ix.BODY_FOLDED, ix.BODY_EXACT, ix.BODY_PAIRS, 1.0)
        self._places = {False: (title, body), True: (title,)}
        # short queries and long questions saturate differently (see Ranking.k1_long)
        long = replace(ranking, k1=ranking.k1_long, b=ranking.b_long)
        self._scorers = {False: BM25F(self._reader, ranking), True: BM25F(self._reader, long)}
        self._bm25f = self._scorers[False]
        self._words: dict[str, bool] = {}
        self.notes: list[str] = []  # what the last ranking left out to stay within bounds
        self._phrases: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        self._expanded: dict[Alternative, list[tuple[str, float]]] = {}
        self._holders: dict[Alternative, set[int]] = {}

    @property
    def reader(self) -> Postings:
        return self._reader

    # --- the ranked list -------------------------------------------------------------------

    def rank(
        self, plan: Plan, allowed: set[int] | None = None, first: int = 10
    ) -> Iterator[Scored]:
        """Every document holding any scored group of ``plan`` (within ``allowed``, none of
        the excluded), best first: score, then document number. ``first`` is how many the
        caller expects to read; reading on past it costs one sort of the rest.

        A short query is pruned first (see :meth:`_cut`): only the documents holding all its
        words are scored, and they are listed as long as they score above the ceiling of the
        others; past that (rarely), every document is scored and the list goes on."""
        self.notes = []
        self._phrases = {}
        self._expanded = {}
        self._holders = {}
        self._bm25f = self._scorers[plan.long_question]
        groups = self._scored_groups(plan)
        done = 0
        cut = None if plan.long_question else self._cut(plan, groups, allowed)
        if cut is not None:
            pruned = self._pruned(plan, groups, allowed, cut, first)
            if pruned is not None:
                scored, found, ceiling = pruned
                for s, d in _in_order(scored, first):
                    if -s <= ceiling:
                        break
                    yield _listed(s, d, found)
                    done += 1
        scored, found = self._scored(plan, groups, allowed, None, None)
        for s, d in islice(_in_order(scored, max(first, done)), done, None):
            yield _listed(s, d, found)

    def _pruned(
        self, plan: Plan, groups: list[int], allowed: set[int] | None, cut: _Cut, first: int
    ) -> tuple[list[tuple[float, int]], dict[int, _Found], float] | None:
        """The documents holding every unit scored, and the ceiling of the others; when
        fewer than ``first`` of them clear it, once more with the documents holding any set
        of units whose ceiling is above the ``first``-th best score (:meth:`_Cut.widened`).
        None when that would score most documents anyway."""
        scored, found = self._scored(plan, groups, allowed, cut.among, cut.sizes)
        best = heapq.nsmallest(first, scored)
        floor = -best[-1][0] if best else 0.0
        if floor > cut.ceiling:
            return scored, found, cut.ceiling
        widened = cut.widened(floor)
        if widened is None or len(widened[0]) > PRUNE_SHARE * max(map(len, cut.units)):
            return None
        among, ceiling = widened
        scored, found = self._scored(plan, groups, allowed, among, cut.sizes)
        return scored, found, ceiling

    def _scored(
        self,
        plan: Plan,
        groups: list[int],
        allowed: set[int] | None,
        among: set[int] | None,
        sizes: dict[int | str, int] | None,
    ) -> tuple[list[tuple[float, int]], dict[int, _Found]]:
        """(-score, document) of every document holding a scored group (only those
        ``among``, with ``sizes`` the numbers of documents holding each group and pair),
        and what each group found."""
        ranking = self._ranking
        self._bm25f.among = among
        try:
            found = {
                i: self._find(plan.groups[i], None if sizes is None else sizes[i]) for i in groups
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
            loose = not long and not any(self.is_word(t) for _, t in plan.neighbours)
            for i, term in plan.neighbours:
                side_by_side = self._neighbours(term, found.get(i), found.get(i + 1), loose)
                add_to(relevance, side_by_side, ranking.pair_weight)
                if self.is_word(term):
                    holding = len(side_by_side) if sizes is None else sizes[term]
                    idf = self._bm25f.idf(holding)
                    add_each(held, side_by_side, idf)
                    total += idf
            candidates = set().union(*(f.folded for f in found.values())) if found else set()
            candidates -= self._excluded(plan) | self._reader.deleted()
        finally:
            self._bm25f.among = None
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
        bm25f = self._bm25f
        for i in groups:
            group = plan.groups[i]
            holding = set().union(*(self._holding(a) for a in group.alternatives))
            sizes[i] = len(holding)
            if holding:
                units.append(holding)
                coverage.add(bm25f.idf(len(holding)), self._ceiling(group), in_titles=True)
        for _, term in plan.neighbours:
            holding = set().union(
                *(self._reader.postings(p.pairs, term).keys() for p in self._places[False])
            )
            sizes[term] = len(holding)
            top = ranking.pair_weight * bm25f.ceiling(len(holding))
            if self.is_word(term):
                units.append(holding)
                coverage.add(bm25f.idf(len(holding)), top, in_titles=False)
            else:
                coverage.add(0.0, top, in_titles=False)  # scored, not a unit: always counted
        if not units or len(units) > MAX_UNITS:
            return None
        among = set.intersection(*units)
        if len(among) > PRUNE_SHARE * max(map(len, units)):
            return None  # most documents holding any unit hold them all: nothing to save
        if allowed is not None:
            among &= allowed
        return _Cut(among, sizes, units, coverage.ceilings())

    def _holding(self, alternative: Alternative) -> set[int]:
        """The documents :meth:`_folded` scores for ``alternative``, unscored (once a query)."""
        if alternative not in self._holders:
            self._holders[alternative] = self._holders_of(alternative)
        return self._holders[alternative]

    def _holders_of(self, alternative: Alternative) -> set[int]:
        places = self._places[alternative.title_only]
        kind, terms = alternative.kind, alternative.folded
        if kind == PHRASE:
            return set().union(*(self._phrase_docs(p.folded, terms) for p in places))
        if kind in (PREFIX, FUZZY):
            keys = [
                self._bm25f.postings(p.folded, term).keys()
                for term, _ in self.expansions(alternative)
                for p in places
            ]
        else:
            keys = [
                self._bm25f.postings(p.pairs if kind == PAIR else p.folded, terms[0]).keys()
                for p in places
            ]
        return set().union(*keys)

    def _ceiling(self, group: GroupPlan) -> float:
        """A score no document reaches in ``group``'s folded + ``exact_weight`` * exact
        (what :meth:`_scored` adds up for it), from how many documents hold each term
        (:meth:`BM25F.ceiling`): each alternative mirrors :meth:`_find`."""
        ranking = self._ranking
        bm25f = self._bm25f
        folded = exact = 0.0
        for alternative in group.alternatives:
            places = self._places[alternative.title_only]
            if alternative.kind in (PREFIX, FUZZY):
                # a document counts its best term, times its closeness (at most 1)
                fields = [p.folded for p in places]
                top = max(
                    (
                        closeness * bm25f.ceiling(self._most_holding(fields, term))
                        for term, closeness in self.expansions(alternative)
                    ),
                    default=0.0,
                )
            else:
                top = bm25f.ceiling(len(self._holding(alternative)))
            folded = max(folded, top)
            fields = [p.exact for p in places]
            if alternative.exact and group.accented:
                # the exact syllables' mean, or the folded scores themselves (_exact)
                rarest = max(
                    bm25f.ceiling(self._most_holding(fields, e)) for e in alternative.exact
                )
                exact = max(exact, top, rarest)
            elif alternative.kind == WORD and not alternative.exact and ranking.variant_weight:
                spellings = accent_variants(alternative.folded[0])
                rarest = max(
                    (bm25f.ceiling(self._most_holding(fields, v)) for v in spellings), default=0.0
                )
                exact = max(exact, ranking.variant_weight * rarest)
        return folded + ranking.exact_weight * exact

    def _most_holding(self, fields: list[str], term: str) -> int:
        """The most documents any of ``fields`` holds ``term`` in: no more than hold it in
        any of them, so its BM25F ceiling is at least as high as the true one."""
        return max(self._reader.doc_frequency(field, term) for field in fields)

    def _neighbours(
        self, term: str, left: _Found | None, right: _Found | None, loose: bool
    ) -> Scores:
        """Two neighbouring groups side by side (their folded pair ``term``), in each document
        holding them, discounted where that may not be what the user meant:

        * in a query typed with accents, a document holding either word only as a look-alike
          ("viện do" for "viên độ"), or side by side in its title as look-alikes (titles as
          typed: ``exact_titles``), scores ``lookalike_pair_credit`` of it;
        * in a ``loose`` query (words remembered apart), side by side in a body only (by
          chance, often) scores ``loose_pair_weight`` of it.
        """
        ranking = self._ranking
        side_by_side = self._side_by_side(term)
        titled = self._reader.postings(ix.TITLE_PAIRS, term)
        factor: dict[int, float] = {}
        if left and right and left.exactly is not None and right.exactly is not None:
            as_typed = left.exactly & right.exactly
            titled_as_typed = left.titled & right.titled  # as typed, with exact_titles
            for d in side_by_side:
                if d not in as_typed or (d in titled and d not in titled_as_typed):
                    factor[d] = ranking.lookalike_pair_credit
        if loose:
            for d in side_by_side:
                if d not in titled:
                    factor[d] = factor.get(d, 1.0) * ranking.loose_pair_weight
        if not factor:
            return side_by_side
        return {d: s * factor.get(d, 1.0) for d, s in side_by_side.items()}

    def matching(self, plan: Plan) -> set[int]:
        """The documents a filter or date order lists: holding every group of a short query
        with its multi-syllable words side by side; any group of a long question."""
        self._bm25f = self._scorers[plan.long_question]
        groups = self._scored_groups(plan)
        sets = [set(self._find(plan.groups[i]).folded) for i in groups]
        if not sets:
            return set()
        if plan.long_question:
            docs = set().union(*sets)
        else:
            docs = set.intersection(*sets)
            for _, term in plan.neighbours:
                if self.is_word(term):
                    docs &= set(self._side_by_side(term))
        return docs - self._excluded(plan) - self._reader.deleted()

    def weighted(self, terms: Iterable[tuple[str, str, float]], hidden: set[int]) -> list[Scored]:
        """Documents ranked by a weighted sum of body BM25 scores of (field, term, weight)."""
        total: Scores = {}
        for field, term, weight in terms:
            for d, s in self._scorers[True].score(((field, 1.0),), term).items():
                total[d] = total.get(d, 0.0) + weight * s
        gone = hidden | self._reader.deleted()
        scored = [Scored(d, s) for d, s in total.items() if d not in gone]
        scored.sort(key=lambda s: (-s.score, s.docnum))
        return scored

    # --- groups ----------------------------------------------------------------------------

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

    def _find(self, group: GroupPlan, size: int | None = None) -> _Found:
        """What ``group`` scores; ``size``: how many documents hold it, when the scores are
        of some documents only (pruning)."""
        folded: Scores = {}
        exact: Scores = {}
        exactly: set[int] | None = set() if group.accented else None
        for alternative in group.alternatives:
            places = self._places[alternative.title_only]
            scores = self._folded(alternative, places)
            folded = best_of(folded, scores)
            if alternative.exact and exactly is not None:
                bonus, held = self._exact(alternative, places, scores)
                exact = best_of(exact, bonus)
                exactly |= held
            elif (
                alternative.kind == WORD and not alternative.exact and self._ranking.variant_weight
            ):
                exact = best_of(exact, self._variants(alternative.folded[0], places))
        titled = set().union(*(self._titled(a) for a in group.alternatives))
        size = len(folded) if size is None else size
        return _Found(folded, exact, exactly, self._bm25f.idf(size), titled, size)

    def _titled(self, alternative: Alternative) -> set[int]:
        """The documents holding an alternative in their title: in any spelling, or, with
        ``exact_titles``, its accented syllables as typed ("viện do" is no title for "viên
        độ")."""
        kind, terms = alternative.kind, alternative.folded
        if kind == WORD:
            docs = set(self._bm25f.postings(ix.TITLE_FOLDED, terms[0]))
        elif kind == PAIR:
            docs = set(self._reader.postings(ix.TITLE_PAIRS, terms[0]))
        elif kind == PHRASE:
            docs = self._phrase_docs(ix.TITLE_FOLDED, terms)
        else:
            return set()
        if alternative.exact and self._ranking.exact_titles:
            for spelling in alternative.exact:
                docs &= set(self._bm25f.postings(ix.TITLE_EXACT, spelling))
        return docs

    def _phrase_docs(self, field: str, syllables: tuple[str, ...]) -> set[int]:
        """The documents holding ``syllables`` in order in ``field`` (their positions),
        once per query: titles are asked twice."""
        key = (field, syllables)
        if key not in self._phrases:
            if field == ix.TITLE_FOLDED:  # short: every title holding all the syllables
                holding = [set(self._bm25f.postings(field, s)) for s in dict.fromkeys(syllables)]
            else:
                # bodies: those holding each two neighbours side by side within a sentence
                # (pair terms, no positions: 5x faster on the corpus; a phrase across a
                # sentence end or colon in a body, 2 of 1,072 matches of 44 phrases, is lost)
                pairs = [left + PAIR_JOINER + right for left, right in pairwise(syllables)]
                holding = [set(self._reader.postings(ix.BODY_PAIRS, p)) for p in pairs]
            among = set.intersection(*holding)
            self._phrases[key] = self._reader.phrase_docs(field, syllables, among)
        return self._phrases[key]

    def _dominant(self, exact: str, folded: str, share: float | None = None) -> bool:
        """Whether ``exact`` is (nearly) every occurrence of ``folded``: then its postings,
        as long as the folded ones, would add nothing but time."""
        limit = self._ranking.dominant_share if share is None else share
        reader = self._reader
        folded_df = reader.doc_frequency(ix.BODY_FOLDED, folded)
        return folded_df > 0 and reader.doc_frequency(ix.BODY_EXACT, exact) >= limit * folded_df

    def _variants(self, folded: str, places: tuple[_Place, ...]) -> Scores:
        """A word typed without accents, in each document the BM25F of the accented spelling
        it holds, with that spelling's own IDF (times ``variant_weight``): a document holding
        a rare word that folds to the query's ("kịch") says more than one holding a common
        one ("kích")."""
        ranking = self._ranking
        weight = ranking.variant_weight
        fields = [(p.exact, p.boost) for p in places]
        reader = self._reader
        best: Scores = {}
        variants = accent_variants(folded)
        in_bodies = reader.doc_frequencies(ix.BODY_EXACT, variants)
        in_titles = reader.doc_frequencies(ix.TITLE_EXACT, variants)
        usual = ranking.usual_share * reader.doc_frequency(ix.BODY_FOLDED, folded)
        for variant in variants:
            # the usual spelling scores about as the folded word does: only the others tell
            if variant == folded and not ranking.plain_variant:
                continue
            if (usual and in_bodies[variant] >= usual) or not (
                in_bodies[variant] or in_titles[variant]
            ):
                continue
            scores = self._bm25f.score(fields, variant)
            keep_best(best, scores, weight)
        return best

    def _folded(self, alternative: Alternative, places: tuple[_Place, ...]) -> Scores:
        kind, terms = alternative.kind, alternative.folded
        if kind in (PREFIX, FUZZY):
            return self._expansion(alternative, places)
        if kind == PHRASE:
            return self._phrase(terms, places)
        fields = [(p.pairs if kind == PAIR else p.folded, p.boost) for p in places]
        return self._bm25f.score(fields, terms[0])

    def _exact(
        self, alternative: Alternative, places: tuple[_Place, ...], where: Scores
    ) -> tuple[Scores, set[int]]:
        """The exact-accent BM25F of an alternative's accented syllables (their mean), in
        the documents where the alternative is found, and the documents holding them all."""
        fields = [(p.exact, p.boost) for p in places]
        if alternative.kind == WORD:  # an exact match is a folded match: no need to check
            (exact,) = alternative.exact
            if self._dominant(exact, alternative.folded[0]):
                return where, set(where)  # nearly every match is exact: the same scores
            only = self._bm25f.score(fields, exact)
            return only, set(only)
        per_syllable = [self._bm25f.score(fields, e) for e in alternative.exact]
        held = set(where).intersection(*per_syllable)
        share = 1.0 / len(per_syllable)
        bonus: Scores = {}
        for scores in per_syllable:
            for d, s in scores.items():
                if d in where:
                    bonus[d] = bonus.get(d, 0.0) + share * s
        return bonus, held

    def _phrase(self, syllables: tuple[str, ...], places: tuple[_Place, ...]) -> Scores:
        """Three or more syllables in order: Whoosh's phrase match (positions) finds the
        documents; the rarest of the phrase's pairs stands in for how often it occurs."""
        terms = [a + PAIR_JOINER + b for a, b in pairwise(syllables)]
        total: Scores = {}
        fields = []
        for place in places:
            docs = self._phrase_docs(place.folded, syllables)
            if docs:
                fields.append((place, docs))
        if not fields:
            return total
        tfs = []
        for place, docs in fields:
            counts = [self._reader.postings(place.pairs, t) for t in terms]
            tfs.append(
                ({d: min(c.get(d, 1.0) for c in counts) for d in docs}, place.boost, place.folded)
            )
        return self._bm25f.from_frequencies(tfs)

    def _expansion(self, alternative: Alternative, places: tuple[_Place, ...]) -> Scores:
        """A prefix or typo-tolerant word: each term it reaches scores its BM25F times how
        close it is to what was typed; a document counts its best term."""
        best: Scores = {}
        for term, closeness in self.expansions(alternative):
            scores = self._bm25f.score([(p.folded, p.boost) for p in places], term)
            keep_best(best, scores, closeness)
        return best

    def expansions(self, alternative: Alternative) -> list[tuple[str, float]]:
        """The folded terms a prefix or fuzzy word reaches, most frequent first (at most
        ``max_expansions``), each with its closeness to the stem (1.0 the stem itself).
        Found once per query: ranking and highlighting both ask."""
        if alternative not in self._expanded:
            terms, note = expand(self._reader, alternative, self._ranking)
            self._expanded[alternative] = terms
            if note and note not in self.notes:
                self.notes.append(note)
        return self._expanded[alternative]

    def _excluded(self, plan: Plan) -> set[int]:
        gone: set[int] = set()
        for alternative in plan.excluded:
            places = self._places[alternative.title_only]
            if alternative.kind == "word" and alternative.exact:
                for place in places:
                    gone.update(self._reader.postings(place.exact, alternative.exact[0]))
            else:
                gone.update(self._folded(alternative, places))
        return gone

    def is_word(self, folded_pair: str) -> bool:
        """Whether two neighbouring syllables ("bien_gioi") usually stand together: one word."""
        if folded_pair not in self._words:
            left, _, right = folded_pair.partition(PAIR_JOINER)
            reader = self._reader
            together = reader.doc_frequency(ix.BODY_PAIRS, folded_pair)
            alone = min(reader.doc_frequencies(ix.BODY_FOLDED, (left, right)).values())
            share = self._ranking.word_pair_share
            self._words[folded_pair] = together > 0 and together >= share * alone
        return self._words[folded_pair]

    # --- BM25F -----------------------------------------------------------------------------

    def _side_by_side(self, term: str) -> Scores:
        """BM25F of a folded pair term ("bien_gioi") in titles and bodies."""
        return self._bm25f.score([(p.pairs, p.boost) for p in self._places[False]], term)
