"""An index never runs code: every pickle Whoosh reads goes through bgsearch's allowlist."""

from __future__ import annotations

import gc
import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from bgsearch import safeload
from tests.conftest import SEEDS, bgsearch

SEED_ID = "000_be02ca9d750bc506.txt"


class _Payload:
    """Unpickled, it would create ``marker``: what a crafted index would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _plant(index: Path, part: str, marker: Path) -> None:
    """Replace the schema or the segment list of the index's table of contents (Whoosh's
    TOC layout: two size varints, -12345, version int, three release varints, the schema
    pickle as a length-prefixed string, generation and counter ints, the segments pickle)."""
    (toc,) = index.glob("_MAIN_*.toc")
    data = toc.read_bytes()
    _, pos = _varint(data, 0)
    _, pos = _varint(data, pos)
    pos += 8
    for _ in range(3):
        _, pos = _varint(data, pos)
    length, start = _varint(data, pos)
    end = start + length
    evil = pickle.dumps(_Payload(marker), 2)
    if part == "schema":
        data = data[:pos] + bytes([len(evil)]) + evil + data[end:]
    else:
        data = data[: end + 8] + evil
    toc.write_bytes(data)


@pytest.fixture
def planted(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    assert bgsearch("index", "seeds").exit_code == 0
    marker = tmp_path / "ran-code"
    _plant(tmp_path / "index", request.param, marker)
    return marker


COMMANDS = [
    ("query", "tuần tra"),
    ("show", SEED_ID),
    ("stats",),
    ("similar", SEED_ID),
    ("index", "seeds"),
]


# Whoosh leaves the table of contents open when reading it fails; the CLI process ends there.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("planted", ["schema", "segments"], indirect=True)
@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_crafted_index_runs_no_code(planted: Path, command: tuple[str, ...]) -> None:
    run = bgsearch(*command)
    assert not planted.exists()
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith("bgsearch: error: the index at index ")
    gc.collect()  # the handles Whoosh left open go here, not in a later test


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("planted", ["schema"], indirect=True)
def test_the_error_s_command_rebuilds_a_crafted_index(planted: Path) -> None:
    assert bgsearch("index", "--rebuild", "seeds", "--index", "index").exit_code == 0
    assert not planted.exists()
    assert bgsearch("query", "tuần tra").exit_code == 0


def test_the_allowlist_holds_what_a_real_index_names(tmp_path: Path) -> None:
    """Every global the pickles of a real index name, recorded over every command."""
    named: set[tuple[str, str]] = set()
    allowed = safeload.ALLOWED

    class Recording(frozenset[tuple[str, str]]):
        def __contains__(self, item: object) -> bool:
            named.add(item)  # type: ignore[arg-type]
            return item in allowed

    safeload.ALLOWED = Recording()
    try:
        shutil.copytree(SEEDS, tmp_path / "seeds")
        assert bgsearch("index", "seeds").exit_code == 0
        (tmp_path / "seeds" / "001_fc5f8b3da818ae50.txt").unlink()  # a deletion too
        assert bgsearch("index", "seeds").exit_code == 0
        for command in [
            ("query", "tuần tra chung"),
            ("query", "biên*"),
            ("query", '"biên giới quốc"'),
            ("query", "tuần", "--facet", "year"),
            ("show", SEED_ID),
            ("stats",),
            ("similar", SEED_ID),
        ]:
            assert bgsearch(*command).exit_code in (0, 1)
    finally:
        safeload.ALLOWED = allowed
    assert named
    assert named <= allowed, named - allowed
    assert ("posix", "system") not in allowed


class _Named:
    """Pickled by reference to its class: a global."""


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_plain_data_loads_and_every_way_of_naming_a_global_meets_the_allowlist(
    tmp_path: Path, protocol: int
) -> None:
    # what posting blocks hold: tuples of numbers (the fast path: no global named)
    block = (42, 29, 45, 4000, 70000, 2**40, 1.5, b"ids", "text")
    assert safeload.safe_loads(pickle.dumps(block, protocol)) == block
    marker = tmp_path / "ran-code"
    for evil in (_Payload(marker), _Named(), {"nested": [(_Payload(marker),)]}):
        with pytest.raises(pickle.UnpicklingError):
            safeload.safe_loads(pickle.dumps(evil, protocol))
    assert not marker.exists()


def test_a_pickle_naming_a_global_by_an_extension_code_meets_the_allowlist() -> None:
    import copyreg

    copyreg.add_extension(__name__, "_Named", 240)
    try:
        data = pickle.dumps(_Named(), 2)
        assert b"\x82" in data  # EXT1, no module or name in the pickle
        with pytest.raises(pickle.UnpicklingError):
            safeload.safe_loads(data)
    finally:
        copyreg.remove_extension(__name__, "_Named", 240)
