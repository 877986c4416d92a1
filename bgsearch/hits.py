"""What a search gives back, and what it is asked: plain typed values, no Whoosh.

The JSON Lines contract (README, "JSON Lines output") is :class:`Hit`'s fields.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Article", "Filters", "Hit", "IndexStats"]


@dataclass(frozen=True, slots=True)
class Filters:
    """Which articles a search may return: published in ``[since, until]`` (ISO dates, both
    inclusive; undated articles are left out when either is given), from a source whose name
    contains ``source`` (accents and case aside)."""

    since: str | None = None
    until: str | None = None
    source: str | None = None


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
    missing: tuple[str, ...] = ()  # the query's words (as typed) this article lacks
    searched: str | None = None  # searched instead of ``query``: its Telex/VNI decoding


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
