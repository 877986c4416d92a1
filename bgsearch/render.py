"""Hits to output: JSON Lines for tools, Rich for people.

JSON is written with ``sys.stdout.write``, never through Rich (which wraps long lines at 80
columns when piped, breaking ``jq``), and this module imports Rich only inside the functions
that draw for people, so ``query --json`` never pays for it. Article text is never treated as
markup: Rich ``Text`` objects are built and styled by offset.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from bgsearch.index import IndexReport, Progress

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from bgsearch.search import Article, Hit, IndexStats

__all__ = ["RichProgress", "hit_record", "print_hits", "print_report", "write_jsonl"]

# Characters that could move the cursor or change colours if they reached a terminal raw;
# article text has them removed at ingest, but file names can hold anything.
_UNPRINTABLE = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}


def printable(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN`` escapes."""
    return text.translate(_UNPRINTABLE)


# An article's text as written: line breaks kept, any other control character a space, one
# character for one, so that highlight offsets still point at the words.
_PROSE = {c: " " for c in _UNPRINTABLE if c != ord("\n")}


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


def print_article(article: Article, console: Console) -> None:
    """One article for people: title, metadata, then the text, matches highlighted."""
    from rich.text import Text

    in_title, in_text = _match_styles(console)
    meta = Text(printable(article.id), style="cyan")
    for part in (article.date, article.source, article.url):
        if part:
            meta.append(f"  {printable(part)}", style="green")
    for text in (
        _styled(article.title, article.title_highlights, "bold", in_title),
        meta,
        Text(_display_path(article.path), style="dim"),
        Text(""),
        _styled(article.body, article.highlights, "", in_text, prose=True),
    ):
        for line in _lines(console, text, console.width):
            console.print(line, soft_wrap=True)


def _match_styles(console: Console) -> tuple[str, str]:
    """How a match stands out in a title and in text. NO_COLOR means no colour, not no
    emphasis: matches stay bold, and underlined in (bold) titles."""
    return ("bold underline", "bold") if console.no_color else ("bold yellow", "bold yellow")


def _lines(console: Console, text: Text, width: int) -> list[Text]:
    """``text`` as the lines to print: on a terminal, wrapped to ``width`` between words,
    never inside one (a URL stays whole: the terminal shows it on, and it can be opened);
    piped, its own lines, however long. No line ends in spaces."""
    if not console.is_terminal:
        lines = list(text.split("\n"))
    else:
        lines = list(text.divide(_breaks(text.plain, width)))
    for line in lines:
        if line.plain.endswith("\n"):
            line.right_crop(1)
        line.rstrip()
    return lines


def _breaks(plain: str, width: int) -> list[int]:
    """Where to break ``plain`` to fit ``width`` cells: after each line break, and before a
    word that would pass the width (a longer word keeps a line of its own)."""
    from rich.cells import cell_len

    breaks: list[int] = []
    column = 0
    for token in re.finditer(r"\n| +|[^ \n]+", plain):
        piece = token.group()
        if piece == "\n":
            breaks.append(token.end())
            column = 0
            continue
        size = cell_len(piece)
        if not piece.startswith(" ") and column and column + size > width:
            breaks.append(token.start())
            column = 0
        column += size
    return breaks


def print_stats(stats: IndexStats, index_dir: Path, console: Console) -> None:
    """The index at a glance."""
    from rich.table import Table

    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    dates = (
        f"{stats.first_date} to {stats.last_date}" if stats.first_date else "none"
    ) + f" ({stats.undated:,} undated)"
    top = ", ".join(f"{printable(name)} {count:,}" for name, count in stats.sources[:5])
    more = len(stats.sources) - 5
    rows = [
        ("index", _display_path(str(index_dir))),
        ("articles", f"{stats.documents:,}"),
        ("sources", f"{len(stats.sources):,}" + (f": {top}" if top else "")
         + (f" and {more:,} more" if more > 0 else "")),
        ("dates", dates),
        ("vocabulary", f"{stats.vocabulary:,} distinct syllables (accents aside)"),
        ("size on disk", _size(stats.size_bytes)),
    ]  # fmt: skip
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)


