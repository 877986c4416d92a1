"""Search an index in PostgreSQL: the folder index's :class:`~bgsearch.search.Searcher`, with
PostgreSQL's reader under it, so that queries, ranking, hits and snippets are one code path.

This first step answers ``query`` (ranked by relevance, copies collapsed, JSON or for people)
and ``show``. Filters, date order, facets, ``similar``, ``stats`` and "Did you mean" say so in
one line (exit 2) until they land.
"""

from __future__ import annotations

from typing import Any

from bgsearch.collapse import Copies
from bgsearch.errors import BgsearchError
from bgsearch.hits import Filters, IndexStats
from bgsearch.pgread import PgReader
from bgsearch.pgstore import connect, ensure_schema, redacted
from bgsearch.ranking import RANKING, Ranking
from bgsearch.retrieval import Retrieval
from bgsearch.search import Searcher

__all__ = ["PgSearcher"]


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


def _not_yet(what: str) -> BgsearchError:
    return BgsearchError(f"{what}: not yet available for an index in PostgreSQL")


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
        self._searcher = _Documents(reader, conn)
        self._retrieval = Retrieval(reader, ranking)
        self._copies = Copies(reader, reader.stored_fields)

    def suggest(self, text: str) -> str | None:
        return None  # "Did you mean" reads Whoosh's term lists: not yet

    def _allowed(self, filters: Filters, dated: bool) -> set[int] | None:
        if filters != Filters() or dated:
            raise _not_yet("--since, --until, --source and --sort date")
        return None

    def facets(self, text: str, facet: str, filters: Filters = Filters()) -> list[tuple[str, int]]:
        raise _not_yet("--facet")

    def sources_like(self, name: str) -> list[str]:
        raise _not_yet("--source")

    def resolve(self, ref: str) -> str | list[str]:
        return ref if self._searcher.document_number(ref) is not None else []

    def stats(self) -> IndexStats:
        raise _not_yet("stats")

    def similar(self, *args: Any, **kwargs: Any) -> None:
        raise _not_yet("similar")
