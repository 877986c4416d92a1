"""SIGKILL during indexing, at random moments: the index always opens, answers from its last
commit, and a re-run completes it. Slow: run with `make test-slow`."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from tests.conftest import bgsearch
from tests.test_indexing_runs import generate

BIN = Path(sys.executable).parent
FILES, EVERY = 6000, 500


def committed(index: Path) -> int:
    if not (index / "bgsearch.json").exists() or not whoosh_index.exists_in(str(index)):
        return 0
    with whoosh_index.open_dir(str(index)).searcher() as searcher:
        return int(searcher.doc_count())


@pytest.mark.slow
def test_sigkill_at_random_moments_never_breaks_the_index(tmp_path: Path) -> None:
    docs = generate(tmp_path / "docs", FILES)
    index = tmp_path / "ix"
    moments = random.Random(20261122)
    counts = []
    for _ in range(6):
        proc = subprocess.Popen(
            [BIN / "bgsearch", "index", str(docs), "--index", str(index), "--commit-every", "500"],
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(moments.uniform(0.3, 3.0))
        if committed(index):  # while it writes, queries answer from the last commit
            during = bgsearch("query", "tuần tra", "--index", str(index), "--json", "-n", "1")
            assert during.exit_code == 0, during.stderr
        os.killpg(proc.pid, signal.SIGKILL)  # the parent and its writer workers
        proc.wait()
        count = committed(index)
        counts.append(count)
        # whole commits only, and never fewer than before
        assert count % EVERY == 0 or count == FILES, counts
        assert counts == sorted(counts)
        if count:
            run = bgsearch("query", "tuần tra", "--index", str(index), "--json", "-n", "3")
            assert run.exit_code == 0, run.stderr
    run = bgsearch("index", str(docs), "--index", str(index))
    assert run.exit_code == 0, run.stderr
    assert committed(index) == FILES
    assert bgsearch("query", "mã5999", "--index", str(index), "--json").ids == ["a05999.txt"]
    print("documents committed after each kill:", counts)  # for the closing note (-s)


@pytest.mark.slow
def test_ctrl_c_during_a_first_build_keeps_what_was_indexed(tmp_path: Path) -> None:
    docs = generate(tmp_path / "docs", FILES)
    index = tmp_path / "ix"
    proc = subprocess.Popen(
        [BIN / "bgsearch", "index", str(docs), "--index", str(index)],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    while not (index / "bgsearch.building").exists():  # the run has started writing
        time.sleep(0.01)
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the parent and its workers
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    (line,) = stderr.splitlines()
    assert line.startswith("bgsearch: interrupted: ")
    assert line.endswith("run the same command again to index the rest")
    kept = int(line.split(": ")[2].split(" of ")[0].replace(",", ""))
    assert 0 < kept < FILES
    assert committed(index) == kept  # every file it said it did, nothing more
    assert not (index / "bgsearch.building").exists()
    run = bgsearch("index", str(docs), "--index", str(index))
    assert run.exit_code == 0, run.stderr
    assert committed(index) == FILES
    assert bgsearch("query", "mã5999", "--index", str(index), "--json").ids == ["a05999.txt"]
