"""Documents to index: the Whoosh schema, creating, opening and writing the index on disk.

Whoosh never sees our analysis code: the text functions turn each field into space-separated
terms, and the schema uses Whoosh's own space tokenizer. The index therefore pickles no class
of ours (Whoosh stores the schema as a pickle), so moving code inside bgsearch can never make
an index unreadable, and each field is tokenized once, not once per form.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import fields, index, writing
from whoosh.analysis import SpaceSeparatedTokenizer

from bgsearch.documents import Document, Skip, discover, read_document
from bgsearch.errors import (
    IndexIncompatibleError,
    IndexLockedError,
    IndexMissingError,
    NotAnIndexError,
)
from bgsearch.text import analyze

__all__ = ["FORMAT", "IndexReport", "build_index", "open_index"]

# Bump when the schema or the analysis changes so that old indexes no longer match queries.
FORMAT = 2
MARKER = "bgsearch.json"
# Files a version-controlled empty folder may hold (the repo's own index/ has a .gitignore).
PLACEHOLDERS = frozenset({".gitignore", ".gitkeep"})

# Field names: stored fields for display, indexed term fields for each form.
ID, PATH, TITLE, BODY = "id", "path", "title", "body"
TITLE_EXACT, TITLE_FOLDED, BODY_EXACT, BODY_FOLDED = (
    "title_exact",
    "title_folded",
    "body_exact",
    "body_folded",
)
# Neighbouring syllables as single terms (see text.analyze): adjacency without positions.
TITLE_PAIRS, BODY_PAIRS = "title_pairs", "body_pairs"


def _schema() -> fields.Schema:
    def terms(positions: bool = True) -> fields.TEXT:
        return fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=positions)

    return fields.Schema(
        **{
            ID: fields.ID(unique=True, stored=True),
            PATH: fields.STORED(),
            TITLE: fields.STORED(),
            BODY: fields.STORED(),
            TITLE_EXACT: terms(),
            TITLE_FOLDED: terms(),
            BODY_EXACT: terms(),
            BODY_FOLDED: terms(),
            TITLE_PAIRS: terms(positions=False),
            BODY_PAIRS: terms(positions=False),
        }
    )


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one indexing run did."""

    index_dir: Path
    indexed: int
    skipped: list[Skip] = field(default_factory=list)
    seconds: float = 0.0


class Progress:
    """Told how many files there are, then of each one done. The default says nothing."""

    def start(self, total: int) -> None:
        """Called once, before the first file."""

    def advance(self) -> None:
        """Called after each file, indexed or skipped."""


def open_index(index_dir: Path) -> Any:
    """Open an existing bgsearch index for reading, or say why not."""
    marker = index_dir / MARKER
    if not marker.is_file() or not index.exists_in(str(index_dir)):
        raise IndexMissingError(f"no index at {index_dir} (run 'bgsearch index DIR' first)")
    _check_format(marker)
    try:
        return index.open_dir(str(index_dir))
    except Exception as error:  # Whoosh raises many types for a damaged index
        raise IndexIncompatibleError(
            f"the index at {index_dir} cannot be read ({type(error).__name__}); "
            f"rebuild it with 'bgsearch index --rebuild DIR'"
        ) from error


def _check_format(marker: Path) -> None:
    try:
        found = json.loads(marker.read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError, AttributeError):
        found = None
    if found != FORMAT:
        raise IndexIncompatibleError(
            f"the index at {marker.parent} was made by another version of bgsearch "
            f"(format {found}, this version reads {FORMAT}); "
            f"rebuild it with 'bgsearch index --rebuild DIR'"
        )


def _prepare(index_dir: Path, rebuild: bool) -> tuple[Any, bool]:
    """Open the index for writing, creating it if needed; True when it starts empty."""
    marker = index_dir / MARKER
    if marker.is_file():
        if not rebuild:
            _check_format(marker)
            return index.open_dir(str(index_dir)), False
        try:
            _check_format(marker)
            return index.open_dir(str(index_dir)), True
        except (IndexIncompatibleError, index.EmptyIndexError):
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


def build_index(
    paths: Sequence[Path],
    index_dir: Path,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    now: Callable[[], float] = time.monotonic,
) -> IndexReport:
    """Index every article file under ``paths`` into ``index_dir``.

    Files that cannot be indexed are listed in the report, not raised: one bad file never
    stops a run. Nothing is created when no article file is found.

    Re-running replaces documents with the same id. With ``rebuild`` the new set of documents
    replaces the old index in a single commit, so the old one stays readable until then.
    """
    started = now()
    progress = progress or Progress()
    sources, skipped = discover(paths, exclude=index_dir)
    if not sources:
        return IndexReport(index_dir, 0, skipped, now() - started)
    ix, fresh = _prepare(index_dir, rebuild)
    try:
        writer = ix.writer(limitmb=1024)
    except index.LockError as error:
        raise IndexLockedError(
            f"index is locked by another bgsearch process ({index_dir})"
        ) from error
    indexed = 0
    try:
        add = writer.add_document if fresh else writer.update_document
        progress.start(len(sources))
        for source in sources:
            document = read_document(source)
            if isinstance(document, Skip):
                skipped.append(document)
            else:
                add(**_fields(document))
                indexed += 1
            progress.advance()
    except BaseException:
        writer.cancel()
        raise
    if indexed or rebuild:
        writer.commit(mergetype=writing.CLEAR if rebuild else None)
    else:
        writer.cancel()
    return IndexReport(index_dir, indexed, skipped, now() - started)


def _fields(document: Document) -> dict[str, str]:
    title = analyze(document.title)
    body = analyze(document.body)
    return {
        ID: document.doc_id,
        PATH: document.path,
        TITLE: document.title,
        BODY: document.body,
        TITLE_EXACT: " ".join(title.exact),
        TITLE_FOLDED: " ".join(title.folded),
        BODY_EXACT: " ".join(body.exact),
        BODY_FOLDED: " ".join(body.folded),
        TITLE_PAIRS: " ".join(title.pairs),
        BODY_PAIRS: " ".join(body.pairs),
    }
