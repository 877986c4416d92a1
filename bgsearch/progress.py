"""Indexing for people: a progress bar while files are read, then the run's summary on stderr.

Imported only by ``bgsearch index`` (it needs :mod:`bgsearch.index`); Rich only inside the bar.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING

from bgsearch.index import IndexReport, Progress
from bgsearch.render import display_path, printable

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["SKIPS_SHOWN", "RichProgress", "counted", "print_report"]


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
        """Every file read: the writers now sort and write their segments, a minute or more
        on a big folder. A bar at 100% would look stuck: a spinner and the time it takes."""
        from rich.progress import Progress as Bar
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        console = self._bar.console
        self._bar.stop()
        self._bar = Bar(
            SpinnerColumn(),
            TextColumn("writing the index segments"),
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
            f"bgsearch: note: {display_path(path)}: only the first {MAX_CHARS:,} characters "
            "are indexed\n"
        )
    if report.passed_over:
        others = sum(report.passed_over.values())
        files = "file" if others == 1 else "files"
        kinds = counted(report.passed_over, 3)
        err.write(f"bgsearch: note: passed over {others:,} {files} of other types ({kinds})\n")
    where = printable(str(report.index_dir))
    if report.upgraded:
        old, new = report.upgraded
        err.write(f"bgsearch: note: upgraded the index in {where} from schema {old} to {new}\n")
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
