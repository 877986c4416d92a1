"""Syndicated copies: one article published by several sites, found by the wording it shares.

Pure functions of folded syllables, apart from Whoosh. An article's shingles are its runs of
three folded syllables; two articles are copies when their shingle sets overlap by a Jaccard
similarity of at least ``COPY_SIMILARITY``. So that an article's copies are a term lookup away
rather than a comparison with every other article, each article is indexed under a few *band
keys* (locality-sensitive hashing): a MinHash signature of its shingles, cut into bands;
articles sharing a band are candidates, and the candidates are then measured exactly.

Measured on the 38,093-article corpus (bench notes in ``bench/RESULTS.md``): pairs at 0.5 and
above are the same story re-published, often with a new headline or a cut ending; pairs at
0.3-0.4 are different articles on one subject (daily gold prices, two reports of one meeting).
With 8 bands of 3, a pair at 0.5 shares a band with probability 1 - (1 - 0.5^3)^8 = 0.66, at
0.7 with 0.95 and at 0.8 with 0.997.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

__all__ = ["COPY_SIMILARITY", "band_keys", "shingles", "similarity"]

SHINGLE = 3  # syllables per shingle
HASHES = 24  # MinHash values: one per bucket of the shingle hashes (one-permutation MinHash)
ROWS = 3  # values per band: 8 bands
MIN_SHINGLES = 20  # shorter articles are never called copies: too little text to tell
COPY_SIMILARITY = 0.5


def shingles(folded: Sequence[str]) -> frozenset[int]:
    """The stable 32-bit hashes of every ``SHINGLE`` folded syllables in a row."""
    # every SHINGLE syllables in a row: the shorter tails end it
    rows = zip(*(folded[k:] for k in range(SHINGLE)), strict=False)
    return frozenset(map(zlib.crc32, map(str.encode, map(" ".join, rows))))  # UTF-8, in C


def band_keys(hashes: Iterable[int]) -> list[str]:
    """The keys an article is indexed under: articles that share one are likely copies.

    Empty for articles shorter than ``MIN_SHINGLES`` shingles.
    """
    found = set(hashes)
    if len(found) < MIN_SHINGLES:
        return []
    mins: list[int | None] = [None] * HASHES
    for h in found:
        bucket, value = h % HASHES, h // HASHES
        low = mins[bucket]
        if low is None or value < low:
            mins[bucket] = value
    keys = []
    for band in range(HASHES // ROWS):
        values = mins[band * ROWS : (band + 1) * ROWS]
        if None in values:  # an empty bucket says nothing
            continue
        key = zlib.crc32(" ".join(str(v) for v in values).encode("ascii"))
        keys.append(f"{band}x{key:08x}")
    return keys


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard similarity of two shingle sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
