"""Exit statuses and the errors a user can act on, in one place.

The core raises :class:`BgsearchError` subclasses whose message names the fix; the CLI turns
them into one ``bgsearch: error: ...`` line and :attr:`ExitStatus.ERROR`.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """grep's meaning, so that scripts can branch on the result."""

    HITS = 0
    NO_HITS = 1
    ERROR = 2
    INTERRUPTED = 130


class BgsearchError(Exception):
    """An error the user can fix; ``str(error)`` says what happened and what to do."""


class IndexMissingError(BgsearchError):
    """There is no index where one was expected."""


class NotAnIndexError(BgsearchError):
    """A folder holds files that are not a bgsearch index; we never write into it."""


class IndexLockedError(BgsearchError):
    """Another process holds the index's write lock."""


class IndexIncompatibleError(BgsearchError):
    """The index was written in a format this version cannot read."""


class IndexDamagedError(BgsearchError):
    """Reading the index failed: a file of it is truncated or corrupt."""


class InterruptedRunError(BgsearchError):
    """Ctrl-C stopped an indexing run, which kept what it had done; the message says so."""


class NothingToIndexError(BgsearchError):
    """The given paths held no file that could be indexed."""


def rebuild_hint(index_dir: object) -> str:
    """The command that rebuilds an index, named right: from the articles, into the index."""
    return (
        f"rebuild it from its articles with 'bgsearch index --rebuild ARTICLES --index {index_dir}'"
    )
