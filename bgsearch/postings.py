"""What ranking reads from a Whoosh index: postings, document frequencies and field lengths.

bgsearch scores documents itself (see :mod:`bgsearch.retrieval`) instead of through Whoosh's
collector, which re-optimises its matcher every 10 matches and then drops optional clauses,
so that the top N changed with N. This module is the only one that reads postings, segment by
segment, through the Whoosh 2.7 reader API (``leaf_readers``, ``postings``, ``doc_frequency``,
``doc_field_length``). Two reads take a faster path where the codec allows it, with the plain
API as the fallback: a term's postings a block at a time, and a field's lengths in one read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import accumulate, repeat
from typing import Any, Protocol

from whoosh.util.numeric import byte_to_length

__all__ = ["IndexReader", "Postings", "field_lengths", "term_text"]

# Postings kept from recent reads (a query reads a word's spellings for several features):
# about 70 MB at most.
RECENT_POSTINGS = 1_000_000
# Document frequencies and total frequencies kept (an open index does not change): a query
# asks for those of every spelling of its words, several times.
KEPT_COUNTS = 200_000
# A field's length byte decoded, for all 256 values (Whoosh stores lengths in one byte).
_LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]


class Postings(Protocol):
    """What ranking reads from an index, whatever holds it (a Whoosh folder, PostgreSQL):
    documents by number (0 to ``doc_count_all`` - 1), deleted ones included until merged."""

    doc_count: int  # documents, deleted ones left out
    doc_count_all: int

    def doc_frequency(self, field: str, text: str) -> int: ...

    def doc_frequencies(self, field: str, texts: Iterable[str]) -> dict[str, int]: ...

    def postings(self, field: str, text: str) -> dict[int, float]: ...

    def frequency(self, field: str, text: str) -> float: ...

    def spelled_postings(
        self, folded_field: str, exact_field: str, text: str, spellings: list[str]
    ) -> dict[int, float]: ...

    def phrase_docs(self, field: str, syllables: tuple[str, ...], among: set[int]) -> set[int]: ...

    def terms_from(self, field: str, prefix: str) -> list[str]: ...

    def terms_near(self, field: str, stem: str, distance: int, prefix: int = 1) -> list[str]: ...

    def lengths(self, field: str) -> list[int]: ...

    def average_length(self, field: str) -> float: ...

    def deleted(self) -> frozenset[int]: ...


class IndexReader:
    """Postings and statistics of an open Whoosh searcher, in global document numbers."""

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher
        reader = searcher.reader()
        self._leaves: list[tuple[Any, int]] = (
            [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())
        )
        self.doc_count: int = max(1, searcher.doc_count())
        self.doc_count_all: int = reader.doc_count_all()
        self._lengths: dict[str, list[int]] = {}
        self._averages: dict[str, float] = {}
        self._deleted: frozenset[int] | None = None
        self._recent: dict[tuple[str, str], dict[int, float]] = {}
        self._kept = 0
        self._counts: dict[tuple[str, str, bool], float] = {}

    def doc_frequency(self, field: str, text: str) -> int:
        """How many documents hold ``text`` in ``field``."""
        return int(self._count(field, text, documents=True))

    def _count(self, field: str, text: str, *, documents: bool) -> float:
        key = (field, text, documents)
        count = self._counts.get(key)
        if count is None:
            if len(self._counts) >= KEPT_COUNTS:
                self._counts.clear()
            if documents:
                count = self._counts[key] = self._searcher.doc_frequency(field, text)
            else:
                count = self._counts[key] = self._searcher.reader().frequency(field, text)
        return count

    def doc_frequencies(self, field: str, texts: Iterable[str]) -> dict[str, int]:
        """How many documents hold each of ``texts`` in ``field``."""
        return {text: self.doc_frequency(field, text) for text in texts}

    def postings(self, field: str, text: str) -> dict[int, float]:
        """Document number -> term frequency for every document holding ``text`` in ``field``
        (deleted documents included: callers leave them out with :meth:`deleted`). The last
        few terms read are kept: a query reads some twice."""
        key = (field, text)
        if key not in self._recent:
            self._keep(key, self._read(field, text))
        return self._recent[key]

    def _keep(self, key: tuple[str, str], postings: dict[int, float]) -> None:
        """Keep ``postings`` among the recent ones, forgetting the oldest past the budget."""
        self._recent[key] = postings
        self._kept += len(postings)
        while self._kept > RECENT_POSTINGS and len(self._recent) > 1:
            oldest = next(iter(self._recent))
            self._kept -= len(self._recent.pop(oldest))

    def frequency(self, field: str, text: str) -> float:
        """How many times ``text`` occurs in ``field`` across all documents."""
        return float(self._count(field, text, documents=False))

    def spelled_postings(
        self, folded_field: str, exact_field: str, text: str, spellings: list[str]
    ) -> dict[int, float]:
        """The postings of folded ``text``, added up from the exact ``spellings`` that fold
        to it when they account for every occurrence (their frequencies add up to its), else
        read from the folded field.

        The folded fields keep positions (for phrases), and Whoosh stores a block's positions
        beside its ids and weights, so that reading a common folded term decodes every
        position of it; the exact fields keep none, and their blocks decode several times
        faster.
        """
        key = (folded_field, text)
        if key in self._recent:
            return self._recent[key]
        present = [(s, self.frequency(exact_field, s)) for s in spellings]
        present = [(s, n) for s, n in present if n]
        if sum(n for _, n in present) != self.frequency(folded_field, text):
            return self.postings(folded_field, text)
        total: dict[int, float] = {}
        for spelling, _ in sorted(present, key=lambda p: -p[1]):
            found = self.postings(exact_field, spelling)  # scored again as exact or variants
            if not total:
                total = dict(found)
                continue
            for d, tf in found.items():
                total[d] = total.get(d, 0.0) + tf
        self._keep(key, total)
        return total

    def phrase_docs(self, field: str, syllables: tuple[str, ...], among: set[int]) -> set[int]:
        """Which of the documents ``among`` (those holding every syllable) hold
        ``syllables`` side by side, in order, in ``field``: their positions, read only for
        those documents (Whoosh's phrase query reads them for every document holding all
        the syllables, however many)."""
        found: set[int] = set()
        for leaf, offset in self._leaves:
            size = leaf.doc_count_all()
            mine = sorted(d - offset for d in among if offset <= d < offset + size)
            if not mine or not all((field, s) in leaf for s in syllables):
                continue
            # where each document's phrase may start, narrowed syllable by syllable (the
            # rarest first): syllable i at position p puts the start at p - i
            starts: dict[int, set[int]] = {}
            rarest = sorted(
                range(len(syllables)), key=lambda i: leaf.doc_frequency(field, syllables[i])
            )
            for n, i in enumerate(rarest):
                positions = _positions(leaf.postings(field, syllables[i]), mine)
                if n == 0:
                    starts = {d: {p - i for p in ps} for d, ps in positions.items()}
                else:
                    starts = {
                        d: kept
                        for d, ps in positions.items()
                        if d in starts and (kept := starts[d].intersection(p - i for p in ps))
                    }
                mine = sorted(starts)
                if not mine:
                    break
            found.update(d + offset for d in mine)
        return found

    def _read(self, field: str, text: str) -> dict[int, float]:
        found: dict[int, float] = {}
        for leaf, offset in self._leaves:
            if (field, text) not in leaf:
                continue
            for ids, weights in _blocks(leaf.postings(field, text)):
                if offset:
                    found.update(zip(map(offset.__add__, ids), weights, strict=True))
                else:
                    found.update(zip(ids, weights, strict=True))
        return found

    def terms_from(self, field: str, prefix: str) -> list[str]:
        """The terms of ``field`` that start with ``prefix``, in order (each once)."""
        found = {
            term_text(t) for leaf, _ in self._leaves for t in leaf.expand_prefix(field, prefix)
        }
        return sorted(found)

    def terms_near(self, field: str, stem: str, distance: int, prefix: int = 1) -> list[str]:
        """The terms of ``field`` within ``distance`` edits of ``stem``, sharing its first
        ``prefix`` letters (Whoosh's fuzzy term expansion)."""
        from whoosh import query as wq

        fuzzy = wq.FuzzyTerm(field, stem, maxdist=distance, prefixlength=prefix)
        return sorted({term_text(t) for t in fuzzy._btexts(self._searcher.reader())})

    def lengths(self, field: str) -> list[int]:
        """The length of ``field`` in every document, by document number (read once)."""
        if field not in self._lengths:
            self._lengths[field] = [
                n
                for leaf, _ in self._leaves
                for n in field_lengths(leaf, field, leaf.doc_count_all())
            ]
        return self._lengths[field]

    def average_length(self, field: str) -> float:
        if field not in self._averages:
            total = self._searcher.reader().field_length(field)
            self._averages[field] = max(1.0, total / self.doc_count)
        return self._averages[field]

    def deleted(self) -> frozenset[int]:
        """Documents deleted but not yet merged away: their postings are still on disk."""
        if self._deleted is None:
            gone: set[int] = set()
            for leaf, offset in self._leaves:
                if leaf.has_deletions():
                    count = leaf.doc_count_all()
                    gone.update(d + offset for d in range(count) if leaf.is_deleted(d))
            self._deleted = frozenset(gone)
        return self._deleted


def _blocks(matcher: Any) -> Iterator[tuple[Any, Any]]:
    """A term's postings as (ids, weights) sequences: a block at a time where the codec
    stores whole blocks (Whoosh's W3 format, in both 2.7 and whoosh3: a block holds its
    delta-coded ids and its weights, None for all 1.0 or one number for all), else one by
    one through the matcher API."""
    if all(hasattr(matcher, a) for a in ("_read_data", "_next_block", "_blocklength")):
        while matcher.is_active():
            matcher._read_data()
            deltas, weights = matcher._data[0], matcher._data[1]
            ids = list(accumulate(deltas)) if not matcher._byteids else deltas
            if weights is None or isinstance(weights, float):
                weights = repeat(1.0 if weights is None else weights, len(ids))
            yield ids, weights
            matcher._next_block()
        return
    ids, found = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        found.append(matcher.weight())
        matcher.next()
    yield ids, found


def _positions(matcher: Any, wanted: list[int]) -> dict[int, list[int]]:
    """The positions of a term in those of the documents ``wanted`` (in order) that hold it:
    a block at a time where the codec stores whole blocks (see :func:`_blocks`), reading
    only the blocks that hold a wanted document and decoding only their positions; else
    through the matcher's ``skip_to`` (which steps through a block one posting at a time:
    4x slower on the corpus's phrases)."""
    found: dict[int, list[int]] = {}
    k = 0
    if all(hasattr(matcher, a) for a in ("_read_data", "_next_block", "_fixedsize")) and (
        matcher._fixedsize is None or matcher._fixedsize < 0  # values stored one by one
    ):
        decode = matcher.format.decoder("positions")
        while matcher.is_active() and k < len(wanted):
            top = matcher.block_max_id()
            if wanted[k] <= top:
                matcher._read_data()
                deltas, values = matcher._data[0], matcher._data[2]
                ids = list(accumulate(deltas)) if not matcher._byteids else deltas
                at = {d: i for i, d in enumerate(ids)}
                while k < len(wanted) and wanted[k] <= top:
                    if (i := at.get(wanted[k])) is not None:
                        found[wanted[k]] = decode(values[i])
                    k += 1
            matcher._next_block()
        return found
    for d in wanted:
        if not matcher.is_active():
            break
        matcher.skip_to(d)
        if matcher.is_active() and matcher.id() == d:
            found[d] = matcher.value_as("positions")
    return found


def field_lengths(source: Any, field: str, count: int) -> list[int]:
    """The length of ``field`` in documents 0 to ``count`` - 1 of one segment: ``source`` is
    its reader or its per-document reader (the writer's). One read of the lengths column
    where the codec keeps one (W3PerDocReader, in both 2.7 and whoosh3), else one by one."""
    perdoc = getattr(source, "_perdoc", source)
    cached = getattr(perdoc, "_cached_reader", None)
    if cached is not None:
        reader = cached(*_lengths_column(field))
        if reader is None:  # a field that keeps no lengths
            return [0] * count
        raw = _raw_bytes(reader, count)
        if raw is not None:
            return [_LENGTH_OF_BYTE[b] for b in raw]
    return [source.doc_field_length(d, field) or 0 for d in range(count)]


def _lengths_column(field: str) -> tuple[str, Any]:
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

    return _lenfield(field), LENGTHS_COLUMN


def _raw_bytes(reader: Any, count: int) -> bytes | None:
    """A one-byte numeric column's values in one read, padded with its default (0)."""
    if reader is None or getattr(reader, "_fixedlen", None) != 1:
        return None
    stored = min(count, int(reader._count))
    raw = bytes(reader._dbfile.get(reader._basepos, stored)) if stored else b""
    return raw + bytes(count - stored)


def term_text(term: str | bytes) -> str:
    """A term as text (Whoosh gives bytes or str, by version and field)."""
    return term.decode("utf-8") if isinstance(term, bytes) else term
