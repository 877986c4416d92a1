"""A Whoosh segment writer that takes bgsearch's analysed terms directly.

Whoosh's own writer turns each posting into a tuple, estimates its size, sorts them all in an
external sort (runs pickled into the index folder, then merged), and writes each one through
a per-posting lookup of the document's field length. Our term fields are already words
joined by spaces (see ``store.schema``), so this writer:

* splits them with the same expression as Whoosh's ``SpaceSeparatedTokenizer`` and counts
  each document's terms in one pass (no Token objects);
* keeps each field's postings in flat arrays, one linked list per term: documents arrive in
  order, so a term's postings are already sorted, and only the terms are sorted, once;
* reads each field's lengths once, and hands the postings to the codec's own field writer
  (``start_term``/``add``/``finish_term``), in the order Whoosh's writer would.

The codec writes every byte, so the segment is the one Whoosh's writer makes, byte for byte
(``tests/test_segwriter.py`` compares the files), on whoosh3 and whoosh-reloaded alike; an
unmodified Whoosh reads it. Everything else goes through Whoosh's own path: fields that are
not space-separated terms, merged segments, boosts. Past ``limitmb`` of postings held, they
move into Whoosh's own pool (which spills to disk as before): memory stays bounded. Worker
processes, each with a writer of this kind, are :mod:`bgsearch.workers`'s job.
"""

from __future__ import annotations

import heapq
import re
from array import array
from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from whoosh import formats
from whoosh.analysis import RegexTokenizer
from whoosh.system import emptybytes, pack_uint
from whoosh.writing import SegmentWriter

from bgsearch.postings import field_lengths

__all__ = ["DirectWriter"]

_SPACE_SEPARATED = r"[^ \t\r\n]+"
# Bytes a posting costs here: three 4-byte array items and a list slot, plus, per term, its
# dict entry and string (estimates; they only decide when postings move to Whoosh's pool).
_POSTING_BYTES = 20
_TERM_BYTES = 120
_VALUE_BYTES = 40  # a bytes object of encoded positions, beside one byte or so a position


class _Field:
    """The postings of one term field: per term a linked list over flat per-posting arrays.
    ``encode`` makes a posting's value from its positions, for fields that keep them."""

    __slots__ = ("docs", "encode", "freqs", "head", "ids", "next", "tail", "values")

    def __init__(self, encode: Any) -> None:
        self.encode = encode
        self.ids: dict[str, int] = {}
        self.head = array("I")
        self.tail = array("I")
        self.next = array("I")
        self.docs = array("I")
        self.freqs = array("I")
        self.values: list[bytes] = []  # encoded positions

    def add(self, docnum: int, terms: dict[str, Any]) -> None:
        """One document's terms: term -> frequency, or -> positions with ``encode``."""
        ids, head, tail, nxt = self.ids, self.head, self.tail, self.next
        docs, freqs, values, encode = self.docs, self.freqs, self.values, self.encode
        posting = len(docs)
        for term, found in terms.items():
            tid = ids.get(term)
            if tid is None:
                ids[term] = len(head)
                head.append(posting)
                tail.append(posting)
            else:
                nxt[tail[tid]] = posting
                tail[tid] = posting
            nxt.append(0)
            docs.append(docnum)
            if encode is not None:
                freqs.append(len(found))
                values.append(encode(found))
            else:
                freqs.append(found)
            posting += 1

    def postings(self, term: str) -> Iterator[tuple[int, float, bytes]]:
        """(document, weight, value) of each posting of ``term``, in document order, as
        Whoosh's formats make them: the weight is the frequency, the value the encoded
        positions or the packed frequency."""
        tid = self.ids[term]
        i, last = self.head[tid], self.tail[tid]
        docs, freqs, nxt, values = self.docs, self.freqs, self.next, self.values
        positional = self.encode is not None
        while True:
            freq = freqs[i]
            yield docs[i], float(freq), values[i] if positional else pack_uint(freq)
            if i == last:
                return
            i = nxt[i]


def _direct(field: Any) -> bool:
    """Whether a schema field holds space-separated terms this writer can index itself."""
    analyzer: Any = getattr(field, "analyzer", None)
    return (
        type(analyzer) is RegexTokenizer
        and analyzer.expression.pattern == _SPACE_SEPARATED
        and not analyzer.gaps
        and type(field.format) in (formats.Frequency, formats.Positions)
    )


