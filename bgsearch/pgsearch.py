"""Search an index in PostgreSQL: the folder index's :class:`~bgsearch.search.Searcher`, with
PostgreSQL's reader under it, so that queries, ranking, hits and snippets are one code path.

It answers ``query`` (every option: relevance or date order, filters, facets, copies
collapsed, "Did you mean", JSON or for people), ``show``, ``similar`` and ``stats``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from bgsearch.collapse import Copies
from bgsearch.facets import NO_SOURCE, UNDATED, source_key
from bgsearch.hits import Filters, IndexStats
from bgsearch.pgread import PgReader
from bgsearch.pgstore import FIELD_CODES, connect, ensure_schema, redacted
from bgsearch.ranking import RANKING, Ranking
from bgsearch.retrieval import Retrieval
from bgsearch.search import Searcher

__all__ = ["PgSearcher"]

# A column of the documents' dates or sources, for some of them (statements written out).
_COLUMNS = {
    "date": "SELECT docnum, date FROM bgsearch_documents WHERE docnum = ANY(%s)",
    "source": "SELECT docnum, source FROM bgsearch_documents WHERE docnum = ANY(%s)",
}


class _Documents:
    """The few calls of Whoosh's searcher that the Searcher makes beside ranking."""

    def __init__(self, reader: PgReader, conn: Any) -> None:
        self._reader, self._conn = reader, conn

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        return self._reader.stored_fields(docnum)

    def doc_count(self) -> int:
        return self._reader.documents

    def document_number(self, id: str) -> int | None:
        row = self._conn.execute(
            "SELECT docnum FROM bgsearch_documents WHERE id = %s", (id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def document(self, id: str) -> dict[str, Any] | None:
        docnum = self.document_number(id)
        return None if docnum is None else self.stored_fields(docnum)

    def close(self) -> None:
        self._conn.close()


class PgSearcher(Searcher):
    """An index in PostgreSQL, read in one snapshot, ready for any number of queries."""

    def __init__(self, url: str, ranking: Ranking = RANKING) -> None:
        conn = connect(url)
        try:
            ensure_schema(conn, create=False)
            # every query of this searcher sees the same index, whatever writers do meanwhile
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            reader = PgReader(conn)
        except BaseException:
            conn.close()
            raise
        self._dir = redacted(url)  # type: ignore[assignment]  # for messages only
        self._ranking = ranking
        self._conn = conn
        self._searcher = _Documents(reader, conn)
        self._retrieval = Retrieval(reader, ranking)
        self._read = {}
        self._copies = Copies(reader, self._stored)

    def _allowed(self, filters: Filters, dated: bool) -> set[int] | None:
        """The documents the filters allow (None: all), as the folder index's: dated within
        the bounds, from one of the sources whose name holds the words asked for."""
        if not (filters.since or filters.until or dated or filters.source is not None):
            return None
        low, high = filters.since or "0000-00-00", filters.until or "9999-99-99"
        names = None if filters.source is None else self.sources_like(filters.source)
        if names == []:
            return set()
        rows = self._conn.execute(
            """SELECT docnum FROM bgsearch_documents
               WHERE (%(any_date)s OR date BETWEEN %(low)s AND %(high)s)
               AND (%(any_source)s OR source = ANY(%(names)s))""",
            {
                "any_date": not (filters.since or filters.until or dated),
                "low": low,
                "high": high,
                "any_source": names is None,
                "names": names or [],
            },
        )
        return {d for (d,) in rows}

    def _column(self, column: str, docs: Iterable[int]) -> Iterator[str]:
        wanted = sorted(docs)
        values = dict(self._conn.execute(_COLUMNS[column], (wanted,)).fetchall())
        return (values.get(d) or "" for d in wanted)

    def sources_like(self, name: str) -> list[str]:
        wanted = f" {source_key(name)} "
        rows = self._conn.execute(
            "SELECT DISTINCT source FROM bgsearch_documents WHERE source IS NOT NULL"
        )
        return sorted(s for (s,) in rows if wanted in f" {source_key(s)} ")

    def _ids(self) -> list[str]:
        return [i for (i,) in self._conn.execute("SELECT id FROM bgsearch_documents")]

    def stats(self) -> IndexStats:
        """Counts over the whole index; its size is the database tables' and indexes'."""
        sources = self.facets("", "source")
        first, last = self._conn.execute(  # type: ignore[misc]
            "SELECT min(date), max(date) FROM bgsearch_documents"
        ).fetchone()
        (vocabulary,) = self._conn.execute(  # type: ignore[misc]
            "SELECT count(DISTINCT term) FROM bgsearch_postings WHERE field = ANY(%s)",
            ([FIELD_CODES["title_folded"], FIELD_CODES["body_folded"]],),
        ).fetchone()
        (size,) = self._conn.execute(  # type: ignore[misc]
            r"""SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
               WHERE c.relname LIKE 'bgsearch\_%%' AND c.relkind = 'r'"""
        ).fetchone()
        return IndexStats(
            documents=self._searcher.doc_count(),
            sources=[(name, n) for name, n in sources if name != NO_SOURCE],
            first_date=first,
            last_date=last,
            undated=dict(self.facets("", "year")).get(UNDATED, 0),
            size_bytes=int(size or 0),
            vocabulary=int(vocabulary),
        )
