"""Indexing runs as processes: parallel writers, commits along the way, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from whoosh import index as whoosh_index

from bgsearch.index import build_index
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


def test_ctrl_c_stops_cleanly_and_keeps_what_was_committed(tmp_path: Path) -> None:
    docs = generate(tmp_path / "docs", 3000)
    index = tmp_path / "ix"
    # a first commit of the seeds, which the interrupted run must not lose
    assert bgsearch("index", str(SEEDS), "--index", str(index)).exit_code == 0
    proc = subprocess.Popen(
        [BIN / "bgsearch", "index", str(docs), "--index", str(index)],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C would see it
    )
    time.sleep(1.5)
    os.killpg(proc.pid, signal.SIGINT)  # the whole group, workers included, like a terminal
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr.splitlines()[-1] == "bgsearch: interrupted"
    assert "Traceback" not in stderr
    assert not list(index.glob("*.doclist"))
    # the index still answers, with at least what was committed before
    found = bgsearch("query", "tuần tra", "--index", str(index), "--json").ids
    assert any(doc_id.startswith("000_") for doc_id in found)
    run = bgsearch("index", str(docs), "--index", str(index))
    assert run.exit_code == 0, run.stderr
    assert bgsearch("query", "mã2999", "--index", str(index), "--json").ids == [
        "docs/a02999.txt"
    ]  # docs/: the second folder of the index
