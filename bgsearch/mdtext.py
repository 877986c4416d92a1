"""Markdown notes to article text and metadata.

YAML front matter (between ``---`` lines at the top) gives the title, date, source and URL,
under the names a JSON record's fields have (:mod:`bgsearch.records`); the rest is rendered
to plain text by markdown-it-py (CommonMark): headings, emphasis, link and image syntax go,
their text stays, each block on a line of its own. Front matter that is not YAML is left as
text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bgsearch.records import DATE_KEYS, SOURCE_KEYS, TITLE_KEYS, URL_KEYS, field_text, field_value

__all__ = ["Note", "parse_markdown"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_BLOCKS = frozenset({"paragraph_close", "heading_close", "list_item_close", "blockquote_close"})


@dataclass(frozen=True, slots=True)
class Note:
    """A Markdown file: its text as plain lines (the first heading first), and what its
    front matter says."""

    text: str
    title: str | None = None
    date: object = None  # as YAML gives it: a date, a datetime, a number or a string
    source: str | None = None
    url: str | None = None


def parse_markdown(markup: str) -> Note:
    """Read a Markdown note; never raises on malformed markup or front matter."""
    meta: dict[str, Any] = {}
    if match := _FRONT_MATTER.match(markup):
        found = _yaml(match.group("yaml"))
        if found is not None:
            meta, markup = found, markup[match.end() :]
    return Note(
        _plain(markup),
        _one_line(field_text(meta, TITLE_KEYS)),
        field_value(meta, DATE_KEYS),
        _one_line(field_text(meta, SOURCE_KEYS)),
        _one_line(field_text(meta, URL_KEYS)),
    )


def _yaml(text: str) -> dict[str, Any] | None:
    import yaml

    try:
        found = yaml.safe_load(text)  # plain data only: no tag runs code
    except yaml.YAMLError:
        return None
    return found if isinstance(found, dict) else None


def _one_line(text: str) -> str | None:
    return " ".join(text.split()) or None


def _plain(markup: str) -> str:
    """The text of a Markdown document, one block a line, markup gone."""
    from markdown_it import MarkdownIt

    lines: list[str] = []
    current: list[str] = []
    for token in MarkdownIt("commonmark").parse(markup):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    current.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    current.append("\n")  # the author's lines: a dateline stays a line
                elif child.type == "image":
                    current.append(child.content)  # its alt text
        elif token.type in ("fence", "code_block"):
            current.append(token.content)  # raw HTML blocks are markup, not text: left out
        if token.type in _BLOCKS or token.type in ("fence", "code_block"):
            lines += _compact("".join(current))
            current = []
    lines += _compact("".join(current))
    return "\n".join(lines)


def _compact(text: str) -> list[str]:
    return [line for line in (" ".join(part.split()) for part in text.split("\n")) if line]
