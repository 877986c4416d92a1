"""Query to hits: turn a parsed query into Whoosh queries, rank, and build snippets.

How a query ranks (knobs in :mod:`bgsearch.ranking`):

* each syllable matches its folded form; an accented syllable also scores its exact form, so
  exact-accent matches rank above folded-only ones, while an unaccented syllable matches every
  accented spelling equally;
* title matches weigh more than body matches (BM25F per field, summed);
* two query syllables side by side in a document score an adjacency bonus;
* short queries rank in tiers: documents with every word and the query's multi-syllable words
  ("công an": syllables that usually stand together) side by side, then those with every
  word, then partial matches; long questions are ranked partial matches
  throughout, without the words most documents contain.
"""

from __future__ import annotations

import math
import pickle
import re
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice, pairwise
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh import reading as whoosh_reading
from whoosh.scoring import BM25F

from bgsearch import index as ix
from bgsearch.copies import COPY_SIMILARITY, shingles, similarity
from bgsearch.errors import IndexDamagedError
from bgsearch.querylang import PREFIX, TITLE, WORD, Group, ParsedQuery, Unit, parse
from bgsearch.ranking import RANKING, Ranking
from bgsearch.snippets import Snippet, best_passage, highlight_all, matched_spans, spellings
from bgsearch.text import (
    PAIR_JOINER,
    Analysis,
    accent_variants,
    analyze,
    decode_typing,
    exact_form,
    fold,
    folded_form,
    pair,
    term_forms,
    tokenize,
)

__all__ = ["FACETS", "SORTS", "Article", "Filters", "Hit", "IndexStats", "Searcher"]

SORTS = ("relevance", "date", "-date")
CONTEXT_DOCS = 20  # articles read to learn how words side by side are spelled
EXPANSION_HIGHLIGHTS = 200  # terms of a prefix or fuzzy word looked for in snippets
FACETS = ("source", "year", "month")
# Terms of an article that find the articles like it, in bodies only (titles too doubled the
# time for no gain). `python bench/similar.py` on the corpus (80 dantri.com.vn articles): the
# share of similar articles from the article's own section, and ms per article: 15 terms
# 0.696, 212 ms; 20 terms 0.724, 322 ms; 30 terms 0.736, 633 ms.
SIMILAR_TERMS = 20
SIMILAR_SHOWN = 8  # of which a similar hit's ``query`` names the best
UNDATED, NO_SOURCE = "(no date)", "(no source)"


@dataclass(frozen=True, slots=True)
class Filters:
    """Which articles a search may return: published in ``[since, until]`` (ISO dates, both
    inclusive; undated articles are left out when either is given), from a source whose name
    contains ``source`` (accents and case aside)."""

    since: str | None = None
    until: str | None = None
    source: str | None = None


def source_key(name: str) -> str:
    """A source name compared as words, without accents, case or punctuation: "Báo  Cao
    Bằng" -> "bao cao bang", "dantri.com.vn" -> "dantri com vn"."""
    return " ".join(re.findall(r"\w+", fold(name).lower()))


_NOTHING = wq.NullQuery  # a filter nothing passes

