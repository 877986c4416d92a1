"""Output for people, with Rich: hits, an article, stats, facets (JSON Lines for tools is
:mod:`bgsearch.jsonl`, the indexing progress and summary :mod:`bgsearch.progress`).

This module imports Rich only inside the functions that draw, so a message on stderr that
needs :func:`printable` never pays for it. Article text is never treated as
markup: Rich ``Text`` objects are built and styled by offset.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from bgsearch.hits import Article, Hit, IndexStats

__all__ = [
    "display_path",
    "print_article",
    "print_facets",
    "print_hits",
    "print_stats",
    "printable",
    "stderr_console",
    "stdout_console",
]

# Characters that could move the cursor or change colours if they reached a terminal raw;
# article text has them removed at ingest, but file names can hold anything.
_UNPRINTABLE = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}


def printable(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN`` escapes."""
    return text.translate(_UNPRINTABLE)


# An article's text as written: line breaks kept, any other control character a space, one
# character for one, so that highlight offsets still point at the words.
_PROSE = {c: " " for c in _UNPRINTABLE if c != ord("\n")}


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
        Text(display_path(article.path), style="dim"),
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


def print_stats(stats: IndexStats, index_dir: Path | str, console: Console) -> None:
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
        ("index", display_path(str(index_dir)) if isinstance(index_dir, Path) else index_dir),
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


def display_path(path: str) -> str:
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
        shown = display_path(hit.path)
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
