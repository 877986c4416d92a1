"""Indexing runs as processes: parallel writers, commits along the way, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from bgsearch.errors import InterruptedRunError
from bgsearch.index import Progress, build_index
from bgsearch.search import Searcher
from tests.conftest import SEEDS, bgsearch

BIN = Path(sys.executable).parent
WORDS = [
    "tuần",
    "tra",
    "biên",
    "giới",
    "đồn",
    "biên",
    "phòng",
    "cửa",
    "khẩu",
    "an",
    "ninh",
    "trật",
    "tự",
    "công",
    "an",
    "xã",
    "nhân",
    "dân",
    "phối",
    "hợp",
    "lực",
    "lượng",
    "bảo",
    "vệ",
    "chủ",
    "quyền",
    "lãnh",
    "thổ",
    "mốc",
    "quốc",
    "giới",
    "hòa",
    "bình",
    "hữu",
    "nghị",
]


def generate(folder: Path, count: int) -> Path:
    """``count`` small distinct articles, deterministic."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        words = [WORDS[(n * 7 + k * k) % len(WORDS)] for k in range(60)]
        title = f"Bản tin số {n}: {' '.join(words[:6])}"
        (folder / f"a{n:05d}.txt").write_text(f"{title}\n{' '.join(words)} mã{n}.\n", "utf-8")
    return folder


def ranked(index: Path, query: str) -> list[tuple[str, float]]:
    with Searcher(index) as searcher:
        return [(h.id, h.score) for h in searcher.search(query, 50, snippets=False)]


def test_parallel_writers_and_mid_run_commits_index_the_same(tmp_path: Path) -> None:
    docs = generate(tmp_path / "docs", 60)
    serial = build_index([docs], tmp_path / "serial", parallel_from=10_000)
    parallel = build_index([docs], tmp_path / "parallel", parallel_from=1, commit_every=25)
    assert serial.indexed == parallel.indexed == 60
    # mid-run commits and worker segments: several segments, the same answers
    with whoosh_index.open_dir(str(tmp_path / "parallel")).reader() as reader:
        assert len(reader.leaf_readers()) >= 2
    for query in ("tuần tra", "hoa binh huu nghi", '"biên giới"', "mã7"):
        assert ranked(tmp_path / "serial", query) == ranked(tmp_path / "parallel", query)


def test_a_re_run_after_a_partial_run_indexes_only_the_rest(tmp_path: Path) -> None:
    docs = generate(tmp_path / "docs", 30)
    first = build_index([docs], tmp_path / "ix", commit_every=10)
    assert first.indexed == 30
    again = build_index([docs], tmp_path / "ix")
    assert (again.indexed, again.unchanged) == (0, 30)


class _CtrlCAt(Progress):
    """Presses Ctrl-C (SIGINT to this process) when file number ``at`` is done."""

    def __init__(self, at: int) -> None:
        self.at, self.done = at, 0

    def advance(self) -> None:
        self.done += 1
        if self.done == self.at:
            os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.parametrize("parallel_from", [1, 10_000], ids=["workers", "one-process"])
def test_ctrl_c_stops_after_the_file_at_hand_and_keeps_every_file_done(
    tmp_path: Path, parallel_from: int
) -> None:
    docs = generate(tmp_path / "docs", 1200)
    index = tmp_path / "ix"
    # a first commit of the seeds, which the interrupted run must not lose
    assert bgsearch("index", str(SEEDS), "--index", str(index)).exit_code == 0
    with pytest.raises(InterruptedRunError) as stopped:
        build_index([docs], index, progress=_CtrlCAt(700), parallel_from=parallel_from)
    assert str(stopped.value) == (
        f"interrupted: 700 of 1,200 files done and kept in {index};"
        " run the same command again to index the rest"
    )  # on 225431c: KeyboardInterrupt, the writer cancelled, all 700 lost
    assert not (index / "bgsearch.building").exists()
    with whoosh_index.open_dir(str(index)).searcher() as searcher:
        assert searcher.doc_count() == 5 + 700
    assert bgsearch("query", "mã699", "--index", str(index), "--json").ids == ["docs/a00699.txt"]
    again = bgsearch("index", str(docs), "--index", str(index))
    assert again.exit_code == 0, again.stderr
    assert "indexed 500 files" in again.stderr  # the rest, not the 700 again
    assert bgsearch("query", "mã1199", "--index", str(index), "--json").ids == [
        "docs/a01199.txt"
    ]  # docs/: the second folder of the index


class _CtrlCAtTheSecond(_CtrlCAt):
    def __init__(self) -> None:
        super().__init__(2)


def test_ctrl_c_says_so_in_one_line_and_exits_130(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("bgsearch.index.Progress", _CtrlCAtTheSecond)
        run = bgsearch("index", str(SEEDS), "--index", str(index))
    assert run.exit_code == 130, run.stderr
    assert run.stderr == (
        f"bgsearch: interrupted: 2 of 5 files done and kept in {index};"
        " run the same command again to index the rest\n"
    )
    stats = bgsearch("stats", "--index", str(index), "--json").stdout
    assert json.loads(stats)["documents"] == 2


def _children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_worker_processes_end_when_the_indexing_process_is_killed(tmp_path: Path) -> None:
    docs = generate(tmp_path / "docs", 1000)  # the fewest files that get workers
    index = tmp_path / "ix"
    command = [str(BIN / "bgsearch"), "index", str(docs), "--index", str(index)]
    proc = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(workers := _children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) >= 2, "no worker processes started"
    proc.kill()  # the parent alone, as the OOM killer would
    proc.wait()
    deadline = time.monotonic() + 15
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left  # Whoosh's workers waited on their queue forever
    # what they had written is no part of the index, and the next run removes it
    again = bgsearch("index", str(docs), "--index", str(index))
    assert again.exit_code == 0, again.stderr
    ix = whoosh_index.open_dir(str(index))
    assert ix.doc_count() == 1000
    segments = {segment.segment_id() for segment in ix._segments()}
    assert {p.name.split(".")[0] for p in index.glob("MAIN_*.*")} == segments
