"""What ranking reads, from an index in PostgreSQL: the :class:`bgsearch.postings.Postings` of a
folder index, so that :mod:`bgsearch.retrieval` scores both backends by one code path.

Two details make the scores the same as a folder index's: field lengths are rounded as Whoosh
stores them (one byte a length), and the documents' numbers are the database's own, dense
from 0 (numbers of removed documents count as deleted, as in a Whoosh segment before a merge).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from whoosh.util.numeric import byte_to_length, length_to_byte

from bgsearch.pgstore import FIELD_CODES
from bgsearch.postings import RECENT_POSTINGS
from bgsearch.text import edit_distance

if TYPE_CHECKING:
    import psycopg

__all__ = ["PgReader"]

# Each field's lengths, and their total (statements written out: nothing is formatted into SQL).
_LENGTHS = {
    "title_folded": "SELECT docnum, title_length FROM bgsearch_documents",
    "body_folded": "SELECT docnum, body_length FROM bgsearch_documents",
}
_TOTALS = {
    "title_folded": "SELECT coalesce(sum(title_length), 0) FROM bgsearch_documents",
    "body_folded": "SELECT coalesce(sum(body_length), 0) FROM bgsearch_documents",
}


class PgReader:
    """Postings and statistics of an index in PostgreSQL, read in one repeatable snapshot."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn
        self._lengths: dict[str, list[int]] = {}
        self._averages: dict[str, float] = {}
        self._recent: dict[tuple[str, str], dict[int, float]] = {}
        self._kept = 0
        # document frequencies read in this snapshot (it never changes: see PgSearcher)
        self._frequencies: dict[str, dict[str, int]] = {}
        self._present: list[int] = [
            d for (d,) in conn.execute("SELECT docnum FROM bgsearch_documents ORDER BY docnum")
        ]
        self.doc_count_all: int = (self._present[-1] + 1) if self._present else 0
        self.documents: int = len(self._present)
        self.doc_count: int = max(1, self.documents)  # as Whoosh's searcher: IDF never divides by 0
        self._deleted = frozenset(set(range(self.doc_count_all)) - set(self._present))

    def doc_frequency(self, field: str, text: str) -> int:
        return self.doc_frequencies(field, (text,))[text]

    def doc_frequencies(self, field: str, texts: Iterable[str]) -> dict[str, int]:
        """How many documents hold each of ``texts``: counted by the server in one statement
        unless already known in this snapshot (a prefix's hundreds of terms are only
        counted; an unaccented word asks for each of its dozens of spellings)."""
        texts = list(dict.fromkeys(texts))
        known = self._frequencies.setdefault(field, {})
        wanted = [t for t in texts if t not in known]
        for text in wanted:
            read = self._recent.get((field, text))
            if read is not None:
                known[text] = len(read)
        wanted = [t for t in wanted if t not in known]
        if wanted:
            rows = self._conn.execute(
                """SELECT term, count(*) FROM bgsearch_postings
                   WHERE field = %s AND term = ANY(%s) GROUP BY term""",
                (FIELD_CODES[field], wanted),
            )
            counted = dict(rows.fetchall())
            for text in wanted:
                known[text] = int(counted.get(text, 0))
        return {t: known[t] for t in texts}

    def postings(self, field: str, text: str) -> dict[int, float]:
        """As a folder index's: the last few terms read are kept (a query reads some twice)."""
        key = (field, text)
        if key not in self._recent:
            rows = self._conn.execute(
                "SELECT docnum, frequency FROM bgsearch_postings WHERE field = %s AND term = %s",
                (FIELD_CODES[field], text),
            )
            postings = {d: float(f) for d, f in rows}
            self._recent[key] = postings
            self._kept += len(postings)
            while self._kept > RECENT_POSTINGS and len(self._recent) > 1:
                oldest = next(iter(self._recent))
                self._kept -= len(self._recent.pop(oldest))
        return self._recent[key]

    def frequency(self, field: str, text: str) -> float:
        return sum(self.postings(field, text).values())

    def spelled_postings(
        self, folded_field: str, exact_field: str, text: str, spellings: list[str]
    ) -> dict[int, float]:
        """A folded term's postings (a folder index adds them up from the exact spellings
        when cheaper; the sums are the same)."""
        return self.postings(folded_field, text)

    def phrase_docs(self, field: str, syllables: tuple[str, ...], among: set[int]) -> set[int]:
        """Which of ``among`` hold ``syllables`` side by side, in order, in ``field``."""
        if not among:
            return set()
        rows = self._conn.execute(
            """SELECT term, docnum, positions FROM bgsearch_postings
               WHERE field = %s AND term = ANY(%s) AND docnum = ANY(%s)""",
            (FIELD_CODES[field], list(set(syllables)), sorted(among)),
        )
        spots: dict[tuple[str, int], set[int]] = {}
        for term, docnum, positions in rows:
            spots[term, docnum] = set(positions or ())
        found = set()
        for d in among:
            first, *rest = (spots.get((s, d), set()) for s in syllables)
            if any(all(p + i in later for i, later in enumerate(rest, 1)) for p in first):
                found.add(d)
        return found

    def terms_from(self, field: str, prefix: str) -> list[str]:
        rows = self._conn.execute(
            """SELECT DISTINCT term FROM bgsearch_postings
               WHERE field = %s AND term >= %s AND term < %s ORDER BY term""",
            (FIELD_CODES[field], prefix, prefix + "\U0010ffff"),
        )
        return [t for (t,) in rows if t.startswith(prefix)]

    def terms_near(self, field: str, stem: str, distance: int, prefix: int = 1) -> list[str]:
        """The terms within ``distance`` edits of ``stem``, sharing its first ``prefix``
        letters (only terms of a length within reach are read)."""
        rows = self._conn.execute(
            """SELECT DISTINCT term FROM bgsearch_postings
               WHERE field = %s AND term >= %s AND term < %s
               AND length(term) BETWEEN %s AND %s""",
            (
                FIELD_CODES[field],
                stem[:prefix],
                stem[:prefix] + "\U0010ffff",
                len(stem) - distance,
                len(stem) + distance,
            ),
        )
        return sorted(t for (t,) in rows if edit_distance(stem, t) <= distance)

    def lengths(self, field: str) -> list[int]:
        """Each document's length of ``field``, rounded as Whoosh stores it."""
        if field not in self._lengths:
            found = [0] * self.doc_count_all
            for d, n in self._conn.execute(_LENGTHS[field]):
                found[d] = byte_to_length(length_to_byte(n))
            self._lengths[field] = found
        return self._lengths[field]

    def average_length(self, field: str) -> float:
        if field not in self._averages:
            (total,) = self._conn.execute(_TOTALS[field]).fetchone()  # type: ignore[misc]
            self._averages[field] = max(1.0, int(total) / self.doc_count)
        return self._averages[field]

    def deleted(self) -> frozenset[int]:
        return self._deleted

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        row = self._conn.execute(
            """SELECT id, path, title, body, date, source, url, copies
               FROM bgsearch_documents WHERE docnum = %s""",
            (docnum,),
        ).fetchone()
        if row is None:
            return {}
        names = ("id", "path", "title", "body", "date", "source", "url", "copies")
        return {k: v for k, v in zip(names, row, strict=True) if v is not None}
