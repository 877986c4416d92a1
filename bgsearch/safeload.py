"""Reading an index never runs code from it: Whoosh's pickles through an allowlist.

Whoosh stores its table of contents (the schema), the segment list, posting blocks and, in
Whoosh 2.7, stored fields as Python pickles, and unpickling can call any function a file
names. Indexes get passed around (a colleague's archive, a folder in a repo), so every
unpickling Whoosh does on bgsearch's behalf goes through :func:`safe_loads`, which admits only
the classes a real bgsearch index holds (``ALLOWED``; ``tests/test_safeload.py`` lists what a
real index contains) and raises :class:`pickle.UnpicklingError` for anything else, which the
searcher reports as a damaged index.

:func:`install` swaps Whoosh's own ``pickle.load``/``loads`` references for these, in every
module of either distribution (whoosh3, whoosh-reloaded) that reads a pickle.
"""

from __future__ import annotations

import importlib
import pickle
import types
from typing import IO, Any

__all__ = ["ALLOWED", "install", "safe_load", "safe_loads"]

# (module, name) of every global a bgsearch index's pickles name: the schema and its field
# types, formats and analyzer; segment objects; arrays inside posting blocks.
ALLOWED = frozenset(
    {
        # what pickles of bgsearch indexes name (tests/test_safeload.py records them)
        ("_codecs", "encode"),  # how pickle writes bytes: encodes a str, nothing else
        ("builtins", "int"),
        ("collections", "defaultdict"),
        ("re", "_compile"),
        ("whoosh.analysis.tokenizers", "IDTokenizer"),
        ("whoosh.analysis.tokenizers", "RegexTokenizer"),
        ("whoosh.codec.whoosh3", "W3Codec"),
        ("whoosh.codec.whoosh3", "W3Segment"),
        ("whoosh.columns", "VarBytesColumn"),
        ("whoosh.fields", "ID"),
        ("whoosh.fields", "KEYWORD"),
        ("whoosh.fields", "STORED"),
        ("whoosh.fields", "Schema"),
        ("whoosh.fields", "TEXT"),
        ("whoosh.formats", "Existence"),
        ("whoosh.formats", "Frequency"),
        ("whoosh.formats", "Positions"),
        # deleted documents in a segment, and posting arrays: plain data
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("array", "array"),
        ("array", "_array_reconstructor"),
    }
)


class _Allowlisted(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"the index names {module}.{name}, which no index holds")
        return super().find_class(module, name)


def safe_load(file: IO[bytes]) -> Any:
    """``pickle.load``, admitting only the globals in ``ALLOWED``."""
    return _Allowlisted(file).load()


class _Input:
    """Bytes to unpickle, as a file with ``peek``: the C unpickler then takes its input in
    one piece. From an ``io.BytesIO``, which has no ``peek``, it calls ``read`` for every
    opcode: a posting block of the corpus unpickled in 28 us that way, 8 us this way, as
    fast as ``pickle.loads``."""

    __slots__ = ("_at", "_data")

    def __init__(self, data: bytes) -> None:
        self._data = bytes(data)
        self._at = 0

    def peek(self, size: int = 0) -> bytes:
        return self._data[self._at :]

    def read(self, size: int = -1) -> bytes:
        start = self._at
        self._at = len(self._data) if size < 0 else min(start + size, len(self._data))
        return self._data[start : self._at]

    def readinto(self, buffer: memoryview) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def readline(self) -> bytes:
        end = self._data.find(b"\n", self._at)
        return self.read(-1 if end < 0 else end + 1 - self._at)


def safe_loads(data: bytes) -> Any:
    """``pickle.loads``, admitting only the globals in ``ALLOWED``."""
    return _Allowlisted(_Input(data)).load()


def _pickle_module() -> types.ModuleType:
    """The ``pickle`` module as Whoosh's TOC reader sees it: loads and load allowlisted."""
    shim = types.ModuleType("pickle")
    shim.__dict__.update(pickle.__dict__)
    shim.loads = safe_loads  # type: ignore[attr-defined]
    shim.load = safe_load  # type: ignore[attr-defined]
    return shim


# module -> names it imported from pickle (or the pickle module itself), in whoosh3 and in
# Whoosh 2.7 (whoosh-reloaded): each is replaced where the module has it.
_SITES = {
    "whoosh.index": ("pickle",),
    "whoosh.filedb.fileindex": ("pickle",),
    "whoosh.filedb.structfile": ("load", "loads", "load_pickle"),
    "whoosh.filedb.misc": ("loads", "depickle"),
    "whoosh.filedb.filereading": ("loads",),
    "whoosh.codec.whoosh3": ("loads", "load"),
    "whoosh.columns": ("loads", "load"),
    "whoosh.formats": ("loads",),
}
_installed = False


def install() -> None:
    """Route every unpickling in Whoosh's readers through the allowlist (once)."""
    global _installed  # noqa: PLW0603 - one process-wide switch
    if _installed:
        return
    replacements = {
        "pickle": _pickle_module(),
        "load": safe_load,
        "load_pickle": safe_load,
        "loads": safe_loads,
        "depickle": safe_loads,
    }
    for module_name, names in _SITES.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in names:
            current = getattr(module, name, None)
            if current is None:
                continue
            # marshal's loads (stored fields) builds data and never calls: left alone
            if name == "pickle" or current in (pickle.load, pickle.loads):
                setattr(module, name, replacements[name])
    _installed = True
