"""What each group of a query finds in each document: the BM25F of its folded forms, of its
exact forms (or, typed without accents, of the accented spelling a document holds), of
neighbouring words side by side; the documents holding it in their titles; and, for pruning,
which documents hold it and how high it can score. :mod:`bgsearch.retrieval` adds these up
into one score per document (:mod:`bgsearch.ranking`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from bgsearch import store as ix
from bgsearch.bm25 import BM25F, Scores, best_of, keep_best
from bgsearch.expansion import expand
from bgsearch.plan import PAIR, PHRASE, Alternative, GroupPlan, Plan
from bgsearch.postings import Postings
from bgsearch.querylang import FUZZY, PREFIX, WORD
from bgsearch.ranking import Ranking
from bgsearch.text import PAIR_JOINER, accent_variants

__all__ = ["Evidence", "Found"]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a group is looked for: a title or a body, its fields and its boost."""

    folded: str
    exact: str
    pairs: str
    boost: float


@dataclass(slots=True)
class Found:
    """What one group scores in each document."""

    folded: Scores  # BM25F of the folded forms (documents holding the group in any spelling)
    exact: Scores  # BM25F of the exact forms of its accented syllables
    exactly: set[int] | None  # documents holding every accented syllable as typed; None: none
    idf: float
    titled: set[int]  # documents holding the group in their title
    size: int  # how many documents hold the group (``folded`` may hold some of them only)


# A spelling held by at most this many documents has its highest score read (a few posting
# blocks), not bounded by the formula: see Evidence._highest.
HIGHEST_READ = 2_000


