"""The command line's shared options, and turning their values into the core's.

Imported by cli.py at start-up: neither Whoosh nor Rich here.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bgsearch.errors import BgsearchError

if TYPE_CHECKING:
    from bgsearch.search import Filters, Searcher

__all__ = ["MAX_LIMIT", "date_option", "filters", "location", "open_searcher", "queries"]


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def location(index: str) -> Path | str:
    """Where ``--index`` points: a folder, or a PostgreSQL URL (kept as text; a folder index
    never loads database code)."""
    if index.startswith(POSTGRES_SCHEMES):
        return index
    if re.match(r"[A-Za-z][\w+.-]*://", index):  # a URL of another kind, or a typo
        scheme = index.split("://", 1)[0]
        raise BgsearchError(f"--index takes a folder or a postgresql:// URL, not a {scheme}:// URL")
    return Path(index)


def open_searcher(index: str) -> Searcher:
    """The index at ``--index``, open for reading: a folder's, or PostgreSQL's."""
    where = location(index)
    if isinstance(where, str):
        from bgsearch.pgsearch import PgSearcher

        return PgSearcher(where)
    from bgsearch.search import Searcher

    return Searcher(where)


# Options shared by commands, defined once.
IndexDir = Annotated[
    str,
    typer.Option(
        "--index",
        metavar="DIR|URL",
        envvar="BGSEARCH_INDEX",
        show_envvar=True,
        help="Index folder (default: ./index), or a PostgreSQL database "
        "(postgresql://user@host/db; needs pip install 'bgsearch[postgres]').",
        show_default=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Write JSON Lines to stdout.")]
# A bound no reader reaches by hand that keeps memory and time in check (every hit is read).
MAX_LIMIT = 500
Limit = Annotated[
    int,
    typer.Option(
        "-n", "--limit", metavar="N", min=1, max=MAX_LIMIT, help="Hits (per query, at most 500)."
    ),
]
DocId = Annotated[str, typer.Argument(metavar="ID", help="The id a hit gave.")]
Since = Annotated[
    str | None,
    typer.Option("--since", metavar="DATE", help="Published on or after DATE (YYYY[-MM[-DD]])."),
]
Until = Annotated[
    str | None,
    typer.Option("--until", metavar="DATE", help="Published on or before DATE (YYYY[-MM[-DD]])."),
]
SourceName = Annotated[
    str | None,
    typer.Option(
        "--source", metavar="NAME", help="From sources whose name holds the words of NAME."
    ),
]
AllCopies = Annotated[
    bool,
    typer.Option(
        "--all", help="List every syndicated copy as a hit (default: one hit, '+N copies')."
    ),
]


def filters(since: str | None, until: str | None, source: str | None) -> Filters:
    from bgsearch.search import Filters

    first = date_option("--since", since, end=False)
    last = date_option("--until", until, end=True)
    if first and last and first > last:
        raise BgsearchError(f"--since {since} is after --until {until}: no date is both")
    return Filters(first, last, source)


def date_option(option: str, value: str | None, end: bool) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as the first (or, for an end, the last) day it covers."""
    if value is None:
        return None
    import calendar
    import re
    from datetime import date

    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    if not match:
        raise BgsearchError(f"{option} takes a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    if not 1 <= month <= 12:
        raise BgsearchError(f"{option} {value}: there is no month {month}")
    last = calendar.monthrange(year, month)[1]
    day = int(match.group(3) or (last if end else 1))
    if not 1 <= day <= last:
        raise BgsearchError(
            f"{option} {value}: there is no such day ({calendar.month_name[month]} {year} has"
            f" {last} days)"
        )
    return date(year, month, day).isoformat()


def queries(query: str) -> Iterator[str]:
    """The query, or for ``-`` each non-blank line of stdin, read as UTF-8 (a byte order mark
    at the start is not part of the first query), one at a time: a batch of any size streams."""
    if query != "-":
        yield query
        return
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise BgsearchError(
                f"stdin line {number} is not UTF-8 text (byte {error.start + 1}); queries are"
                " read as UTF-8: convert them first, e.g. iconv -f cp1258 -t utf-8"
            ) from None
        if line.strip():
            yield line.strip()
