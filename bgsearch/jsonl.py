"""JSON Lines for tools: the output contract of ``--json``, one object per line.

Written with ``sys.stdout.write``, never through Rich (which wraps long lines at 80 columns when
piped, breaking ``jq``); nothing here imports Rich or Whoosh.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from bgsearch.hits import Article, Hit, IndexStats

__all__ = [
    "article_record",
    "facet_record",
    "hit_record",
    "stats_record",
    "write_facets",
    "write_jsonl",
    "write_record",
]


def _article_keys(item: Hit | Article) -> dict[str, object]:
    """The keys a hit and a shown article share, in the contract's order."""
    return {
        "id": item.id,
        "path": item.path,
        "title": item.title,
        "date": item.date,
        "source": item.source,
        "url": item.url,
    }


def hit_record(hit: Hit) -> dict[str, object]:
    """The JSON object for one hit: the documented contract, keys always present."""
    return {
        "type": "hit",
        "query": hit.query,
        "rank": hit.rank,
        **_article_keys(hit),
        "score": hit.score,
        "snippet": hit.snippet,
        "highlights": [list(span) for span in hit.highlights],
        "title_highlights": [list(span) for span in hit.title_highlights],
        "suggestion": hit.suggestion,
        "copies": list(hit.copies),
        "missing": list(hit.missing),
        "searched": hit.searched,
    }


def write_jsonl(hits: Sequence[Hit], stream: IO[str] | None = None) -> None:
    """One JSON object per line, UTF-8, unescaped (control characters are escaped by JSON)."""
    out = stream or sys.stdout
    for hit in hits:
        out.write(json.dumps(hit_record(hit), ensure_ascii=False) + "\n")


def article_record(article: Article) -> dict[str, object]:
    """The JSON object for ``bgsearch show``."""
    return {
        "type": "article",
        **_article_keys(article),
        "body": article.body,
        "highlights": [list(span) for span in article.highlights],
        "title_highlights": [list(span) for span in article.title_highlights],
    }


def stats_record(stats: IndexStats) -> dict[str, object]:
    """The JSON object for ``bgsearch stats``."""
    return {
        "type": "stats",
        "documents": stats.documents,
        "sources": [{"name": name, "count": count} for name, count in stats.sources],
        "first_date": stats.first_date,
        "last_date": stats.last_date,
        "undated": stats.undated,
        "size_bytes": stats.size_bytes,
        "vocabulary": stats.vocabulary,
    }


def write_record(record: dict[str, object], stream: IO[str] | None = None) -> None:
    (stream or sys.stdout).write(json.dumps(record, ensure_ascii=False) + "\n")


def facet_record(query: str, facet: str, value: str, count: int) -> dict[str, object]:
    """The JSON object for one facet bucket."""
    return {"type": "facet", "query": query, "facet": facet, "value": value, "count": count}


def write_facets(
    query: str, facet: str, buckets: Sequence[tuple[str, int]], stream: IO[str] | None = None
) -> None:
    out = stream or sys.stdout
    for value, count in buckets:
        out.write(json.dumps(facet_record(query, facet, value, count), ensure_ascii=False) + "\n")
