"""Documents to index: the Whoosh schema, creating, opening and writing the index on disk.

Whoosh never sees our analysis code: the text functions turn each field into space-separated
terms, and the schema uses Whoosh's own space tokenizer. The index therefore pickles no class
of ours (Whoosh stores the schema as a pickle), so moving code inside bgsearch can never make
an index unreadable, and each field is tokenized once, not once per form.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from whoosh import fields, index, writing
from whoosh.analysis import SpaceSeparatedTokenizer

from bgsearch import safeload
from bgsearch.copies import band_keys, shingles
from bgsearch.errors import (
    IndexDamagedError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexMissingError,
    InterruptedRunError,
    NotAnIndexError,
    NothingToIndexError,
    rebuild_hint,
)
from bgsearch.manifest import Entry, Manifest, file_hash
from bgsearch.text import analyze

if TYPE_CHECKING:
    from bgsearch.documents import Document, Skip, Source

__all__ = ["FORMAT", "IndexReport", "build_index", "build_under_way", "open_index"]

safeload.install()  # before any index is opened: reading one never runs code from it

# Bump when the schema or the analysis changes so that old indexes no longer match queries.
FORMAT = 7
MARKER = "bgsearch.json"
# Files a version-controlled empty folder may hold (the repo's own index/ has a .gitignore).
PLACEHOLDERS = frozenset({".gitignore", ".gitkeep"})
# Indexing: commits, workers for big runs, and the memory Whoosh may hold postings in before
# it spills them to disk.
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
PARALLEL_FROM = 1_000
MAX_PROCS = 4
LIMIT_MB = 1024

# Field names: stored fields for display, indexed term fields for each form.
ID, PATH, TITLE, BODY = "id", "path", "title", "body"
DATE, SOURCE, URL = "date", "source", "url"
TITLE_EXACT, TITLE_FOLDED, BODY_EXACT, BODY_FOLDED = (
    "title_exact",
    "title_folded",
    "body_exact",
    "body_folded",
)
EXACT_FIELDS = (TITLE_EXACT, BODY_EXACT)
# Neighbouring syllables as single terms (see text.analyze): adjacency without positions.
TITLE_PAIRS, BODY_PAIRS = "title_pairs", "body_pairs"
# The band keys of the body (see copies.py): syndicated copies share one.
COPIES = "copies"


def _schema() -> fields.Schema:
    def terms(positions: bool = True) -> fields.TEXT:
        return fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=positions)

    return fields.Schema(
        **{
            ID: fields.ID(unique=True, stored=True),
            PATH: fields.STORED(),
            TITLE: fields.STORED(),
            BODY: fields.STORED(),
            # one term each, with a column: filters, sorting and facets (see search.py)
            DATE: fields.ID(stored=True, sortable=True),
            SOURCE: fields.ID(stored=True, sortable=True),
            URL: fields.STORED(),
            TITLE_EXACT: terms(positions=False),  # phrases match folded forms
            TITLE_FOLDED: terms(),
            BODY_EXACT: terms(positions=False),
            BODY_FOLDED: terms(),
            TITLE_PAIRS: terms(positions=False),
            BODY_PAIRS: terms(positions=False),
            COPIES: fields.KEYWORD(stored=True),  # stored: a hit's keys without re-analysis
        }
    )


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one indexing run did."""

    index_dir: Path
    indexed: int  # new or changed files written to the index
    skipped: list[Skip] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: int = 0
    removed: int = 0  # documents
    documents: int = 0  # written: one per file, or one per record of a JSON file
    truncated: list[str] = field(default_factory=list)  # indexed up to MAX_CHARS only


class Progress:
    """Told how many files there are to read, then of each one done. The default is silent."""

    def start(self, total: int) -> None:
        """Called once, before the first file."""

    def advance(self) -> None:
        """Called after each file, indexed or skipped."""

    def finishing(self) -> None:
        """Called once all files are read, before the final commit (often the longest part)."""


def open_index(index_dir: Path) -> Any:
    """Open an existing bgsearch index for reading, or say why not."""
    marker = index_dir / MARKER
    if not marker.is_file() or not _opened(index_dir, index.exists_in):
        raise IndexMissingError(f"no index at {index_dir} (run 'bgsearch index DIR' first)")
    _check_format(marker)
    return _opened(index_dir, index.open_dir)


def _opened(index_dir: Path, how: Callable[[str], Any]) -> Any:
    """Whoosh's ``how`` on the folder; a damaged or crafted table of contents (a pickle the
    allowlist refuses, see safeload.py) or any other failure, as one clear error."""
    try:
        return how(str(index_dir))
    except pickle.UnpicklingError as error:
        raise IndexDamagedError(
            f"the index at {index_dir} is damaged ({error}); " + rebuild_hint(index_dir)
        ) from error
    except Exception as error:  # Whoosh raises many types for a damaged index
        raise IndexIncompatibleError(
            f"the index at {index_dir} cannot be read ({type(error).__name__}); "
            + rebuild_hint(index_dir)
        ) from error


