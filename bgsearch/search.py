"""An open index and what it answers: hits for a query, an article, similar articles, facets.

The searcher is a thin reader. The jobs are modules of their own: :mod:`bgsearch.querylang`
parses the query once, :mod:`bgsearch.plan` turns it into what to look up,
:mod:`bgsearch.retrieval` scores every matching document by the model in
:mod:`bgsearch.ranking`, :mod:`bgsearch.suggest` proposes spellings, :mod:`bgsearch.similar`
picks an article's telling terms and :mod:`bgsearch.facets` counts. Here: filters, collapsing
syndicated copies, and hits with their snippets.
"""

from __future__ import annotations

import difflib
import math
import pickle
import struct
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh import reading as whoosh_reading

from bgsearch import store as ix
from bgsearch.collapse import Copies
from bgsearch.errors import IndexDamagedError, rebuild_hint
from bgsearch.facets import FACETS, NO_SOURCE, UNDATED, bucket_counts, column_values, source_key
from bgsearch.hits import Article, Filters, Hit, IndexStats
from bgsearch.plan import Plan, make_plan
from bgsearch.postings import IndexReader, term_text
from bgsearch.querylang import WORD, ParsedQuery, parse
from bgsearch.ranking import RANKING, Ranking
from bgsearch.rescore import Memory, remembered, rescored
from bgsearch.retrieval import Retrieval, Scored
from bgsearch.similar import spelled, telling_terms
from bgsearch.snippets import Snippet, best_passage, highlight_all, matched_spans
from bgsearch.suggest import Index as SuggestIndex
from bgsearch.suggest import decoded_typing, suggest
from bgsearch.text import analyze, term_forms

__all__ = ["FACETS", "SORTS", "Article", "Filters", "Hit", "IndexStats", "Searcher"]


SORTS = ("relevance", "date", "-date")
EXPANSION_HIGHLIGHTS = 200  # terms of a prefix or fuzzy word looked for in snippets


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


_ALL = None  # no filter: every article is allowed