class Evidence:
    """What groups find, on one open index; :meth:`start` before each query."""

    def __init__(self, reader: Postings, ranking: Ranking) -> None:
        self._reader = reader
        self._ranking = ranking
        title = Place(ix.TITLE_FOLDED, ix.TITLE_EXACT, ix.TITLE_PAIRS, ranking.title_boost)
        body = Place(ix.BODY_FOLDED, ix.BODY_EXACT, ix.BODY_PAIRS, 1.0)
        self._places = {False: (title, body), True: (title,)}
        # short queries and long questions saturate differently (see Ranking.k1_long)
        long = replace(ranking, k1=ranking.k1_long, b=ranking.b_long)
        self._scorers = {False: BM25F(reader, ranking), True: BM25F(reader, long)}
        self.bm25f = self._scorers[False]
        self._words: dict[str, bool] = {}
        self._notes: list[str] = []
        self._phrases: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        self._reached: dict[tuple[Alternative, bool], list[tuple[str, float]]] = {}
        self._holders: dict[Alternative, set[int]] = {}

    def start(self, long_question: bool, notes: list[str]) -> None:
        """A new query: its BM25 saturation, and where to note what bounds left out."""
        self.bm25f = self._scorers[long_question]
        self._notes = notes
        self._phrases = {}
        self._reached = {}
        self._holders = {}

    def long_scorer(self) -> BM25F:
        """The BM25F of long questions (similar articles weigh their terms with it)."""
        return self._scorers[True]

    def pair_holding(self, term: str) -> set[int]:
        """The documents holding a folded pair term side by side, in a title or a body."""
        return set().union(
            *(self._reader.postings(p.pairs, term).keys() for p in self._places[False])
        )

    def neighbours(self, term: str, left: Found | None, right: Found | None, loose: bool) -> Scores:
        """Two neighbouring groups side by side (their folded pair ``term``), in each document
        holding them, discounted where that may not be what the user meant:

        * in a query typed with accents, a document holding either word only as a look-alike
          ("viện do" for "viên độ"), or side by side in its title as look-alikes (titles as
          typed: ``exact_titles``), scores ``lookalike_pair_credit`` of it;
        * in a ``loose`` query (words remembered apart), side by side in a body only (by
          chance, often) scores ``loose_pair_weight`` of it.
        """
        ranking = self._ranking
        side_by_side = self.side_by_side(term)
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

    def find(self, group: GroupPlan, size: int | None = None) -> Found:
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
                if alternative.kind in (PREFIX, FUZZY):  # the exact terms the stem reaches
                    bonus = self._expanded(self._terms(alternative, places, exact=True))
                    held = set(bonus)
                else:
                    bonus, held = self._exact(alternative, places, scores)
                exact = best_of(exact, bonus)
                exactly |= held
            elif (
                alternative.kind == WORD and not alternative.exact and self._ranking.variant_weight
            ):
                exact = best_of(exact, self._variants(alternative.folded[0], places))
        titled = self.group_titled(group)
        size = len(folded) if size is None else size
        return Found(folded, exact, exactly, self.bm25f.idf(size), titled, size)

    def group_titled(self, group: GroupPlan) -> set[int]:
        """The documents holding ``group`` (any of its alternatives) in their title."""
        return set().union(*map(self._titled, group.alternatives))

    def _titled(self, alternative: Alternative) -> set[int]:
        """The documents holding an alternative in their title: in any spelling, or, with
        ``exact_titles``, its accented syllables as typed ("viện do" is no title for "viên
        độ")."""
        kind, terms = alternative.kind, alternative.folded
        if kind == WORD:
            docs = set(self.bm25f.postings(ix.TITLE_FOLDED, terms[0]))
        elif kind == PAIR:
            docs = set(self._reader.postings(ix.TITLE_PAIRS, terms[0]))
        elif kind == PHRASE:
            docs = self._phrase_docs(ix.TITLE_FOLDED, terms)
        else:
            return set()
        if alternative.exact and self._ranking.exact_titles:
            for spelling in alternative.exact:
                docs &= set(self.bm25f.postings(ix.TITLE_EXACT, spelling))
        return docs

    def _phrase_docs(self, field: str, syllables: tuple[str, ...]) -> set[int]:
        """The documents holding ``syllables`` in order in ``field`` (their positions),
        once per query: titles are asked twice."""
        key = (field, syllables)
        if key not in self._phrases:
            if field == ix.TITLE_FOLDED:  # short: every title holding all the syllables
                holding = [set(self.bm25f.postings(field, s)) for s in dict.fromkeys(syllables)]
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

    def _variants(self, folded: str, places: tuple[Place, ...]) -> Scores:
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
            scores = self.bm25f.score(fields, variant)
            keep_best(best, scores, weight)
        return best

    def _folded(self, alternative: Alternative, places: tuple[Place, ...]) -> Scores:
        """The BM25F of an alternative's folded forms: a phrase's, a word's or pair's; for a
        prefix or typo-tolerant word, each term it reaches times how close it is to what was
        typed, a document counting its best term."""
        if alternative.kind == PHRASE:
            return self._phrase(alternative.folded, places)
        terms = self._terms(alternative, places)
        if alternative.kind not in (PREFIX, FUZZY):
            ((fields, term, _),) = terms
            return self.bm25f.score(fields, term)
        return self._expanded(terms)

    def _expanded(self, terms: list[tuple[list[tuple[str, float]], str, float]]) -> Scores:
        """The terms a prefix or typo-tolerant word reaches, each scored with one IDF
        (:meth:`_blended`) times its closeness, a document counting its best."""
        blended = self._blended(terms)
        best: Scores = {}
        for fields, term, closeness in terms:
            keep_best(best, self.bm25f.score(fields, term, blended), closeness)
        return best

    def _expanded_ceiling(self, terms: list[tuple[list[tuple[str, float]], str, float]]) -> float:
        """A score no document reaches in :meth:`_expanded`: every term scores with one IDF,
        times its closeness."""
        most = max((closeness for _, _, closeness in terms), default=0.0)
        return most * self.bm25f.ceiling(self._blended(terms))

    def _blended(self, terms: list[tuple[list[tuple[str, float]], str, float]]) -> int:
        """The document frequency every term a prefix or typo-tolerant word reaches scores
        with: the first's, the word as typed when the index holds it (else the closest,
        commonest). A look-alike is no better a match for being rare ("vng" for "vang~1"),
        nor a common one worse ("và" for "vàng~2": its closeness says so)."""
        if not terms:
            return 0
        fields, term, _ = terms[0]
        return self._most_holding([f for f, _ in fields], term)

    def _terms(
        self, alternative: Alternative, places: tuple[Place, ...], exact: bool = False
    ) -> list[tuple[list[tuple[str, float]], str, float]]:
        """(fields with boosts, folded term, closeness) of each term that finds a word, a
        pair, or a prefix or typo-tolerant word (the terms it reaches; ``exact``: the exact
        terms its accented stem reaches)."""
        if alternative.kind in (PREFIX, FUZZY):
            fields = [(p.exact if exact else p.folded, p.boost) for p in places]
            reached = self.expansions(alternative, exact)
            return [(fields, term, closeness) for term, closeness in reached]
        fields = [(p.pairs if alternative.kind == PAIR else p.folded, p.boost) for p in places]
        return [(fields, alternative.folded[0], 1.0)]

    def _exact(
        self, alternative: Alternative, places: tuple[Place, ...], where: Scores
    ) -> tuple[Scores, set[int]]:
        """The exact-accent BM25F of an alternative's accented syllables (their mean), in
        the documents where the alternative is found, and the documents holding them all."""
        fields = [(p.exact, p.boost) for p in places]
        if alternative.kind == WORD:  # an exact match is a folded match: no need to check
            (exact,) = alternative.exact
            if self._dominant(exact, alternative.folded[0]):
                return where, set(where)  # nearly every match is exact: the same scores
            only = self.bm25f.score(fields, exact)
            return only, set(only)
        per_syllable = [self.bm25f.score(fields, e) for e in alternative.exact]
        held = set(where).intersection(*per_syllable)
        share = 1.0 / len(per_syllable)
        bonus: Scores = {}
        for scores in per_syllable:
            for d, s in scores.items():
                if d in where:
                    bonus[d] = bonus.get(d, 0.0) + share * s
        return bonus, held

    def _phrase(self, syllables: tuple[str, ...], places: tuple[Place, ...]) -> Scores:
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
        return self.bm25f.from_frequencies(tfs)

    def expansions(self, alternative: Alternative, exact: bool = False) -> list[tuple[str, float]]:
        """The folded terms a prefix or fuzzy word reaches (``exact``: the exact terms its
        accented stem reaches), closest first (see :func:`expand`), each with its closeness
        to the stem (1.0 the stem itself). Found once per query: ranking and highlighting
        both ask."""
        key = (alternative, exact)
        if key not in self._reached:
            terms, note = expand(self._reader, alternative, self._ranking, exact)
            self._reached[key] = terms
            if note and not exact and note not in self._notes:
                self._notes.append(note)
        return self._reached[key]

    def excluded(self, plan: Plan) -> set[int]:
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

    def side_by_side(self, term: str) -> Scores:
        """BM25F of a folded pair term ("bien_gioi") in titles and bodies."""
        return self.bm25f.score([(p.pairs, p.boost) for p in self._places[False]], term)

    def holding(self, alternative: Alternative) -> set[int]:
        """The documents :meth:`_folded` scores for ``alternative``, unscored (once a query)."""
        if alternative not in self._holders:
            self._holders[alternative] = self._holders_of(alternative)
        return self._holders[alternative]

    def _holders_of(self, alternative: Alternative) -> set[int]:
        places = self._places[alternative.title_only]
        if alternative.kind == PHRASE:
            return set().union(*(self._phrase_docs(p.folded, alternative.folded) for p in places))
        return set().union(
            *(
                self.bm25f.postings(field, term).keys()
                for fields, term, _ in self._terms(alternative, places)
                for field, _ in fields
            )
        )

    def ceiling(self, group: GroupPlan) -> float:
        """A score no document reaches in ``group``'s folded + ``exact_weight`` * exact
        (what :meth:`Retrieval._scored` adds up for it), from how many documents hold each term
        (:meth:`BM25F.ceiling`): each alternative mirrors :meth:`find`."""
        ranking = self._ranking
        bm25f = self.bm25f
        folded = exact = 0.0
        for alternative in group.alternatives:
            places = self._places[alternative.title_only]
            if alternative.kind == PHRASE:
                top = bm25f.ceiling(len(self.holding(alternative)))
            elif alternative.kind in (PREFIX, FUZZY):
                top = self._expanded_ceiling(self._terms(alternative, places))
            else:
                ((fields, term, _),) = self._terms(alternative, places)
                top = bm25f.ceiling(self._most_holding([f for f, _ in fields], term))
            folded = max(folded, top)
            exact_fields = [p.exact for p in places]
            if alternative.exact and group.accented and alternative.kind in (PREFIX, FUZZY):
                terms = self._terms(alternative, places, exact=True)
                exact = max(exact, self._expanded_ceiling(terms))
            elif alternative.exact and group.accented:
                # the exact syllables' mean, or the folded scores themselves (_exact)
                rarest = max(
                    bm25f.ceiling(self._most_holding(exact_fields, e)) for e in alternative.exact
                )
                exact = max(exact, top, rarest)
            elif alternative.kind == WORD and not alternative.exact and ranking.variant_weight:
                spellings = accent_variants(alternative.folded[0])
                rarest = max(
                    (self._highest([(p.exact, p.boost) for p in places], v) for v in spellings),
                    default=0.0,
                )
                exact = max(exact, ranking.variant_weight * rarest)
        return folded + ranking.exact_weight * exact

    def _highest(self, fields: list[tuple[str, float]], term: str) -> float:
        """A score no document reaches for ``term`` in ``fields``: its highest BM25F, read,
        for a term few documents hold (a rare spelling, whose IDF makes the formula's
        ceiling the highest of a query's: "cõng" for "cong"); else :meth:`BM25F.ceiling`."""
        most = self._most_holding([f for f, _ in fields], term)
        if most > HIGHEST_READ:
            return self.bm25f.ceiling(most)
        among, self.bm25f.among = self.bm25f.among, None
        try:
            return max(self.bm25f.score(fields, term).values(), default=0.0)
        finally:
            self.bm25f.among = among

    def _most_holding(self, fields: list[str], term: str) -> int:
        """The most documents any of ``fields`` holds ``term`` in: no more than hold it in
        any of them, so its BM25F ceiling is at least as high as the true one."""
        return max(self._reader.doc_frequency(field, term) for field in fields)
