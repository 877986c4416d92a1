"""The index on disk: its format, field names and Whoosh schema, opening it for reading, and
the marker a run writing into it leaves.

Whoosh never sees our analysis code: the text functions turn each field into space-separated
terms, and the schema uses Whoosh's own space tokenizer. The index therefore pickles no class
of ours (Whoosh stores the schema as a pickle), so moving code inside bgsearch can never make
an index unreadable, and each field is tokenized once, not once per form. Writing it is
:mod:`bgsearch.index`'s job.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import fields, index
from whoosh.analysis import SpaceSeparatedTokenizer

from bgsearch import safeload
from bgsearch.errors import (
    IndexDamagedError,
    IndexIncompatibleError,
    IndexMissingError,
    rebuild_hint,
)

__all__ = ["FORMAT", "MARKER", "build_under_way", "open_index", "schema"]

safeload.install()  # before any index is opened: reading one never runs code from it

# Bump when the schema or the analysis changes so that old indexes no longer match queries.
FORMAT = 7
MARKER = "bgsearch.json"
# Files a version-controlled empty folder may hold (the repo's own index/ has a .gitignore).
PLACEHOLDERS = frozenset({".gitignore", ".gitkeep"})
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


def schema() -> fields.Schema:
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


def open_index(index_dir: Path) -> Any:
    """Open an existing bgsearch index for reading, or say why not."""
    marker = index_dir / MARKER
    if not marker.is_file() or not opened(index_dir, index.exists_in):
        raise IndexMissingError(f"no index at {index_dir} (run 'bgsearch index DIR' first)")
    check_format(marker)
    return opened(index_dir, index.open_dir)


def opened(index_dir: Path, how: Callable[[str], Any]) -> Any:
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


def check_format(marker: Path) -> None:
    try:
        found = json.loads(marker.read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError, AttributeError):
        found = None
    if found != FORMAT:
        raise IndexIncompatibleError(
            f"the index at {marker.parent} was made by another version of bgsearch "
            f"(format {found}, this version reads {FORMAT}); " + rebuild_hint(marker.parent)
        )


BUILDING = "bgsearch.building"


@contextmanager
def announced(index_dir: Path, files: int, now: float) -> Iterator[None]:
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
