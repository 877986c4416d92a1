"""The writer of one indexing run: the direct segment writer (segwriter.py; worker processes
for big runs, workers.py), durable commits, when to commit on the way, and what Ctrl-C does."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index, writing

from bgsearch.errors import IndexLockedError, InterruptedRunError
from bgsearch.segwriter import DirectWriter
from bgsearch.workers import ParallelWriter

if TYPE_CHECKING:
    from bgsearch.documents import Skip
    from bgsearch.manifest import Manifest

__all__ = ["COMMIT_EVERY", "COMMIT_SECONDS", "Run", "Schedule", "interruptible", "stop_here"]

# Indexing: commits, workers for big runs, and the memory the writers may hold postings in
# before they move them to Whoosh's pool, which spills them to disk.
# A commit is what a killed run keeps (Ctrl-C, SIGTERM and a closed terminal stop a run
# cleanly and keep everything), and each adds a segment per worker that every query then
# reads: 5,000 corpus articles, 2 workers, bench/cold_latency.py p50 / p95: 2 segments 17.4 /
# 32.5 ms, 4 segments 22.1 / 42.2 ms, 10 segments 36.3 / 70.8 ms (index 149, 180, 232 MB).
# Merging them afterwards (Whoosh's optimize) took 53 s, more than the build (44 s). So
# commits are few: after COMMIT_SECONDS of writing, then after twice as long each time (a
# one-hour build commits at 10 and 30 minutes), or every COMMIT_EVERY files. On the 38,093
# corpus articles, 50,000 gives 2 segments and 20,000 gave 4: p95 214 against 298 ms.
COMMIT_EVERY = 50_000
COMMIT_SECONDS = 600.0
MAX_PROCS = 4
# Shared by the workers. segwriter.py holds a posting in about 40 bytes (5,000 corpus articles,
# one process: 4.6 million postings, 183 MB estimated, 186 MB more than an empty process);
# 2,048 keeps a whole-corpus build in memory on two cores (no spill: the folder grows only by
# the segments themselves). Whoosh's own pool took about 250 bytes a posting (468 against 164
# MB of peak memory, 2,000 articles).
LIMIT_MB = 2048


@dataclass
class Schedule:
    """When a run commits on the way: every ``every`` files, and after ``interval`` seconds,
    then twice as long each time (each commit adds segments: a long run makes few)."""

    every: int
    interval: float
    now: Callable[[], float]
    last: float = 0.0
    since: int = 0

    def __post_init__(self) -> None:
        self.last = self.now()

    def due(self) -> bool:
        """Called after each file: whether to commit now."""
        self.since += 1
        if self.since < self.every and self.now() - self.last < self.interval:
            return False
        self.last, self.since = self.now(), 0
        self.interval *= 2
        return True


def stop_here(run: Run, after: Manifest, rebuild: bool, done: str, index_dir: Path) -> None:
    """Ctrl-C: keep what was written (a rebuild replaces the index whole, or not at all)."""
    if rebuild:
        raise KeyboardInterrupt
    run.commit(after, final=False)
    raise InterruptedRunError(
        f"interrupted: {done} files done and kept in {index_dir};"
        " run the same command again to index the rest"
    )


class Stop:
    """A first Ctrl-C asks the run to stop after the file at hand and keep what it wrote."""

    requested = False


@contextmanager
def interruptible() -> Iterator[Stop]:
    """Ctrl-C (or SIGTERM, or the terminal closing): the first one stops the run at the
    next file, which then commits what it wrote; a second one cancels at once. The writer's
    worker processes (forked, so they share this handler) ignore it: the parent decides, and
    a commit needs them."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    parent = os.getpid()

    def on_interrupt(signum: int, frame: Any) -> None:
        if os.getpid() != parent:
            return
        if stop.requested:
            raise KeyboardInterrupt
        stop.requested = True

    stopping = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # Ctrl-C, kill, terminal closed
    previous = {number: signal.signal(number, on_interrupt) for number in stopping}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def sync_dir(folder: Path) -> None:
    """Make what is in ``folder`` durable: fsync every file, then the folder itself.

    Whoosh writes segments and its table of contents without fsync; after a power cut the
    new TOC could name segment data that never reached the disk. Files an earlier commit
    already synced have no dirty pages left, so this costs little beyond the new segment.
    """
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Run:
    """The writer of one run, opened only when something changes (no lock, no commit else)."""

    def __init__(self, ix: Any, index_dir: Path, fresh: bool, parallel: bool, wait: float) -> None:
        self._ix, self._dir, self.fresh, self._parallel = ix, index_dir, fresh, parallel
        self._wait = wait
        self._writer: Any = None
        self.added = 0
        self.changed = False
        self.skipped: list[Skip] = []  # records of JSON files that held no article
        self.truncated: list[str] = []  # paths of documents indexed only in part

    def writer(self) -> Any:
        if self._writer is None:
            procs = min(os.cpu_count() or 1, MAX_PROCS) if self._parallel else 1
            try:
                if procs > 1:
                    # Workers index their share into segments of their own, left unmerged.
                    self._writer = ParallelWriter(
                        self._ix,
                        procs=procs,
                        limitmb=LIMIT_MB // procs,
                        compound=False,
                        timeout=self._wait,
                    )
                else:
                    self._writer = DirectWriter(
                        self._ix, limitmb=LIMIT_MB, compound=False, timeout=self._wait
                    )
            except index.LockError as error:
                waited = f" after waiting {self._wait:g} s" if self._wait else ""
                raise IndexLockedError(
                    f"index is locked by another bgsearch process ({self._dir}){waited}; "
                    "wait for it with --wait SECONDS"
                ) from error
        self.changed = True
        return self._writer

    def add(self, fields: dict[str, str | None]) -> None:
        writer = self.writer()
        (writer.add_document if self.fresh else writer.update_document)(**fields)
        self.added += 1

    def cancel(self) -> None:
        if self._writer is not None:
            if not self._writer.is_closed:  # a commit that failed has closed it already
                self._writer.cancel()  # and stopped its workers (they ignore Ctrl-C)
            self._writer = None

    def commit(self, after: Manifest, *, final: bool, rebuild: bool = False) -> None:
        """Commit what was written, make it durable, then record it in the manifest."""
        if rebuild and self._writer is None:
            self.writer()  # an empty rebuild still replaces the old documents
        if self._writer is not None:
            # Mid-run commits merge nothing: merging is the slow part, done by the final one.
            mergetype = writing.CLEAR if rebuild else (None if final else writing.NO_MERGE)
            self._writer.commit(mergetype=mergetype)
            self._writer = None
            sync_dir(self._dir)
        if self.changed or self.fresh:
            after.save(self._dir)