class DirectWriter(SegmentWriter):  # type: ignore[misc]
    """Whoosh's ``SegmentWriter``, with bgsearch's term fields indexed directly (see the
    module's documentation). Takes the same arguments."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._limit = kwargs.get("limitmb", 128) * 1024 * 1024
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():  # not written by this writer
                raise ValueError(f"field {name!r}: term vectors and spelling are not supported")
        self._direct = {name for name, field in self.schema.items() if _direct(field)}
        self._fields: dict[str, _Field] = {}
        self._split = re.compile(_SPACE_SEPARATED).findall
        self._held = 0

    def add_document(self, **fields: Any) -> None:
        """As Whoosh's ``SegmentWriter.add_document``, term fields indexed directly."""
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        add_post = self.pool.add

        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    if (
                        fieldname in self._direct
                        and isinstance(value, str)
                        and fieldboost == 1.0
                        and field.format.field_boost == 1.0
                    ):
                        length = self._add_terms(fieldname, field, docnum, value)
                    else:
                        scorable = field.scorable
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if scorable:
                                length += freq
                            add_post((fieldname, tbytes, docnum, weight * fieldboost, vbytes))
                customval = fields.get(f"_stored_{fieldname}", value)
                sv = customval if field.stored else None
                perdocwriter.add_field(fieldname, field, sv, length)
                column = field.column_type
                if column and customval is not None:
                    cv = field.to_column_value(customval)
                    perdocwriter.add_column_value(fieldname, column, cv)
        except ValueError:
            perdocwriter.cancel_doc()
            raise

        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        if self._held > self._limit:
            self._spill()

    def _add_terms(self, fieldname: str, field: Any, docnum: int, value: str) -> int:
        tokens = self._split(value)
        held = self._fields.get(fieldname)
        positional = type(field.format) is formats.Positions
        if held is None:
            held = self._fields[fieldname] = _Field(field.format.encode if positional else None)
        postings, terms_before = len(held.docs), len(held.ids)
        if positional:
            terms: dict[str, list[int]] = {}
            for position, token in enumerate(tokens):
                terms.setdefault(token, []).append(position)
            held.add(docnum, terms)
            self._held += len(tokens) + (len(held.docs) - postings) * _VALUE_BYTES
        else:
            held.add(docnum, Counter(tokens))
        self._held += (len(held.docs) - postings) * _POSTING_BYTES
        self._held += (len(held.ids) - terms_before) * _TERM_BYTES
        return len(tokens) if field.scorable else 0

    def _items(self, fieldname: str) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """A held field's postings as Whoosh's pool items, sorted."""
        held = self._fields[fieldname]
        for term in sorted(held.ids):
            btext = term.encode("utf-8")
            for docnum, weight, value in held.postings(term):
                yield fieldname, btext, docnum, weight, value

    def _spill(self) -> None:
        """Too much held: into Whoosh's pool (sorted runs on disk), memory freed."""
        add = self.pool.add
        for fieldname in sorted(self._fields):
            for item in self._items(fieldname):
                add(item)
        self._fields.clear()
        self._held = 0

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        try:
            self._write_postings(pdr)
        finally:
            self.fieldwriter.close()
            if pdr:
                pdr.close()

    def _write_postings(self, pdr: Any) -> None:
        """Every posting, held and pooled, field by field and term by term, as Whoosh's
        ``FieldWriter.add_postings`` would pass them to the codec."""
        pooled = groupby(self.pool.iter_postings() if self.pool.fieldnames else (), itemgetter(0))
        group = next(pooled, None)
        doccount = pdr.doc_count_all() if pdr else self.docnum
        writer = self.fieldwriter
        for fieldname in sorted(set(self._fields) | self.pool.fieldnames):
            lengths = field_lengths(pdr, fieldname, doccount) if pdr else [0] * doccount
            field = self.schema[fieldname]
            writer.start_field(fieldname, field)
            items: Any = None
            if group is not None and group[0] == fieldname:
                items, group = group[1], None
            if fieldname in self._fields and items is None:
                self._write_held(fieldname, lengths)
            else:
                if fieldname in self._fields:
                    items = heapq.merge(items, self._items(fieldname))
                self._write_items(items, lengths)
            writer.finish_field()
            if group is None:
                group = next(pooled, None)

    def _write_held(self, fieldname: str, lengths: list[int]) -> None:
        writer = self.fieldwriter
        start_term, add, finish_term = writer.start_term, writer.add, writer.finish_term
        held = self._fields[fieldname]
        for term in sorted(held.ids):
            start_term(term.encode("utf-8"))
            for docnum, weight, value in held.postings(term):
                add(docnum, weight, value, lengths[docnum])
            finish_term()

    def _write_items(self, items: Any, lengths: list[int]) -> None:
        writer = self.fieldwriter
        start_term, add, finish_term = writer.start_term, writer.add, writer.finish_term
        lasttext = None
        for _, btext, docnum, weight, value in items:
            if docnum == -1:  # spelling words, as Whoosh skips them
                continue
            if btext != lasttext:
                if lasttext is not None:
                    finish_term()
                start_term(btext)
                lasttext = btext
            add(docnum, weight, value if value is not None else emptybytes, lengths[docnum])
        if lasttext is not None:
            finish_term()