def _check_format(marker: Path) -> None:
    try:
        found = json.loads(marker.read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError, AttributeError):
        found = None
    if found != FORMAT:
        raise IndexIncompatibleError(
            f"the index at {marker.parent} was made by another version of bgsearch "
            f"(format {found}, this version reads {FORMAT}); " + rebuild_hint(marker.parent)
        )


def _prepare(index_dir: Path, rebuild: bool) -> tuple[Any, bool]:
    """Open the index for writing, creating it if needed; True when it starts empty."""
    marker = index_dir / MARKER
    if marker.is_file():
        if not rebuild:
            _check_format(marker)
            return _opened(index_dir, index.open_dir), False
        try:
            _check_format(marker)
            return _opened(index_dir, index.open_dir), True
        except (IndexDamagedError, IndexIncompatibleError, index.EmptyIndexError):
            pass  # an old format: start a new one in its place
    elif index_dir.exists():
        if not index_dir.is_dir():
            raise NotAnIndexError(f"{index_dir} is a file, not an index folder")
        if set(os.listdir(index_dir)) - PLACEHOLDERS:
            raise NotAnIndexError(
                f"{index_dir} is not empty and is not a bgsearch index; "
                f"choose another folder with --index"
            )
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), _schema())
    marker.write_text(json.dumps({"format": FORMAT}) + "\n", encoding="utf-8")
    return ix, True


def _check_sources(paths: Sequence[Path], index_dir: Path, rebuild: bool) -> None:
    """Refuse, before anything is written, the index itself as a source, and sources that do
    not exist when that would lose articles: all of them, or any for a rebuild (which keeps
    only what it reads). A run that adds to the index only skips a missing one."""
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing and (rebuild or len(missing) == len(paths)):
        raise NothingToIndexError(
            f"no such file or folder: {', '.join(missing)}; {index_dir} is unchanged"
        )
    home = index_dir.resolve()
    for path in paths:
        where = path.resolve()
        if where == home or home in where.parents:
            raise NothingToIndexError(
                f"{path} is the index itself; give the folder of articles: "
                f"bgsearch index ARTICLES --index {index_dir}"
            )


BUILDING = "bgsearch.building"