def _size(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size >= 1e6 else f"{size / 1e3:,.1f} kB"


def facet_record(query: str, facet: str, value: str, count: int) -> dict[str, object]:
    """The JSON object for one facet bucket."""
    return {"type": "facet", "query": query, "facet": facet, "value": value, "count": count}


def write_facets(
    query: str, facet: str, buckets: Sequence[tuple[str, int]], stream: IO[str] | None = None
) -> None:
    out = stream or sys.stdout
    for value, count in buckets:
        out.write(json.dumps(facet_record(query, facet, value, count), ensure_ascii=False) + "\n")


BAR_WIDTH = 40  # the longest bar of a timeline, in cells


def print_facets(facet: str, buckets: Sequence[tuple[str, int]], console: Console) -> None:
    """A small table: each bucket and its count, most first; on a terminal, years and months
    as a timeline of bars, oldest first (piped, the table stays plain to read by script)."""
    from rich.table import Table

    timeline = console.is_terminal and facet in ("year", "month")
    table = Table(facet, "articles", box=None, pad_edge=False, header_style="bold")
    if timeline:
        buckets = sorted(buckets, key=lambda b: (b[0].startswith("("), b[0]))
        table.add_column("")
    most = max((count for _, count in buckets), default=1)
    for value, count in buckets:
        row = [printable(value), f"{count:,}"]
        if timeline:
            row.append("█" * max(1, round(BAR_WIDTH * count / most)))
        table.add_row(*row)
    table.columns[1].justify = "right"
    if timeline:
        table.columns[2].style = "cyan"
    console.print(table)


def _display_path(path: str) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return printable(path)
    return printable(path if relative.startswith("..") else relative)


def _styled(
    text: str, spans: Sequence[tuple[int, int]], base: str, match: str, prose: bool = False
) -> Text:
    from rich.text import Text

    styled = Text(text.translate(_PROSE) if prose else printable(text), style=base)
    for start, end in spans:
        styled.stylize(match, start, end)
    return styled


def _hanging(console: Console, first: str, text: Text, indent: int) -> None:
    """Print ``text`` wrapped to the console, continuation lines under its first word."""
    from rich.text import Text

    for number, line in enumerate(_lines(console, text, max(20, console.width - indent))):
        lead = first.rjust(indent - 1) + " " if number == 0 else " " * indent
        console.print(Text.assemble((lead, "bold"), line), soft_wrap=True)


def print_hits(hits: Sequence[Hit], console: Console, heading: str | None = None) -> None:
    """Ranked hits for people: rank and title, then path and score, then the snippet."""
    from rich.text import Text

    if heading is not None:
        console.print(Text(f"── {printable(heading)}", style="bold"), soft_wrap=True)
    indent = len(f"{len(hits)}.") + 2
    for hit in hits:
        shown = _display_path(hit.path)
        meta = Text(shown, style="cyan")
        if not shown.endswith(printable(hit.id)):  # a link's target, or a record of a file
            meta.append(f"  id {printable(hit.id)}", style="cyan")
        for part in (hit.date, hit.source):
            if part:
                meta.append(f"  {printable(part)}", style="green")
        meta.append(f"  score {hit.score:.2f}", style="dim")
        if hit.copies:
            many = "copies" if len(hit.copies) > 1 else "copy"
            meta.append(f"  +{len(hit.copies)} {many}", style="magenta")
        if hit.missing:
            meta.append(f"  missing: {', '.join(hit.missing)}", style="dim")
        in_title, in_text = _match_styles(console)
        title = _styled(hit.title, hit.title_highlights, "bold", in_title)
        _hanging(console, f"{hit.rank}.", title, indent)
        _hanging(console, "", meta, indent)
        _hanging(console, "", _styled(hit.snippet, hit.highlights, "", in_text), indent)
        console.print()


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, markup=False, emoji=False)


