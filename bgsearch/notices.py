"""What the commands tell the user beside their results: notes, "no article", the reason a
run indexed nothing, "Showing results for", and hits for people. One line each, on stderr
(hits on stdout). Imported by cli.py at start-up: neither Whoosh nor Rich at module level.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bgsearch.errors import BgsearchError, ExitStatus

if TYPE_CHECKING:
    from bgsearch.index import IndexReport
    from bgsearch.search import Hit, Searcher

__all__ = [
    "PROG",
    "check_source",
    "decoded_instead",
    "error",
    "first_line",
    "no_article",
    "nothing_indexed",
    "print_people",
    "say_if_building",
]

PROG = "bgsearch"


def error(message: str) -> None:
    sys.stderr.write(f"{PROG}: error: {message}\n")


def first_line(error: BaseException) -> str:
    """An error's message in one line (a database's may run over several)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def say_if_building(index: Path | str, documents: int) -> None:
    """A note on stderr while an indexing run writes into ``index``: what a reader sees is
    its last commit, not yet everything. (An index in PostgreSQL shows each file whole as it
    lands: nothing to say.)"""
    if isinstance(index, str):
        return
    import time

    from bgsearch.store import build_under_way

    run = build_under_way(index)
    if run is None:
        return
    minutes = max(0, int((time.time() - float(run.get("started", time.time()))) // 60))
    files = f" of {int(run['files']):,} files" if "files" in run else ""
    sys.stderr.write(
        f"{PROG}: note: an indexing run{files} has been writing into {index} for {minutes} min; "
        f"this answers from its last commit ({documents:,} articles)\n"
    )


def check_source(searcher: Searcher, source: str | None) -> None:
    """``--source`` that no source of the index matches is a mistake, not "no hits"."""
    if source is None or searcher.sources_like(source):
        return
    from bgsearch.facets import NO_SOURCE
    from bgsearch.render import printable

    known = [name for name, _ in searcher.facets("", "source") if name != NO_SOURCE]
    listed = ", ".join(printable(n) for n in known[:8]) + (", …" if len(known) > 8 else "")
    raise BgsearchError(
        f"no source matches --source {printable(source)!r}; "
        + (f"the index's sources: {listed}" if known else "the index names no sources")
    )


def nothing_indexed(paths: list[Path], report: IndexReport) -> str:
    """Why a run indexed nothing, in one line."""
    from bgsearch.documents import SUFFIXES
    from bgsearch.progress import counted
    from bgsearch.render import printable

    where = ", ".join(printable(str(p)) for p in paths)
    if report.skipped:
        return f"nothing could be indexed from {where}"
    read = ", ".join(sorted(SUFFIXES))
    if not report.passed_over:
        return f"nothing to index in {where}: no {read} files"
    seen = counted(report.passed_over, 5)
    return f"nothing to index in {where}: bgsearch reads {read} files; found only {seen}"


def decoded_instead(
    typed: str, hits: list[Hit], decoded: str | None, search: Callable[[str], list[Hit]]
) -> list[Hit]:
    """A query typed in Telex or VNI without an input method ("gias vangf"): the hits of the
    decoded query, when they hold every word and the typed query's do not; else ``hits``."""
    if decoded is None or (hits and not hits[0].missing):
        return hits
    instead = search(decoded)
    if not instead or instead[0].missing:
        return hits
    from dataclasses import replace

    from bgsearch.render import printable

    sys.stderr.write(
        f"Showing results for {printable(decoded)}; search instead for {printable(typed)}"
        " with --as-typed\n"
    )
    return [replace(h, query=typed, searched=decoded) for h in instead]


def no_article(doc_id: str, index: Path | str, closest: list[str]) -> ExitStatus:
    from bgsearch.render import printable

    nearest = "; closest: " + ", ".join(printable(i) for i in closest) if closest else ""
    sys.stderr.write(f"{PROG}: no article with id {printable(doc_id)!r} in {index}{nearest}\n")
    return ExitStatus.NO_HITS


def print_people(text: str, hits: list[Hit], heading: bool) -> None:
    from bgsearch.render import print_hits, printable, stdout_console

    if hits:
        print_hits(hits, stdout_console(), heading=text if heading else None)
    else:
        sys.stderr.write(f"{PROG}: no hits for {printable(text)!r}\n")