# What Whoosh raises when its files are truncated or overwritten: reading past an end, bad
# compressed blocks or pickles, offsets out of range.
_DAMAGE = (
    EOFError,
    IndexError,
    KeyError,
    OSError,
    ValueError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    # whoosh3 names the case; Whoosh 2.7 has no such class
    *[c for c in [getattr(whoosh_reading, "CorruptIndexError", None)] if c is not None],
)


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked result: the JSON Lines contract, every field always present."""

    query: str
    rank: int
    id: str
    path: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    title_highlights: tuple[tuple[int, int], ...]
    suggestion: str | None = None  # "Did you mean": the query with its likely accents
    copies: tuple[str, ...] = ()  # ids of the syndicated copies folded into this hit


@dataclass(frozen=True, slots=True)
class Article:
    """One indexed article, whole: what ``bgsearch show`` prints."""

    id: str
    path: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    body: str
    highlights: tuple[tuple[int, int], ...] = ()  # in ``body``, for a query
    title_highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What an index holds: ``bgsearch stats``."""

    documents: int
    sources: list[tuple[str, int]]  # name and article count, most first
    first_date: str | None
    last_date: str | None
    undated: int
    size_bytes: int
    vocabulary: int  # distinct folded syllables


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a word can be found: the fields of one part of an article, and its weight."""

    exact: str
    folded: str
    pairs: str
    boost: float


def _places(ranking: Ranking) -> dict[str | None, list[_Place]]:
    title = _Place(ix.TITLE_EXACT, ix.TITLE_FOLDED, ix.TITLE_PAIRS, ranking.title_boost)
    body = _Place(ix.BODY_EXACT, ix.BODY_FOLDED, ix.BODY_PAIRS, 1.0)
    return {None: [title, body], TITLE: [title]}


class Searcher:
    """An open index, ready for any number of queries; close it (or use ``with``) when done."""

    def __init__(self, index_dir: Path, ranking: Ranking = RANKING) -> None:
        self._dir = index_dir
        self._index = ix.open_index(index_dir)
        self._ranking = ranking
        self._places = _places(ranking)
        self._searcher = self._index.searcher(weighting=BM25F(B=ranking.b, K1=ranking.k1))
        self._shingle_cache: dict[int, frozenset[int]] = {}

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    def search(
        self,
        text: str,
        limit: int = 10,
        *,
        snippets: bool = True,
        filters: Filters = Filters(),
        sort: str = "relevance",
        suggest: bool = True,
        collapse: bool = True,
    ) -> list[Hit]:
        """The best ``limit`` hits for ``text`` in the query language, best first.

        ``snippets=False`` leaves snippets and highlights empty, for callers that only rank;
        ``suggest=False`` leaves ``suggestion`` None.
        ``sort`` "date" or "-date" lists the dated articles holding every word (or, for long
        questions, any word), oldest or newest first.
        ``collapse`` folds the syndicated copies of an article into its best-placed hit
        (``Hit.copies``); False lists every copy as a hit of its own.
        """
        parsed = parse(text)
        if parsed.is_empty or limit < 1:
            return []
        with self._reading():
            allowed = self._filter(filters, dated=sort != "relevance")
            if allowed is _NOTHING:
                return []

            def fetch(n: int, hidden: set[int]) -> Iterator[Any]:
                if sort == "relevance":
                    return self._ranked(parsed, n, allowed, hidden)
                return self._by_date(parsed, n, allowed, sort == "-date", hidden)

            found = self._distinct(fetch, limit, allowed, collapse)
            hits = [
                replace(self._hit(text, rank, match, parsed, snippets), copies=copies)
                for rank, (match, copies) in enumerate(found, start=1)
            ]
            if hits and suggest and (suggestion := self.suggest(text)):
                hits = [replace(hit, suggestion=suggestion) for hit in hits]
            return hits

    def suggest(self, text: str) -> str | None:
        """ "Did you mean": ``text`` as the user most likely meant it, or None.

        Words typed in Telex or VNI without an input method are decoded ("tuaanf" -> "tuần").
        Otherwise a query typed without any accent is respelled as this index spells it:
        words side by side as the articles holding them together spell them most often, a
        lone word as its most frequent form. The query's syntax stays as typed.
        """
        tokens = tokenize(text)
        if not tokens:
            return None
        words = [t.text for t in tokens]
        decoded = decode_typing(words)
        if decoded is None:
            # A query typed with accents means its plain words are meant plain ("tuần tra
            # chung": chung has the level tone), and its accented words as typed, unless no
            # article spells them so ("tuần tră"): only those are respelled.
            wrong = [exact_form(w) != folded_form(w) and self._unseen(w) for w in words]
            if not any(wrong) and not all(exact_form(w) == folded_form(w) for w in words):
                return None
            context = self._in_context(words) if len(words) > 1 else None
            likely = context or [self._likely(w) for w in words]
            decoded = [
                m if w or not any(wrong) else t
                for t, m, w in zip(words, likely, wrong, strict=True)
            ]
        suggestion = text
        for token, word in reversed(list(zip(tokens, decoded, strict=True))):
            if word.lower() != token.text.lower():
                suggestion = suggestion[: token.start] + word + suggestion[token.end :]
        return suggestion if suggestion != text else None

    def _in_context(self, words: list[str]) -> list[str] | None:
        """How articles that hold these unaccented words side by side spell them most often.

        Reads a few articles found by the words' folded pairs: the most frequent spelling of
        a rare word alone is often another word (kich: kích, not kịch), while "tuan tra"
        side by side is "tuần tra" nearly everywhere.
        """
        folded = [folded_form(w) for w in words]
        pairs = [wq.Term(ix.BODY_PAIRS, pair(a, b)) for a, b in pairwise(folded)]
        counts: Counter[tuple[str, ...]] = Counter()
        for docnum in islice(self._searcher.docs_for_query(wq.And(pairs)), CONTEXT_DOCS):
            counts += spellings(self._searcher.stored_fields(docnum)[ix.BODY], folded)
        if not counts:
            return None
        return list(counts.most_common(1)[0][0])

    def _unseen(self, word: str) -> bool:
        """Whether no article spells ``word`` (accents and all) as typed."""
        exact = exact_form(word)
        return not any(self._searcher.doc_frequency(f, exact) for f in ix.EXACT_FIELDS)

    def _likely(self, word: str) -> str:
        """The spelling of an unaccented word most frequent in the index, or the word."""
        best, best_count = word, 0
        for variant in accent_variants(folded_form(word)):
            count = sum(self._searcher.doc_frequency(f, variant) for f in ix.EXACT_FIELDS)
            if count > best_count:
                best, best_count = variant, count
        return word if best == word.lower() else best

    def facets(
        self,
        text: str,
        facet: str,
        filters: Filters = Filters(),
    ) -> list[tuple[str, int]]:
        """How many articles holding every word of ``text`` fall in each ``facet`` bucket
        (source, year or month), most first; empty text counts every article."""
        parsed = parse(text)
        with self._reading():
            allowed = self._filter(filters, dated=False)
            if allowed is _NOTHING:
                return []
            if parsed.is_empty:
                docs: set[int] = set(range(self._searcher.doc_count_all()))
                docs -= set(self._deleted())
            else:
                docs = set(self._searcher.docs_for_query(self._matching(parsed)))
            if allowed is not None:
                docs &= set(self._searcher.docs_for_query(allowed))
            column = ix.SOURCE if facet == "source" else ix.DATE
            counts: dict[str, int] = {}
            for value in self._column_values(column, docs):
                if facet == "source":
                    bucket = value or NO_SOURCE
                else:
                    bucket = value[: 4 if facet == "year" else 7] if value else UNDATED
                counts[bucket] = counts.get(bucket, 0) + 1
        # most first, ties in alphabetical order (accents aside), the empty bucket last
        return sorted(
            counts.items(),
            key=lambda kv: (kv[0] in (UNDATED, NO_SOURCE), -kv[1], source_key(kv[0]), kv[0]),
        )

    def article(self, doc_id: str, highlight: str | None = None) -> Article | None:
        """The article with id ``doc_id``, its matches of ``highlight`` marked; None if absent."""
        with self._reading():
            stored = self._searcher.document(**{ix.ID: doc_id})
        if stored is None:
            return None
        body, title = stored[ix.BODY], stored[ix.TITLE]
        spans: tuple[tuple[int, int], ...] = ()
        title_spans: tuple[tuple[int, int], ...] = ()
        if highlight and not (parsed := parse(highlight)).is_empty:
            forms = [term_forms(s) for s in parsed.syllables]
            folded = {f for _, f in forms}
            exact = {e for e, f in forms if e != f}
            spans = matched_spans(body, folded, exact)
            title_spans = matched_spans(title, folded, exact)
        return Article(
            stored[ix.ID],
            stored[ix.PATH],
            title,
            stored.get(ix.DATE),
            stored.get(ix.SOURCE),
            stored.get(ix.URL),
            body,
            spans,
            title_spans,
        )

    def stats(self) -> IndexStats:
        """Counts over the whole index."""
        with self._reading():
            sources = self.facets("", "source")
            dates = sorted(d for d in self._searcher.reader().field_terms(ix.DATE))
            undated = dict(self.facets("", "year")).get(UNDATED, 0)
            reader = self._searcher.reader()
            vocabulary = len(
                set(reader.field_terms(ix.BODY_FOLDED)) | set(reader.field_terms(ix.TITLE_FOLDED))
            )
        size = sum(p.stat().st_size for p in self._dir.iterdir() if p.is_file())
        return IndexStats(
            documents=self._searcher.doc_count(),
            sources=[(name, n) for name, n in sources if name != NO_SOURCE],
            first_date=dates[0] if dates else None,
            last_date=dates[-1] if dates else None,
            undated=undated,
            size_bytes=size,
            vocabulary=vocabulary,
        )

    def _column_values(self, column: str, docs: set[int]) -> Iterator[str]:
        """The ``column`` value of each document in ``docs`` ("" where it has none).

        Segment by segment: Whoosh writes no column for a segment whose documents all lack
        the value (a segment of undated articles has no date column).
        """
        reader = self._searcher.reader()
        leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
        for leaf, offset in leaves:
            mine = [d - offset for d in docs if offset <= d < offset + leaf.doc_count_all()]
            if not mine:
                continue
            if not leaf.has_column(column):
                yield from ("" for _ in mine)
                continue
            values = leaf.column_reader(column)
            yield from (values[d] or "" for d in mine)

    def _deleted(self) -> Iterator[int]:
        reader = self._searcher.reader()
        return (n for n in range(reader.doc_count_all()) if reader.is_deleted(n))

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Whoosh's errors from damaged index files, as one clear IndexDamagedError."""
        try:
            yield
        except _DAMAGE as error:
            raise self._damaged(error) from error
        except Exception as error:
            # Whoosh 2.7 raises a bare Exception for a postings block it cannot read
            if not str(error).startswith("Block tag error"):
                raise
            raise self._damaged(error) from error

    def _damaged(self, error: Exception) -> IndexDamagedError:
        return IndexDamagedError(
            f"the index at {self._dir} is damaged ({type(error).__name__}: {error}); "
            "rebuild it with 'bgsearch index --rebuild DIR'"
        )

    # --- filters and date order ------------------------------------------------------------

    def _filter(self, filters: Filters, dated: bool) -> Any:
        """The query the allowed articles match; None for all; _NOTHING for none."""
        parts = []
        if filters.since or filters.until or dated:
            low, high = filters.since or "0000-00-00", filters.until or "9999-99-99"
            parts.append(wq.TermRange(ix.DATE, low, high))
        if filters.source is not None:
            wanted = f" {source_key(filters.source)} "
            names = [
                name
                for name in self._searcher.reader().field_terms(ix.SOURCE)
                if wanted in f" {source_key(name)} "
            ]
            if not names:
                return _NOTHING
            parts.append(wq.Or([wq.Term(ix.SOURCE, name) for name in names]))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def _matching(self, parsed: ParsedQuery) -> Any:
        """Articles holding every word of a short query, any word of a long one."""
        parts = [self._group(g, 1.0)[0] for g in parsed.groups]
        excluded = [q for unit in parsed.excluded for q in self._exclusion(unit)]
        if not parts:
            return wq.NullQuery
        if len(parts) > self._ranking.tiered_max_groups:
            query = wq.Or(parts)
        else:
            query = parts[0] if len(parts) == 1 else wq.And(parts)
        return wq.AndNot(query, wq.Or(excluded)) if excluded else query

    def _by_date(
        self,
        parsed: ParsedQuery,
        limit: int,
        allowed: Any,
        newest_first: bool,
        hidden: set[int] | None = None,
    ) -> Iterator[Any]:
        yield from self._searcher.search(
            self._matching(parsed),
            limit=limit,
            filter=allowed,
            mask=hidden or None,
            sortedby=ix.DATE,
            reverse=newest_first,
        )

    # --- syndicated copies -----------------------------------------------------------------

    def _distinct(
        self,
        fetch: Callable[[int, set[int]], Iterator[Any]],
        limit: int,
        allowed: Any,
        collapse: bool,
    ) -> list[tuple[Any, tuple[str, ...]]]:
        """The first ``limit`` matches ``fetch`` gives, each with the ids of its copies.

        ``fetch(n, hidden)`` yields the next ``n`` matches in order, leaving out ``hidden``
        documents. Collapsing, a match that is a copy of one kept before it is dropped, and
        fetching goes on past it; copies count only where ``allowed`` (the filters) admits
        them.
        """
        if not collapse:
            return [(match, ()) for match in fetch(limit, set())]
        kept: list[tuple[Any, tuple[str, ...]]] = []
        hidden: set[int] = set()
        admitted: set[int] | None = None  # the allowed documents, read once if needed
        while len(kept) < limit:
            fetched, wanted = 0, limit - len(kept)
            for match in fetch(wanted, set(hidden)):
                fetched += 1
                if match.docnum in hidden:
                    continue  # a copy of a match kept above it
                hidden.add(match.docnum)
                copies = self._copies(match.docnum, match.fields())
                if copies and allowed is not None:
                    if admitted is None:
                        admitted = set(self._searcher.docs_for_query(allowed))
                    copies = {d: i for d, i in copies.items() if d in admitted}
                hidden.update(copies)
                kept.append((match, tuple(sorted(copies.values()))))
                if len(kept) == limit:
                    break
            if fetched < wanted:
                break  # no more matches: another search would find none
        return kept

    def _copies(self, docnum: int, stored: dict[str, Any]) -> dict[int, str]:
        """The documents whose text is a copy of this one's, by number, with their ids.

        Band keys find the candidates (usually none); only then are the texts compared.
        """
        # a key only this article holds finds nothing: most articles have no copy, and a
        # term's count is far cheaper to read than its postings
        keys = [
            key
            for key in (stored.get(ix.COPIES) or "").split()
            if self._searcher.doc_frequency(ix.COPIES, key) > 1
        ]
        if not keys:
            return {}
        query = wq.Or([wq.Term(ix.COPIES, key) for key in keys])
        candidates = set(self._searcher.docs_for_query(query)) - {docnum}
        if not candidates:
            return {}
        mine = self._shingles(docnum, stored)
        found = {}
        for other in sorted(candidates):
            fields = self._searcher.stored_fields(other)
            if similarity(mine, self._shingles(other, fields)) >= COPY_SIMILARITY:
                found[other] = fields[ix.ID]
        return found

    def _shingles(self, docnum: int, stored: dict[str, Any]) -> frozenset[int]:
        if docnum not in self._shingle_cache:
            self._shingle_cache[docnum] = shingles(analyze(stored[ix.BODY]).folded)
        return self._shingle_cache[docnum]

    # --- similar articles ------------------------------------------------------------------

    def similar(
        self,
        doc_id: str,
        limit: int = 10,
        *,
        filters: Filters = Filters(),
        collapse: bool = True,
    ) -> list[Hit] | None:
        """The articles most like ``doc_id``, best first (not it, nor its copies); None if
        there is no such article.

        "More like this": the article's most telling folded syllables and word pairs (many
        times in it, in few other articles: tf-idf) become one weighted query, ranked by
        BM25F like any other. Each hit's ``query`` holds the words that made it similar.
        """
        with self._reading():
            docnum = self._searcher.document_number(**{ix.ID: doc_id})
            if docnum is None:
                return None
            stored = self._searcher.stored_fields(docnum)
            allowed = self._filter(filters, dated=False)
            title, body = analyze(stored[ix.TITLE]), analyze(stored[ix.BODY])
            terms = self._telling(title, body)
            if allowed is _NOTHING or not terms:
                return []
            # in bodies only: as telling as title and body both, at half the terms
            query = wq.Or(
                [
                    wq.Term(ix.BODY_PAIRS if is_pair else ix.BODY_FOLDED, term, boost=weight)
                    for term, is_pair, weight in terms
                ]
            )
            own = {docnum, *self._copies(docnum, stored)}

            def fetch(n: int, hidden: set[int]) -> Iterator[Any]:
                yield from self._searcher.search(query, limit=n, mask=hidden | own, filter=allowed)

            text = self._spelling(terms, (title, body))
            parsed = parse(" ".join(t for t, is_pair, _ in terms if not is_pair))
            return [
                replace(self._hit(text, rank, match, parsed, True), copies=copies)
                for rank, (match, copies) in enumerate(
                    self._distinct(fetch, limit, allowed, collapse), start=1
                )
            ]

    def _telling(self, title: Analysis, body: Analysis) -> list[tuple[str, bool, float]]:
        """An article's ``SIMILAR_TERMS`` most telling terms, with weights (1.0 the best):
        (term, whether it is a word pair, weight). Title terms count twice."""
        counts: Counter[tuple[str, bool]] = Counter()
        for analysis, times in ((title, 2), (body, 1)):
            for term in analysis.folded:
                counts[term, False] += times
            for term in analysis.pairs:
                counts[term, True] += times
        total = max(1, self._searcher.doc_count())
        weights = []
        for (term, is_pair), tf in counts.items():
            df = self._searcher.doc_frequency(ix.BODY_PAIRS if is_pair else ix.BODY_FOLDED, term)
            if df < 2 or not any(c.isalpha() for c in term):
                continue  # in this article alone (a typo, a name) or a number: finds nothing
            weights.append((math.log1p(tf) * math.log(total / df), term, is_pair))
        weights.sort(reverse=True)
        # word pairs only where they make a word ("biên giới", not "giới tỉnh")
        kept = islice(
            ((w, t, p) for w, t, p in weights if not p or self._is_word(t)), SIMILAR_TERMS
        )
        telling = list(kept)
        best = telling[0][0] if telling else 1.0
        return [(term, is_pair, w / best) for w, term, is_pair in telling]

    @staticmethod
    def _spelling(terms: list[tuple[str, bool, float]], analyses: tuple[Analysis, ...]) -> str:
        """The best terms as the article spells them most often: "biên giới", not "bien_gioi"."""
        spelled: Counter[tuple[str, str]] = Counter()
        for analysis in analyses:
            spelled.update(zip(analysis.folded, analysis.exact, strict=True))
        usual: dict[str, str] = {}
        for (folded, exact), _ in spelled.most_common():
            usual.setdefault(folded, exact)
        return ", ".join(
            " ".join(usual.get(s, s) for s in term.split(PAIR_JOINER))
            for term, _, _ in terms[:SIMILAR_SHOWN]
        )

    # --- ranking ---------------------------------------------------------------------------
    #
    # Every clause is a plain term where possible: a flat union of terms is far cheaper for
    # Whoosh than nested compound queries, and scores the same (an exact match always matches
    # its folded term too, so "folded OR exact" adds the exact bonus only where it applies).

    def _ranked(
        self,
        parsed: ParsedQuery,
        limit: int,
        allowed: Any = None,
        hidden: set[int] | None = None,
    ) -> Iterator[Any]:
        long_question = len(parsed.groups) > self._ranking.tiered_max_groups
        kept = self._informative(parsed.groups) if long_question else parsed.groups
        exact = self._ranking.exact_boost_long if long_question else self._ranking.exact_boost
        # Each group's folded terms are required; its exact-accent terms only add to the score
        # of documents that have the folded ones (an exact match is always a folded match), so
        # they stay out of the intersections, which is where the time goes.
        parts = [self._group(g, exact) for g in kept]
        required = [r for r, _ in parts]
        accents = [t for _, b in parts for t in b]
        adjacent = self._adjacency(parsed.groups)
        bonus = [terms for _, terms in adjacent]
        excluded = [q for unit in parsed.excluded for q in self._exclusion(unit)]

        def without(query: Any) -> Any:
            return wq.AndNot(query, wq.Or(excluded)) if excluded else query

        def scored(query: Any, extra: list[Any]) -> Any:
            return wq.AndMaybe(query, wq.Or(extra)) if extra else query

        tiers = []
        if 1 < len(required) <= self._ranking.tiered_max_groups:
            words = [
                (i, terms)
                for i, terms in adjacent
                if self._is_word(next(t.text for t in terms if t.fieldname == ix.BODY_PAIRS))
            ]
            if words:
                # A word's pair term implies both its syllables (in the same field): require
                # the pairs, much rarer than the syllables, and score the syllables on top.
                covered = {j for i, _ in words for j in (i, i + 1)}
                must = [wq.Or(terms) for _, terms in words]
                must += [r for j, r in enumerate(required) if j not in covered]
                extra = [r for j, r in enumerate(required) if j in covered]
                tiers.append(scored(wq.And(must), extra + accents))
            tiers.append(scored(wq.And(required), accents + [t for b in bonus for t in b]))
        tiers.append(wq.Or([*required, *accents, *(t for b in bonus for t in b)]))
        seen: set[int] = set(hidden or ())
        given = 0
        for tier in tiers:
            results = self._searcher.search(
                without(tier), limit=limit - given, mask=seen or None, filter=allowed
            )
            for found in results:
                seen.add(found.docnum)
                given += 1
                yield found
            if given >= limit:
                return

    def _is_word(self, folded_pair: str) -> bool:
        """Whether two neighbouring syllables ("bien_gioi") usually stand together: one word."""
        left, _, right = folded_pair.partition(PAIR_JOINER)
        together: int = self._searcher.doc_frequency(ix.BODY_PAIRS, folded_pair)
        alone: int = min(
            self._searcher.doc_frequency(ix.BODY_FOLDED, left),
            self._searcher.doc_frequency(ix.BODY_FOLDED, right),
        )
        return together > 0 and together >= self._ranking.word_pair_share * alone

    def _informative(self, groups: tuple[Group, ...]) -> tuple[Group, ...]:
        """A long question's groups without the words that most documents contain.

        Words such as "có", "không", "được" barely change BM25 scores but have the longest
        posting lists: scoring them is most of a long question's cost. Their pair bonuses stay.
        """
        total = max(1, self._searcher.doc_count())
        limit = self._ranking.common_word_share * total

        def common(group: Group) -> bool:
            return all(
                len(u.syllables) == 1
                and self._searcher.doc_frequency(ix.BODY_FOLDED, term_forms(u.syllables[0])[1])
                > limit
                for u in group.alternatives
            )

        kept = tuple(g for g in groups if not common(g))
        return kept or groups

    def _group(self, group: Group, exact_boost: float) -> tuple[Any, list[Any]]:
        """The query a group requires, and its exact-accent bonus terms."""
        required: list[Any] = []
        accents: list[Any] = []
        for unit in group.alternatives:
            needed, extra = self._unit(unit, exact_boost)
            required += needed
            accents += extra
        return (required[0] if len(required) == 1 else wq.Or(required)), accents

    def _unit(self, unit: Unit, x: float) -> tuple[list[Any], list[Any]]:
        """Clauses that match the unit, and exact-accent terms that score above folded ones."""
        forms = [term_forms(s) for s in unit.syllables]
        places = self._places[unit.field]
        if unit.kind != WORD:
            return self._expansion(unit, places), []
        if len(forms) == 1:
            ((exact, folded),) = forms
            clauses = [wq.Term(p.folded, folded, boost=p.boost) for p in places]
            accents = []
            if exact != folded:
                accents = [wq.Term(p.exact, exact, boost=p.boost * x) for p in places]
            return clauses, accents
        # a phrase's accents count only where the phrase is found
        phrase = wq.Or(self._phrase(forms, places))
        return [wq.AndMaybe(phrase, wq.Or(self._exact(forms, places, x)))], []

    def _expansion(self, unit: Unit, places: list[_Place]) -> list[Any]:
        """A prefix or typo-tolerant word: every folded term it reaches, accents aside."""
        folded = folded_form(unit.syllables[0])
        if unit.kind == PREFIX:
            return [wq.Prefix(p.folded, folded, boost=p.boost) for p in places]
        return [
            wq.FuzzyTerm(p.folded, folded, boost=p.boost, maxdist=unit.distance, prefixlength=1)
            for p in places
        ]

    def _phrase(self, forms: list[tuple[str, str]], places: list[_Place]) -> list[Any]:
        folded = [f for _, f in forms]
        if len(forms) == 2:
            return [wq.Term(p.pairs, pair(*folded), boost=p.boost) for p in places]
        return [wq.Phrase(p.folded, folded, boost=p.boost) for p in places]

    def _exact(self, forms: list[tuple[str, str]], places: list[_Place], x: float) -> list[Any]:
        """Exact-accent bonus for a phrase: its accented syllables."""
        accented = [e for e, f in forms if e != f]
        return [wq.Term(p.exact, e, boost=p.boost * x) for p in places for e in accented]

    def _exclusion(self, unit: Unit) -> list[Any]:
        """An excluded word or phrase: exact if typed with accents, else every spelling."""
        forms = [term_forms(s) for s in unit.syllables]
        places = self._places[unit.field]
        if unit.kind != WORD:
            return self._expansion(unit, places)
        if len(forms) > 1:
            return self._phrase(forms, places)
        ((exact, folded),) = forms
        if exact != folded:
            return [wq.Term(p.exact, exact) for p in places]
        return [wq.Term(p.folded, folded) for p in places]

    def _adjacency(self, groups: tuple[Group, ...]) -> list[tuple[int, list[Any]]]:
        """For each two neighbouring single-word groups, the terms that find them side by side."""
        words = [
            term_forms(g.alternatives[0].syllables[0])
            if len(g.alternatives) == 1
            and len(g.alternatives[0].syllables) == 1
            and g.alternatives[0].field is None
            and g.alternatives[0].kind == WORD
            else None
            for g in groups
        ]
        bonus: list[tuple[int, list[Any]]] = []
        weight = self._ranking.adjacency_boost
        for i, (left, right) in enumerate(pairwise(words)):
            if left and right:
                term = pair(left[1], right[1])
                terms = [wq.Term(p.pairs, term, boost=p.boost * weight) for p in self._places[None]]
                bonus.append((i, terms))
        return bonus

    # --- hits ------------------------------------------------------------------------------

    def _highlighted(self, parsed: ParsedQuery) -> set[str]:
        """The folded terms that prefix and typo-tolerant words reached (at most 200 each)."""
        reader = self._searcher.reader()
        terms: set[str] = set()
        for group in parsed.groups:
            for unit in group.alternatives:
                if unit.kind != WORD:
                    for clause in self._expansion(unit, self._places[None][1:]):
                        terms.update(islice(clause._btexts(reader), EXPANSION_HIGHLIGHTS))
        return {t.decode("utf-8") if isinstance(t, bytes) else t for t in terms}

    def _hit(self, text: str, rank: int, found: Any, parsed: ParsedQuery, snippets: bool) -> Hit:
        stored = found.fields()
        plain = [
            s for g in parsed.groups for u in g.alternatives if u.kind == WORD for s in u.syllables
        ]
        forms = [term_forms(s) for s in plain]
        folded = {f for _, f in forms} | self._highlighted(parsed)
        exact = {e for e, f in forms if e != f}
        snippet = best_passage(stored[ix.BODY], folded, exact) if snippets else Snippet("", ())
        title = highlight_all(stored[ix.TITLE], folded, exact)
        return Hit(
            query=text,
            rank=rank,
            id=stored[ix.ID],
            path=stored[ix.PATH],
            title=title.text,
            date=stored.get(ix.DATE),
            source=stored.get(ix.SOURCE),
            url=stored.get(ix.URL),
            # sorted by date, Whoosh puts the sort key where the score goes: no score then
            score=round(float(found.score), 4) if isinstance(found.score, (int, float)) else 0.0,
            snippet=snippet.text,
            highlights=snippet.highlights,
            title_highlights=title.highlights,
        )