class Searcher:
    """An open index, ready for any number of queries; close it (or use ``with``) when done."""

    def __init__(self, index_dir: Path, ranking: Ranking = RANKING) -> None:
        self._dir = index_dir
        self._index = ix.open_index(index_dir)
        self._ranking = ranking
        with self._reading():  # opening reads the term files, which may be damaged
            self._searcher: Any = self._index.searcher()
        try:
            with self._reading():
                self._retrieval = Retrieval(IndexReader(self._searcher), ranking)
        except BaseException:
            self._searcher.close()  # else its open files outlive the error
            raise
        self._read: dict[int, dict[str, Any]] = {}
        self._copies = Copies(self._retrieval.reader, self._stored)

    def _stored(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields, read once a search (copies and hits ask for the same
        ones: a tenth of a millisecond each, unpickled and decompressed). Not to be changed."""
        fields = self._read.get(docnum)
        if fields is None:
            fields = self._read[docnum] = self._searcher.stored_fields(docnum)
        return fields

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

        Scores never increase down the list, and the first N hits are the same whatever
        ``limit``. ``snippets=False`` leaves snippets and highlights empty, for callers that
        only rank; ``suggest=False`` leaves ``suggestion`` None. ``sort`` "date" or "-date"
        lists the dated articles holding every word (with its multi-syllable words side by
        side; for long questions, any word), oldest or newest first, scored 0.
        ``collapse`` folds the syndicated copies of an article into its best-placed hit
        (``Hit.copies``); False lists every copy as a hit of its own.
        """
        parsed = parse(text)
        if parsed.is_empty or limit < 1:
            return []
        self._read = {}
        plan = self._plan(parsed)
        with self._reading():
            allowed = self._allowed(filters, dated=sort != "relevance")
            if allowed is not _ALL and not allowed:
                return []
            if sort == "relevance":
                ranked: Iterable[Scored] = self._ranked(plan, allowed, limit)
            else:
                ranked = self._by_date(plan, allowed, newest_first=sort == "-date")
            found = self._copies.distinct(ranked, limit, allowed, collapse)
            marks = self._marks(parsed, plan)
            hits = [
                self._hit(text, rank, match, marks, plan, snippets=snippets, copies=copies)
                for rank, (match, copies) in enumerate(found, start=1)
            ]
            if hits and suggest and (suggestion := self.suggest(text)):
                hits = [replace(hit, suggestion=suggestion) for hit in hits]
            return hits

    def _ranked(self, plan: Plan, allowed: set[int] | None, limit: int) -> Iterable[Scored]:
        """Every match by relevance; a short query of plain words through the second phase
        (:mod:`bgsearch.rescore`), which needs its first ``memory_window`` in order: only
        then does ranking prepare more than ``limit``."""
        ranking = self._ranking
        retrieval = self._retrieval
        query = remembered(plan, retrieval.is_word)
        if query is None or not ranking.memory_weight:
            return retrieval.rank(plan, allowed, first=limit)
        ranked = retrieval.rank(plan, allowed, first=max(limit, ranking.memory_window))
        reader = retrieval.reader
        documents = reader.doc_count

        def idf(field: str, term: str) -> float:
            # deleted articles count in a frequency until merged: never above the count
            held = max(1, reader.doc_frequency(field, term))
            return math.log(max(documents, held) / held)

        def likelihood(docnum: int) -> float:
            stored = self._stored(docnum)
            memory = Memory(stored[ix.TITLE], stored[ix.BODY], query, ranking.memory_title)
            return memory.log_likelihood(
                query,
                partial(idf, ix.BODY_EXACT),
                partial(idf, ix.BODY_PAIRS),
                ranking.memory_eps,
            )

        return rescored(ranked, ranking.memory_window, likelihood, ranking.memory_weight)

    @property
    def documents(self) -> int:
        """How many articles the index holds."""
        return int(self._searcher.doc_count())

    @property
    def notes(self) -> list[str]:
        """What the last search left out to stay within its bounds (shown on stderr)."""
        return list(self._retrieval.notes)

    def decoded(self, text: str) -> str | None:
        """``text`` typed in Telex or VNI without an input method, decoded ("gias vangf" ->
        "giá vàng"), when every word decodes to a Vietnamese syllable; else None."""
        return decoded_typing(text)

    def suggest(self, text: str) -> str | None:
        """ "Did you mean": ``text`` as the user most likely meant it, or None."""
        with self._reading():
            return suggest(SuggestIndex(self._retrieval.reader, self._stored), text)

    def facets(self, text: str, facet: str, filters: Filters = Filters()) -> list[tuple[str, int]]:
        """How many articles a date-ordered search for ``text`` lists fall in each ``facet``
        bucket (source, year or month), most first; empty text counts every article."""
        parsed = parse(text)
        with self._reading():
            allowed = self._allowed(filters, dated=False)
            if parsed.is_empty:
                docs = set(range(self._retrieval.reader.doc_count_all))
                docs -= self._retrieval.reader.deleted()
            else:
                docs = self._retrieval.matching(
                    make_plan(parsed, self._ranking.long_from, self._ranking.plain_is_exact)
                )
            if allowed is not _ALL:
                docs &= allowed
            column = ix.SOURCE if facet == "source" else ix.DATE
            return bucket_counts(self._column(column, docs), facet)

    def resolve(self, ref: str) -> str | list[str]:
        """The id an article was referred to by: its id, the path a hit showed (absolute or
        relative to here), or its id without the extension when only one article has it;
        else the closest ids (at most 3, perhaps none)."""
        with self._reading():
            if self._searcher.document_number(**{ix.ID: ref}) is not None:
                return ref
            ids = self._ids()
        path = Path(ref).expanduser()
        whole = str(path.resolve()) if path.exists() else None
        found = [
            i
            for i in ids
            if (whole is not None and whole.endswith(f"/{i}"))
            or Path(i).with_suffix("").as_posix() == ref
        ]
        if len(found) == 1:
            return found[0]
        if found:
            return sorted(found)[:3]
        stems = {Path(i).with_suffix("").as_posix(): i for i in ids}  # ".txt" is no likeness
        typed = Path(ref).with_suffix("").as_posix()
        return [stems[s] for s in difflib.get_close_matches(typed, stems, n=3, cutoff=0.6)]

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
            reader = self._searcher.reader()
            dates = sorted(d for d in reader.field_terms(ix.DATE))
            undated = dict(self.facets("", "year")).get(UNDATED, 0)
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

    def similar(
        self,
        doc_id: str,
        limit: int = 10,
        *,
        filters: Filters = Filters(),
        collapse: bool = True,
    ) -> list[Hit] | None:
        """The articles most like ``doc_id``, best first (not it, nor its copies); None if
        there is no such article. Each hit's ``query`` holds the words that made it similar."""
        with self._reading():
            docnum = self._searcher.document_number(**{ix.ID: doc_id})
            if docnum is None:
                return None
            stored = self._searcher.stored_fields(docnum)
            allowed = self._allowed(filters, dated=False)
            title, body = analyze(stored[ix.TITLE]), analyze(stored[ix.BODY])
            terms = telling_terms(self._retrieval.reader, title, body, self._retrieval.is_word)
            if (allowed is not _ALL and not allowed) or not terms:
                return []
            own = {docnum, *self._copies.of(docnum, stored)}
            if allowed is not _ALL:
                own |= set(range(self._retrieval.reader.doc_count_all)) - allowed
            ranked = self._retrieval.weighted(
                ((ix.BODY_PAIRS if is_pair else ix.BODY_FOLDED, t, w) for t, is_pair, w in terms),
                hidden=own,
            )
            text = spelled(terms, (title, body))
            words = parse(" ".join(t for t, is_pair, _ in terms if not is_pair))
            plan = make_plan(words, 99)
            marks = self._marks(words, plan)
            return [
                self._hit(text, rank, match, marks, plan, snippets=True, copies=copies)
                for rank, (match, copies) in enumerate(
                    self._copies.distinct(ranked, limit, allowed, collapse), start=1
                )
            ]

    def _plan(self, parsed: ParsedQuery) -> Plan:
        ranking = self._ranking
        return make_plan(parsed, ranking.long_from, ranking.plain_is_exact)

    # --- errors ----------------------------------------------------------------------------

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
            + rebuild_hint(self._dir)
        )

    # --- filters and date order ------------------------------------------------------------

    def sources_like(self, name: str) -> list[str]:
        """The sources whose name holds the words of ``name`` (accents and case aside)."""
        wanted = f" {source_key(name)} "
        with self._reading():
            terms = self._searcher.reader().field_terms(ix.SOURCE)
            return [s for s in map(term_text, terms) if wanted in f" {source_key(s)} "]

    def _allowed(self, filters: Filters, dated: bool) -> set[int] | None:
        """The documents the filters allow; None for all."""
        parts = []
        if filters.since or filters.until or dated:
            low, high = filters.since or "0000-00-00", filters.until or "9999-99-99"
            parts.append(wq.TermRange(ix.DATE, low, high))
        if filters.source is not None:
            names = self.sources_like(filters.source)
            if not names:
                return set()
            parts.append(wq.Or([wq.Term(ix.SOURCE, name) for name in names]))
        if not parts:
            return _ALL
        query = parts[0] if len(parts) == 1 else wq.And(parts)
        return set(self._searcher.docs_for_query(query))

    def _by_date(self, plan: Plan, allowed: set[int] | None, newest_first: bool) -> list[Scored]:
        docs = self._retrieval.matching(plan)
        if allowed is not _ALL:
            docs &= allowed
        dated = sorted(docs)
        dates = list(self._column(ix.DATE, dated))
        order = sorted(zip(dates, dated, strict=True), key=lambda x: x[1])
        order.sort(key=lambda x: x[0], reverse=newest_first)
        return [Scored(d, 0.0) for _, d in order]

    def _ids(self) -> list[str]:
        """Every article's id."""
        return [term_text(t) for t in self._searcher.reader().field_terms(ix.ID)]

    def _column(self, column: str, docs: Iterable[int]) -> Iterator[str]:
        """The date or source of each of ``docs``, in order ("" where it has none)."""
        return column_values(self._searcher.reader(), column, docs)

    # --- hits ------------------------------------------------------------------------------

    def _highlighted(self, plan: Plan) -> set[str]:
        """The folded terms that prefix and typo-tolerant words reached."""
        return {
            term
            for group in plan.groups
            for alternative in group.alternatives
            if alternative.kind not in (WORD, "pair", "phrase")
            for term, _ in self._retrieval.expansions(alternative)[:EXPANSION_HIGHLIGHTS]
        }

    def _marks(self, parsed: ParsedQuery, plan: Plan) -> tuple[set[str], set[str]]:
        """The folded and exact terms a hit's snippet and title mark: the query's words, and
        the terms its prefix and typo-tolerant words reached."""
        forms = [
            term_forms(s)
            for g in parsed.groups
            for u in g.alternatives
            if u.kind == WORD
            for s in u.syllables
        ]
        folded = {f for _, f in forms} | self._highlighted(plan)
        return folded, {e for e, f in forms if e != f}

    def _hit(
        self,
        text: str,
        rank: int,
        match: Scored,
        marks: tuple[set[str], set[str]],
        plan: Plan,
        *,
        snippets: bool,
        copies: tuple[str, ...],
    ) -> Hit:
        stored = self._stored(match.docnum)
        folded, exact = marks
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
            score=round(match.score, 4),
            snippet=snippet.text,
            highlights=snippet.highlights,
            title_highlights=title.highlights,
            copies=copies,
            missing=tuple(plan.groups[i].text for i in match.missing),
        )
