"""Writing the index: which files changed, analysing them, and committing what was written so
that an interrupted or killed run keeps its work. The index's format, fields and opening are
:mod:`bgsearch.store`'s."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from whoosh import index

from bgsearch.copies import band_keys, shingles
from bgsearch.errors import (
    IndexDamagedError,
    IndexIncompatibleError,
    NotAnIndexError,
    NothingToIndexError,
)
from bgsearch.manifest import Entry, Manifest, file_hash
from bgsearch.store import (
    BODY,
    BODY_EXACT,
    BODY_FOLDED,
    BODY_PAIRS,
    COPIES,
    DATE,
    FORMAT,
    ID,
    MARKER,
    PATH,
    PLACEHOLDERS,
    SOURCE,
    TITLE,
    TITLE_EXACT,
    TITLE_FOLDED,
    TITLE_PAIRS,
    URL,
    announced,
    check_format,
    opened,
    schema,
)
from bgsearch.text import analyze
from bgsearch.writer import COMMIT_EVERY, COMMIT_SECONDS, Run, Schedule, interruptible, stop_here

if TYPE_CHECKING:
    from bgsearch.documents import Document, Skip, Source

__all__ = [
    "IndexReport",
    "Progress",
    "build_index",
    "document_fields",
    "read_bytes",
    "unreadable",
]

# Runs of this many files or more to read use worker processes (see writer.py).
PARALLEL_FROM = 1_000
# A JSON or JSON Lines file is read whole (its records are parsed at once, each cut at
# documents.MAX_CHARS): a file of a million short records (66 MB) took 561 s and 2.0 GB
# (about 1.3 KB a record beside Whoosh's own pool). Bigger than this, it is skipped with the
# advice to split it, rather than exhaust memory.
MAX_RECORD_FILE_BYTES = 128 << 20


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one indexing run did."""

    index_dir: Path | str  # a folder, or a PostgreSQL URL (its password hidden)
    indexed: int  # new or changed files written to the index
    skipped: list[Skip] = field(default_factory=list)
    seconds: float = 0.0
    unchanged: int = 0
    removed: int = 0  # documents
    documents: int = 0  # written: one per file, or one per record of a JSON file
    truncated: list[str] = field(default_factory=list)  # indexed up to MAX_CHARS only
    passed_over: dict[str, int] = field(default_factory=dict)  # other files, by extension
    upgraded: tuple[int, int] | None = None  # an older index's format, and the one it has now


class Progress:
    """Told how many files there are to read, then of each one done. The default is silent."""

    def start(self, total: int) -> None:
        """Called once, before the first file."""

    def advance(self) -> None:
        """Called after each file, indexed or skipped."""

    def finishing(self) -> None:
        """Called once all files are read, before the final commit (often the longest part)."""


def _prepare(index_dir: Path, rebuild: bool) -> tuple[Any, bool]:
    """Open the index for writing, creating it if needed; True when it starts empty."""
    marker = index_dir / MARKER
    if marker.is_file():
        if not rebuild:
            check_format(marker)
            return opened(index_dir, index.open_dir), False
        try:
            check_format(marker)
            return opened(index_dir, index.open_dir), True
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
    ix = index.create_in(str(index_dir), schema())
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
    passed: Counter[str] = Counter()
    sources, skipped = discover(
        paths, exclude=index_dir, follow_links=follow_links, prefix=known.prefix, passed=passed
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
        return IndexReport(index_dir, 0, skipped, now() - started, passed_over=dict(passed))
    ix, fresh = _prepare(index_dir, rebuild)
    before = Manifest(roots=known.roots) if fresh else Manifest.load(index_dir)
    before.roots.update(known.roots)
    after = Manifest(dict(before.entries), dict(before.roots))
    pending = [s for s in sources if not _unchanged(s, before)]
    unchanged = len(sources) - len(pending)
    run = Run(ix, index_dir, fresh, parallel=len(pending) >= parallel_from, wait=wait)
    indexed = removed = 0
    building = announced(index_dir, len(pending), time.time()) if pending else nullcontext()
    try:
        with building, interruptible() as stop:
            progress.start(len(pending))
            schedule = Schedule(commit_every, commit_seconds, now)
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
                    stop_here(run, after, rebuild, f"{done:,} of {len(pending):,}", index_dir)
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
        passed_over=dict(passed),
    )


def _unchanged(source: Source, before: Manifest) -> bool:
    """Whether a file's size and modification time are those the index last saw."""
    try:
        return before.unchanged(source.doc_id, source.root, source.path.stat())
    except OSError:
        return False  # reading it will say why


def _index_one(
    source: Source, before: Manifest, after: Manifest, run: Run, encoding: str | None
) -> bool | Skip:
    """Index one file if it changed: True when written, False when unchanged, or a Skip.

    A JSON file's records are written one by one; records that fail are reported as skips
    of their own (``file.jsonl#3``) through ``run.skipped``, and the file still counts.
    """
    from bgsearch.documents import RECORD_FILES, Document, Skip, decode_file, text_path

    file_id = source.doc_id
    try:
        stat = source.path.stat()
        if before.unchanged(file_id, source.root, stat):
            return False
        records = source.path.suffix.lower() in RECORD_FILES
        if problem := unreadable(stat, records):
            after.entries.pop(file_id, None)
            return Skip(text_path(source.path), problem)
        raw = read_bytes(source.path, whole=records)
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
        run.add(document_fields(document))
        if document.truncated:
            run.truncated.append(document.path)
    docs = tuple(new_ids) if new_ids != [file_id] else ()
    after.entries[file_id] = replace(entry, docs=docs)
    return True


def unreadable(stat: os.stat_result, records: bool) -> str | None:
    """Why a file is not read at all, if it is not."""
    if not S_ISREG(stat.st_mode):  # a FIFO would block the read forever
        return "not a regular file"
    if records and stat.st_size > MAX_RECORD_FILE_BYTES:
        return f"over {MAX_RECORD_FILE_BYTES >> 20:,} MB of records: split it into smaller files"
    return None


def read_bytes(path: Path, whole: bool = False) -> bytes:
    """The file's bytes, or, unless ``whole``, its first 4 * MAX_CHARS (whole characters, if
    UTF-8) when bigger.

    A document is cut at MAX_CHARS anyway; reading a multi-gigabyte file whole would only
    exhaust memory. A cut file hashes by what was read, which still changes with its size.
    A file of records is read whole (each record is cut on its own; the file's size is
    bounded by MAX_RECORD_FILE_BYTES).
    """
    from bgsearch.documents import MAX_CHARS

    limit = 4 * MAX_CHARS
    with open(path, "rb") as f:
        if whole:
            return f.read()
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


def document_fields(document: Document) -> dict[str, str | None]:
    """A document's stored fields and its terms, field by field, space-separated: what both
    backends write (see store.py and pgwrite.py)."""
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