@contextmanager
def _announced(index_dir: Path, files: int, now: float) -> Iterator[None]:
    """While a run writes, a file in the index that says so, held under an OS lock: readers
    tell a run under way from a file a killed run left behind by trying the lock."""
    path = index_dir / BUILDING
    with open(path, "w", encoding="utf-8") as marker:
        fcntl.flock(marker, fcntl.LOCK_EX)
        marker.write(json.dumps({"pid": os.getpid(), "files": files, "started": now}))
        marker.flush()
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def build_under_way(index_dir: Path) -> dict[str, Any] | None:
    """What an indexing run now writing into ``index_dir`` announced (pid, files, started:
    a Unix time), or None when no run is under way."""
    try:
        marker = open(index_dir / BUILDING, encoding="utf-8")  # noqa: SIM115 - locked below
    except OSError:
        return None
    with marker:
        try:
            fcntl.flock(marker, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                found: dict[str, Any] = json.loads(marker.read())
            except ValueError:
                found = {}
            return found
        fcntl.flock(marker, fcntl.LOCK_UN)
    return None  # left by a run that was killed: nothing is under way


def build_index(
    paths: Sequence[Path],
    index_dir: Path,
    *,
    rebuild: bool = False,
    encoding: str | None = None,
    progress: Progress | None = None,
    now: Callable[[], float] = time.monotonic,
    commit_every: int = COMMIT_EVERY,
    commit_seconds: float = COMMIT_SECONDS,
    parallel_from: int = PARALLEL_FROM,
    wait: float = 0.0,
    follow_links: bool = False,
) -> IndexReport:
    """Index every article file under ``paths`` into ``index_dir``.

    A re-run reads only files whose size or modification time changed, re-indexes only those
    whose content changed, and removes the documents of files that are gone from the folders
    given. Files that cannot be indexed are listed in the report, not raised: one bad file
    never stops a run. ``encoding`` forces the encoding of every file (else UTF-8/UTF-16 by
    BOM, then the legacy encoding that reads as Vietnamese).

    Commits: after ``commit_seconds`` of writing and then after twice as long each time, every
    ``commit_every`` files, and at the end, each one durable (fsynced) before the manifest
    records it, so a run that is killed keeps what it committed and the next run carries on
    from there. Ctrl-C (SIGINT, SIGTERM, SIGHUP) stops after the file at hand, commits and
    raises :class:`InterruptedRunError`. With ``rebuild`` there is one commit, at the end, so
    the old index answers queries until the new one replaces it whole (an interrupted rebuild
    keeps the old index).

    Another run holding the index's lock makes this one wait up to ``wait`` seconds, then
    raise :class:`IndexLockedError`. The lock is an OS file lock, so a killed run never
    leaves it behind.
    """
    from bgsearch.documents import Skip, discover  # reading files: not needed to search

    started = now()
    progress = progress or Progress()
    _check_sources(paths, index_dir, rebuild)
    known = Manifest() if rebuild else Manifest.load(index_dir)
    sources, skipped = discover(
        paths, exclude=index_dir, follow_links=follow_links, prefix=known.prefix
    )
    if rebuild and not sources:
        # a rebuild replaces the index whole: from nothing, it would only empty it
        raise NothingToIndexError(
            "nothing to index in "
            + ", ".join(str(p) for p in paths)
            + f"; {index_dir} is unchanged"
        )
    # A folder emptied since the last run must still lose its documents.
    roots = {s.root for s in sources} | {str(p.resolve()) for p in paths if p.is_dir()}
    if not sources and not (rebuild or (index_dir / MARKER).is_file()):
        return IndexReport(index_dir, 0, skipped, now() - started)
    ix, fresh = _prepare(index_dir, rebuild)
    before = Manifest(roots=known.roots) if fresh else Manifest.load(index_dir)
    before.roots.update(known.roots)
    after = Manifest(dict(before.entries), dict(before.roots))
    pending = [s for s in sources if not _unchanged(s, before)]
    unchanged = len(sources) - len(pending)
    run = _Run(ix, index_dir, fresh, parallel=len(pending) >= parallel_from, wait=wait)
    indexed = removed = 0
    announced = _announced(index_dir, len(pending), time.time()) if pending else nullcontext()
    try:
        with announced, _interruptible() as stop:
            progress.start(len(pending))
            schedule = _Schedule(commit_every, commit_seconds, now)
            for done, source in enumerate(pending, start=1):
                outcome = _index_one(source, before, after, run, encoding)
                if isinstance(outcome, Skip):
                    skipped.append(outcome)
                else:
                    indexed += outcome
                    unchanged += not outcome
                progress.advance()
                if stop.requested:
                    progress.finishing()
                    _stop_here(run, after, rebuild, f"{done:,} of {len(pending):,}", index_dir)
                if schedule.due() and not rebuild and done < len(pending):
                    run.commit(after, final=False)
            # Files gone from the roots, or no longer readable, leave the index too.
            present = {s.doc_id for s in sources} & set(after.entries)
            for file_id in before.gone(roots, present):
                for doc_id in before.entries[file_id].doc_ids(file_id):
                    run.writer().delete_by_term(ID, doc_id)
                    removed += 1
                after.entries.pop(file_id, None)
            progress.finishing()
            run.commit(after, final=True, rebuild=rebuild)
    except BaseException:
        run.cancel()
        raise
    skipped.extend(run.skipped)
    return IndexReport(
        index_dir,
        indexed,
        skipped,
        now() - started,
        unchanged=unchanged,
        removed=removed,
        documents=run.added,
        truncated=run.truncated,
    )


def _unchanged(source: Source, before: Manifest) -> bool:
    """Whether a file's size and modification time are those the index last saw."""
    try:
        return before.unchanged(source.doc_id, source.root, source.path.stat())
    except OSError:
        return False  # reading it will say why


@dataclass
class _Schedule:
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


def _stop_here(run: _Run, after: Manifest, rebuild: bool, done: str, index_dir: Path) -> None:
    """Ctrl-C: keep what was written (a rebuild replaces the index whole, or not at all)."""
    if rebuild:
        raise KeyboardInterrupt
    run.commit(after, final=False)
    raise InterruptedRunError(
        f"interrupted: {done} files done and kept in {index_dir};"
        " run the same command again to index the rest"
    )


class _Stop:
    """A first Ctrl-C asks the run to stop after the file at hand and keep what it wrote."""

    requested = False


@contextmanager
def _interruptible() -> Iterator[_Stop]:
    """Ctrl-C (or SIGTERM, or the terminal closing): the first one stops the run at the
    next file, which then commits what it wrote; a second one cancels at once. The writer's
    worker processes (forked, so they share this handler) ignore it: the parent decides, and
    a commit needs them."""
    stop = _Stop()
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


class _Run:
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
                    self._writer = self._ix.writer(
                        procs=procs,
                        multisegment=True,
                        limitmb=LIMIT_MB // procs,
                        compound=False,
                        timeout=self._wait,
                    )
                else:
                    self._writer = self._ix.writer(
                        limitmb=LIMIT_MB, compound=False, timeout=self._wait
                    )
            except index.LockError as error:
                waited = f" after waiting {self._wait:g} s" if self._wait else ""
                raise IndexLockedError(
                    f"index is locked by another bgsearch process ({self._dir}){waited}; "
                    "wait for it with --wait SECONDS"
                ) from error
        self.changed = True
        return self._writer

    def add(self, document: Document) -> None:
        writer = self.writer()
        (writer.add_document if self.fresh else writer.update_document)(**_fields(document))
        self.added += 1

    def cancel(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            for task in getattr(self._writer, "tasks", ()):  # the workers ignore Ctrl-C
                if hasattr(task, "terminate"):
                    task.terminate()
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


def _index_one(
    source: Source, before: Manifest, after: Manifest, run: _Run, encoding: str | None
) -> bool | Skip:
    """Index one file if it changed: True when written, False when unchanged, or a Skip.

    A JSON file's records are written one by one; records that fail are reported as skips
    of their own (``file.jsonl#3``) through ``run.skipped``, and the file still counts.
    """
    from bgsearch.documents import Document, Skip, decode_file, text_path

    file_id = source.doc_id
    try:
        stat = source.path.stat()
        if before.unchanged(file_id, source.root, stat):
            return False
        if not S_ISREG(stat.st_mode):  # a FIFO would block the read forever
            after.entries.pop(file_id, None)
            return Skip(text_path(source.path), "not a regular file")
        raw = _read(source.path)
    except OSError as error:
        after.entries.pop(file_id, None)
        return Skip(text_path(source.path), error.strerror or type(error).__name__)
    digest = file_hash(raw)
    entry = Entry(source.root, stat.st_size, stat.st_mtime_ns, digest)
    if before.same_content(file_id, source.root, digest):
        after.entries[file_id] = replace(entry, docs=before.entries[file_id].docs)
        run.changed = True  # touched, not changed: remember the new mtime
        return False
    parts = decode_file(source, raw, encoding)
    documents = [p for p in parts if isinstance(p, Document)]
    if not documents:
        after.entries.pop(file_id, None)  # and its old documents go with the gone files
        run.skipped.extend(p for p in parts[1:] if isinstance(p, Skip))
        first = parts[0]
        assert isinstance(first, Skip)
        return first
    run.skipped.extend(p for p in parts if isinstance(p, Skip))
    new_ids = [d.doc_id for d in documents]
    old = before.entries.get(file_id)
    for stale in sorted(set(old.doc_ids(file_id) if old else ()) - set(new_ids)):
        run.writer().delete_by_term(ID, stale)
    for document in documents:
        run.add(document)
        if document.truncated:
            run.truncated.append(document.path)
    docs = tuple(new_ids) if new_ids != [file_id] else ()
    after.entries[file_id] = replace(entry, docs=docs)
    return True


def _read(path: Path) -> bytes:
    """The file's bytes, or its first MAX_BYTES (whole characters, if UTF-8) when bigger.

    Documents are cut at MAX_CHARS anyway; reading a multi-gigabyte file whole would only
    exhaust memory. A cut file hashes by what was read, which still changes with its size.
    """
    from bgsearch.documents import MAX_CHARS

    limit = 4 * MAX_CHARS
    with open(path, "rb") as f:
        raw = f.read(limit + 1)
    if len(raw) <= limit:
        return raw
    raw = raw[:limit]
    # drop a UTF-8 sequence the cut split: from its lead byte on
    for back in range(1, 4):
        byte = raw[-back]
        if byte & 0xC0 != 0x80:  # a lead (or ASCII) byte
            if byte >= 0xC0 and back < (2 if byte < 0xE0 else 3 if byte < 0xF0 else 4):
                raw = raw[:-back]
            break
    return raw


def _fields(document: Document) -> dict[str, str | None]:
    title = analyze(document.title)
    body = analyze(document.body)
    return {
        ID: document.doc_id,
        PATH: document.path,
        TITLE: document.title,
        BODY: document.body,
        DATE: document.date,
        SOURCE: document.source,
        URL: document.url,
        TITLE_EXACT: " ".join(title.exact),
        TITLE_FOLDED: " ".join(title.folded),
        BODY_EXACT: " ".join(body.exact),
        BODY_FOLDED: " ".join(body.folded),
        TITLE_PAIRS: " ".join(title.pairs),
        BODY_PAIRS: " ".join(body.pairs),
        COPIES: " ".join(band_keys(shingles(body.folded))) or None,
    }
