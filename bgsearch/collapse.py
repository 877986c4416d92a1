"""Collapsing syndicated copies in a ranked list: each article once, with its copies' ids.

:mod:`bgsearch.copies` says which texts are copies (pure); this module finds them in an open
index through the band keys stored with each article, and keeps the best-placed of each set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from bgsearch import store as ix
from bgsearch.copies import COPY_SIMILARITY, shingles, similarity
from bgsearch.postings import Postings
from bgsearch.retrieval import Scored
from bgsearch.text import analyze

__all__ = ["Copies"]

Stored = Callable[[int], dict[str, Any]]


class Copies:
    """The copies of an index's articles, found on demand (their shingles cached)."""

    def __init__(self, reader: Postings, stored_fields: Stored) -> None:
        self._reader = reader
        self._stored = stored_fields
        self._shingle_cache: dict[int, frozenset[int]] = {}

    def distinct(
        self, ranked: Iterable[Scored], limit: int, allowed: set[int] | None, collapse: bool
    ) -> list[tuple[Scored, tuple[str, ...]]]:
        """The first ``limit`` of ``ranked``, each with the ids of its copies.

        Collapsing, a match that is a copy of one kept before it is dropped; copies count
        only where ``allowed`` (the filters; None: every article) admits them.
        """
        if not collapse:
            return [(match, ()) for match in islice(ranked, limit)]
        kept: list[tuple[Scored, tuple[str, ...]]] = []
        hidden: set[int] = set()
        for match in ranked:
            if match.docnum in hidden:
                continue  # a copy of a match kept above it
            hidden.add(match.docnum)
            copies = self.of(match.docnum, self._stored(match.docnum))
            if allowed is not None:
                copies = {d: i for d, i in copies.items() if d in allowed}
            hidden.update(copies)
            kept.append((match, tuple(sorted(copies.values()))))
            if len(kept) == limit:
                break
        return kept

    def of(self, docnum: int, stored: dict[str, Any]) -> dict[int, str]:
        """The documents whose text is a copy of this one's, by number, with their ids.

        Band keys find the candidates (usually none); only then are the texts compared.
        """
        # a key only this article holds finds nothing: most articles have no copy, and a
        # term's count is far cheaper to read than its postings
        reader = self._reader
        counts = reader.doc_frequencies(ix.COPIES, (stored.get(ix.COPIES) or "").split())
        keys = [key for key, count in counts.items() if count > 1]
        if not keys:
            return {}
        candidates: set[int] = set()
        for key in keys:
            candidates.update(reader.postings(ix.COPIES, key))
        candidates -= {docnum} | reader.deleted()
        if not candidates:
            return {}
        mine = self._shingles(docnum, stored)
        found = {}
        for other in sorted(candidates):
            fields = self._stored(other)
            if similarity(mine, self._shingles(other, fields)) >= COPY_SIMILARITY:
                found[other] = fields[ix.ID]
        return found

    def _shingles(self, docnum: int, stored: dict[str, Any]) -> frozenset[int]:
        if docnum not in self._shingle_cache:
            self._shingle_cache[docnum] = shingles(analyze(stored[ix.BODY]).folded)
        return self._shingle_cache[docnum]