class _TrimmedLines:
    """A text stream that drops the spaces ending each line (Rich pads wrapped lines and
    table cells), colour codes kept."""

    _TRAILING = re.compile(r"(?: |\x1b\[[0-9;]*m)+$")  # spaces and colour codes ending a line

    def __init__(self, stream: IO[str]) -> None:
        self._stream, self._pending = stream, ""

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self._stream.write(self._trimmed(line) + "\n")
        return len(text)

    @classmethod
    def _trimmed(cls, line: str) -> str:
        return cls._TRAILING.sub(lambda tail: tail.group().replace(" ", ""), line)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._trimmed(self._pending))
            self._pending = ""
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()


def stdout_console() -> Console:
    """Standard output for people: wrapped to a terminal's width, never when piped (a line
    per line, whatever its length), and no line ends in spaces."""
    from rich.console import Console

    class _Stdout(Console):
        def on_broken_pipe(self) -> None:
            """The reader went away (``| head``): the CLI stops quietly with the status of
            what was found. Rich's own handler exits 1, which reads as "no hits"."""
            raise BrokenPipeError

    terminal = sys.stdout.isatty()
    return _Stdout(
        file=_TrimmedLines(sys.stdout),  # type: ignore[arg-type]
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=not terminal,
        width=None if terminal else 1_000_000,
    )


class RichProgress(Progress):
    """A progress bar on stderr: files done, files per second, time left."""

    def __init__(self, console: Console) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        self._bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task("indexing", total=None, rate="")

    def start(self, total: int) -> None:
        self._bar.update(self._task, total=total)
        self._bar.start()

    def advance(self) -> None:
        self._bar.advance(self._task)
        speed = self._bar.tasks[0].speed
        if speed:
            self._bar.update(self._task, rate=f"{speed:,.0f} files/s")

    def finishing(self) -> None:
        """Every file read: Whoosh now writes and merges segments, for minutes on a big
        folder. A bar at 100% would look stuck: a spinner and the time it has taken instead."""
        from rich.progress import Progress as Bar
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        console = self._bar.console
        self._bar.stop()
        self._bar = Bar(
            SpinnerColumn(),
            TextColumn("writing the index (Whoosh writes and merges its segments)"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task("writing", total=None)
        self._bar.start()

    def stop(self) -> None:
        self._bar.stop()


# Skipped files listed one by one; past that, counted by reason (a folder of a million
# empty files printed a million lines).
SKIPS_SHOWN = 20


def counted(counts: Mapping[str, int], most: int, between: str = " ") -> str:
    """The commonest ``most`` of ``counts``, count and then name ordering them: ".pdf 2,
    .docx 1", and "…" for the rest."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{printable(name)}{between}{n:,}" for name, n in ranked[:most])
    return shown + (", …" if len(ranked) > most else "")


def print_report(report: IndexReport, stream: IO[str] | None = None) -> None:
    """The indexing summary on stderr: every skipped file with its reason, then the counts."""
    from bgsearch.documents import MAX_CHARS

    err = stream or sys.stderr
    for skip in report.skipped[:SKIPS_SHOWN]:
        err.write(f"bgsearch: skipped {printable(skip.path)}: {skip.reason}\n")
    rest = Counter(skip.reason for skip in report.skipped[SKIPS_SHOWN:])
    if rest:
        reasons = counted(rest, 3, ": ")
        err.write(f"bgsearch: skipped {rest.total():,} more files ({reasons})\n")
    for path in report.truncated:
        err.write(
            f"bgsearch: note: {_display_path(path)}: only the first {MAX_CHARS:,} characters "
            "are indexed\n"
        )
    if report.passed_over:
        others = sum(report.passed_over.values())
        files = "file" if others == 1 else "files"
        kinds = counted(report.passed_over, 3)
        err.write(f"bgsearch: note: passed over {others:,} {files} of other types ({kinds})\n")
    where = printable(str(Path(report.index_dir)))
    counts = []
    if report.documents != report.indexed:  # JSON files hold many
        counts.append(f"{report.documents:,} documents")
    if report.unchanged or report.removed:
        counts.append(f"{report.unchanged:,} unchanged, {report.removed:,} removed")
    changes = f" ({'; '.join(counts)})" if counts else ""
    err.write(
        f"bgsearch: indexed {report.indexed:,} file{'s' if report.indexed != 1 else ''}"
        f"{changes} into {where} in {report.seconds:.1f} s; skipped {len(report.skipped):,}\n"
    )
