"""Counting articles by source, year or month: facets, and the figures of ``bgsearch stats``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from bgsearch.text import fold

__all__ = ["FACETS", "NO_SOURCE", "UNDATED", "bucket_counts", "column_values", "source_key"]

FACETS = ("source", "year", "month")
UNDATED, NO_SOURCE = "(no date)", "(no source)"


def source_key(name: str) -> str:
    """A source name compared as words, without accents, case or punctuation: "Báo  Cao
    Bằng" -> "bao cao bang", "dantri.com.vn" -> "dantri com vn"."""
    return " ".join(re.findall(r"\w+", fold(name).lower()))


def bucket_counts(values: Iterable[str], facet: str) -> list[tuple[str, int]]:
    """How many of ``values`` (sources or ISO dates, "" for none) fall in each ``facet``
    bucket; most first, ties in alphabetical order (accents aside), the empty bucket last."""
    counts: dict[str, int] = {}
    for value in values:
        if facet == "source":
            bucket = value or NO_SOURCE
        else:
            bucket = value[: 4 if facet == "year" else 7] if value else UNDATED
        counts[bucket] = counts.get(bucket, 0) + 1
    return sorted(
        counts.items(),
        key=lambda kv: (kv[0] in (UNDATED, NO_SOURCE), -kv[1], source_key(kv[0]), kv[0]),
    )


def column_values(reader: Any, column: str, docs: Iterable[int]) -> Iterator[str]:
    """The ``column`` value of each document in ``docs`` ("" where it has none), from a
    Whoosh reader.

    Segment by segment: Whoosh writes no column for a segment whose documents all lack the
    value (a segment of undated articles has no date column).
    """
    wanted = sorted(docs)
    leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
    for leaf, offset in leaves:
        mine = [d - offset for d in wanted if offset <= d < offset + leaf.doc_count_all()]
        if not mine:
            continue
        if not leaf.has_column(column):
            yield from ("" for _ in mine)
            continue
        values = leaf.column_reader(column)
        yield from (values[d] or "" for d in mine)
