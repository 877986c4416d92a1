"""HTML pages to article text and metadata, through trafilatura (and htmldate for the date).

trafilatura is the field's standard for this: it keeps the article and leaves the page
furniture (menus, related news, share and comment widgets, footers), and reads the headline,
date, site name and canonical URL from the page's metadata. `python bench/pages.py FOLDER`
measures it field by field on saved pages with hand-checked truth (6 pages of 5 Vietnamese
sites: every field 100%, no furniture on 5 of 6; bgsearch's former hand-written reader got
the headline on 50%, the date on 67%, the site and URL on none, and furniture on every page).

Imported only when an HTML page is read: importing trafilatura (with lxml) takes about 115 ms,
which ``--help`` and ``query`` never pay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Page", "parse_html"]

# Minified pages put every tag on one line; trafilatura may then run paragraphs together (a
# dateline is no longer a line of its own) and glues neighbouring links ("ôtôxe máy"). A line
# break after each block's end, and a space between an inline element and the next (a
# Vietnamese syllable never spans two links or cells).
_BLOCK_END = re.compile(
    r"(</(?:p|div|li|h[1-6]|tr|table|ul|ol|section|article|blockquote|figcaption|dd|dt)\s*>"
    r"|<br\s*/?>)(?!\n)",
    re.IGNORECASE,
)
_INLINE_NEIGHBOURS = re.compile(r"(</(?:a|span|td|th|b|strong|em|i)\s*>)(?=<)", re.IGNORECASE)

# The date a page was first published, from its markup only: htmldate's extensive search
# would guess one from any date in the text, and bgsearch gives no date rather than a guess.
_DATES = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True, slots=True)
class Page:
    """What an HTML page says: its article text (the lead first), headline, published date
    (ISO), the site's name and canonical URL, each if given."""

    text: str
    title: str | None
    date: str | None
    source: str | None = None
    url: str | None = None


def parse_html(markup: str) -> Page:
    """Read an HTML page; never raises on malformed markup. A page trafilatura finds no
    article in (a bare fragment, a list page) gives its visible text, line by line."""
    import trafilatura

    markup = _INLINE_NEIGHBOURS.sub(r"\1 ", _BLOCK_END.sub(r"\1\n", markup))
    found: Any = None
    try:
        found = trafilatura.bare_extraction(
            markup, with_metadata=True, include_comments=False, date_extraction_params=_DATES
        )
    except Exception:
        found = None
    meta: dict[str, Any] = {}
    if found is not None:
        meta = found.as_dict() if hasattr(found, "as_dict") else dict(found)
    text = _lines(meta.get("text"))
    if not text:
        text = _lines(_visible(markup))
    lead = _lines(meta.get("description"))
    if lead and lead not in text and text:
        text = f"{lead}\n{text}"
    return Page(
        text,
        _one_line(meta.get("title")),
        meta.get("date") or None,
        _one_line(meta.get("sitename")),
        meta.get("url") or None,
    )


def _visible(markup: str) -> str:
    import trafilatura

    try:
        return str(trafilatura.html2txt(markup) or "")
    except Exception:
        return ""


def _lines(text: str | None) -> str:
    lines = (" ".join(line.split()) for line in (text or "").split("\n"))
    return "\n".join(line for line in lines if line)


def _one_line(text: str | None) -> str | None:
    return " ".join((text or "").split()) or None
