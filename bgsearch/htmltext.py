"""HTML pages to article text: the visible text, the <title>, the published-date meta tag.

Standard library only (``html.parser``): scripts, styles and navigation chrome are dropped,
block elements become line breaks, entities are decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["Page", "parse_html"]

_HIDDEN = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer", "aside"})
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
     "section", "article", "blockquote", "figcaption", "pre", "hr", "dd", "dt"}
)  # fmt: skip
# Meta tags that carry the publication date, in the forms news sites use.
_DATE_META = frozenset(
    {"article:published_time", "datepublished", "pubdate", "publishdate", "date", "dc.date",
     "og:published_time", "publish-date", "article.published"}
)  # fmt: skip
_ISO_DATE = re.compile(r"((?:19|20)\d{2})-(\d{2})-(\d{2})")


@dataclass(frozen=True, slots=True)
class Page:
    """What an HTML page says: its visible text, <title> and published date (ISO) if given."""

    text: str
    title: str | None
    date: str | None


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.date: str | None = None
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            self._meta(dict(attrs))
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1
        elif tag == "title":
            self._in_title = False
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._hidden:
            self.parts.append(data)

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        content = attrs.get("content") or ""
        if self.date is None and key in _DATE_META and (match := _ISO_DATE.search(content)):
            self.date = "-".join(match.groups())


def parse_html(markup: str) -> Page:
    """Read an HTML page; never raises on malformed markup."""
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    title = " ".join("".join(reader.title).split()) or None
    return Page(text, title, reader.date)
