"""JSON and JSON Lines files to article records: one document per record.

Scrapers and exports keep articles as JSON objects; the field names vary, so each part is
taken from the first of its usual names that holds a value. Pure: text in, records out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bgsearch.article import parse_date

__all__ = ["Record", "RecordError", "field_text", "field_value", "parse_records"]

TITLE_KEYS = ("title", "headline", "name")
TEXT_KEYS = ("content", "body", "text", "article", "description")
DATE_KEYS = (
    "date", "published", "published_at", "publishedAt", "publish_date", "datePublished",
    "pubDate", "created", "created_at", "timestamp", "time",
)  # fmt: skip
URL_KEYS = ("url", "link", "href", "canonical", "canonical_url", "permalink", "source_url")
SOURCE_KEYS = ("source", "site", "site_name", "publisher")
# Where an export keeps its list of articles, when the file is one object.
LIST_KEYS = ("articles", "items", "data", "results", "docs", "hits", "records", "entries")


@dataclass(frozen=True, slots=True)
class Record:
    """One article record; ``number`` is its line (JSON Lines) or position (JSON), from 1."""

    number: int
    title: str
    body: str
    date: str | None
    source: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class RecordError:
    """A record that holds no article, and why."""

    number: int
    reason: str


def field_value(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The value under the first of ``keys`` that holds one (a date: a string, a number, or
    what YAML made of it), else None."""
    return next((record[k] for k in keys if record.get(k) not in (None, "")), None)


def field_text(record: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, dict):  # {"source": {"name": ...}}, {"publisher": {"name": ...}}
            value = value.get("name")
        if isinstance(value, list):  # paragraphs
            value = "\n".join(v for v in value if isinstance(v, str))
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = str(value).strip()
            if text:
                return text
    return ""


def _record(number: int, value: Any) -> Record | RecordError:
    if not isinstance(value, dict):
        return RecordError(number, "not a JSON object")
    title, body = field_text(value, TITLE_KEYS), field_text(value, TEXT_KEYS)
    if not (title or body):
        return RecordError(number, f"no {'/'.join(TITLE_KEYS[:1] + TEXT_KEYS[:3])} field")
    url = field_text(value, URL_KEYS) or None
    source = field_text(value, SOURCE_KEYS) or None
    if source is None and url:
        source = (urlsplit(url).hostname or "").removeprefix("www.") or None
    published = parse_date(field_value(value, DATE_KEYS))
    return Record(number, title, body, published, source, url)


def _listed(data: Any) -> list[Any]:
    """The articles of an export shaped ``{"status": "ok", "articles": [...]}``: the list
    under a usual key, else the only list of objects; else the object itself, one record."""
    if not isinstance(data, dict) or field_text(data, TITLE_KEYS) or field_text(data, TEXT_KEYS):
        return [data]
    for key in LIST_KEYS:
        if isinstance(data.get(key), list):
            return list(data[key])
    lists = [
        v for v in data.values() if isinstance(v, list) and any(isinstance(x, dict) for x in v)
    ]
    return list(lists[0]) if len(lists) == 1 else [data]


def parse_records(text: str, lines: bool) -> list[Record | RecordError]:
    """The records of a JSON Lines (``lines``) or JSON file: an object, or a list of them.

    Raises ValueError when a JSON file is not JSON at all; a bad line of a JSON Lines file is
    a :class:`RecordError` and the other lines still count.
    """
    if not lines:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"not JSON (line {error.lineno}: {error.msg})") from error
        items = data if isinstance(data, list) else _listed(data)
        return [_record(n, item) for n, item in enumerate(items, start=1)]
    out: list[Record | RecordError] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            out.append(_record(n, json.loads(line)))
        except json.JSONDecodeError as error:
            out.append(RecordError(n, f"not JSON ({error.msg})"))
    return out
