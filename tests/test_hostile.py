"""Hostile folders and hostile text: indexing finishes, every skip is explained, and no
article text reaches the terminal raw."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from bgsearch.index import Progress, build_index
from tests.conftest import bgsearch

ESC = "\x1b"


def hostile_folder(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("Tuần tra biên giới\nĐồn Biên phòng tuần tra.\n", "utf-8")
    (docs / "binary.txt").write_bytes(random.Random(7).randbytes(4096))
    (docs / "empty.txt").write_bytes(b"")
    (docs / "blank.txt").write_text(" \n\t\n", "utf-8")
    (docs / "zeros.txt").write_bytes(b"\0" * 1000)
    (docs / "invalid.txt").write_bytes(b"tu\xe1n \xff\xfe\xfd tra \x80\x81")
    (docs / "nul.txt").write_bytes("Cửa khẩu\0quốc tế\nhàng\0hóa".encode())
    (docs / "huge.txt").write_bytes(b"h\xe1\xbb\x99i ngh\xe1\xbb\x8b " * 5_000_000)  # 50 MB, 1 line
    (docs / "loop.txt").symlink_to("loop.txt")
    (docs / "dirloop").mkdir()
    (docs / "dirloop" / "up").symlink_to("..")
    os.mkfifo(docs / "fifo.txt")
    (docs / os.fsdecode(b"t\xean-h\xe1\xbb\x8fng.txt")).write_text("Tên hỏng\nmốc giới", "utf-8")
    (docs / f"{ESC}[31mred.txt").write_text(f"{ESC}[2JTuần tra{ESC}]0;pwned\a\nmốc giới", "utf-8")
    return docs


def test_a_hostile_folder_indexes_what_it_can_and_says_why_not_the_rest(tmp_path: Path) -> None:
    hostile_folder(tmp_path)
    run = bgsearch("index", "docs")
    assert run.exit_code == 0, run.stderr
    assert "Traceback" not in run.stderr
    skips = {
        line.removeprefix("bgsearch: skipped ").partition(": ")[0]: line
        for line in run.stderr.splitlines()
        if line.startswith("bgsearch: skipped ")
    }
    assert set(skips) == {
        "docs/binary.txt",
        "docs/blank.txt",
        "docs/empty.txt",
        "docs/fifo.txt",
        "docs/invalid.txt",
        "docs/loop.txt",
        "docs/zeros.txt",
    }, run.stderr
    assert skips["docs/fifo.txt"].endswith("not a regular file")
    assert "Too many levels of symbolic links" in skips["docs/loop.txt"]
    assert "not UTF-8 text" in skips["docs/invalid.txt"]
    assert ESC not in run.stderr
    assert "indexed 5 files" in run.stderr
    assert "skipped 7" in run.stderr
    assert "bgsearch: note: docs/huge.txt: only the first 2,000,000 characters are indexed" in (
        run.stderr
    )
    assert bgsearch("query", "cửa khẩu quốc tế", "--json").ids == ["nul.txt"]
    assert bgsearch("query", "hội nghị", "--json").ids == ["huge.txt"]


def test_a_file_deleted_mid_run_is_a_skip(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "gone.txt"):
        (docs / name).write_text("Tuần tra\nbiên giới", "utf-8")

    class DeleteOnStart(Progress):
        def start(self, total: int) -> None:
            (docs / "gone.txt").unlink()

    report = build_index([docs], tmp_path / "ix", progress=DeleteOnStart())
    assert report.indexed == 1
    assert [(Path(s.path).name, s.reason) for s in report.skipped] == [
        ("gone.txt", "No such file or directory")
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_a_skip(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Tuần tra\nbiên giới", "utf-8")
    (docs / "secret.txt").write_text("Tuần tra\nbiên giới", "utf-8")
    (docs / "secret.txt").chmod(0)
    run = bgsearch("index", "docs")
    assert run.exit_code == 0
    assert "bgsearch: skipped docs/secret.txt: Permission denied\n" in run.stderr


def test_control_characters_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    hostile_folder(tmp_path)
    (tmp_path / "docs" / "huge.txt").unlink()
    assert bgsearch("index", "docs").exit_code == 0
    people = bgsearch("query", "mốc giới")
    assert people.exit_code == 0
    assert ESC not in people.stdout
    assert "\a" not in people.stdout
    assert "\\x1b[31mred.txt" in people.stdout  # shown, harmlessly
    machine = bgsearch("query", "mốc giới", "--json")
    assert ESC not in machine.stdout  # JSON escapes it as \u001b
    records = {r["id"]: r for r in machine.records}
    red = records[f"{ESC}[31mred.txt"]
    # control characters inside article text are made spaces when it is read
    assert red["title"] == "[2JTuần tra ]0;pwned"
    undecodable = [k for k in records if k.startswith("t")]
    assert len(undecodable) == 1
    json.dumps(records)  # every id is valid JSON text
    # every other command that prints article text or ids
    red_id = f"{ESC}[31mred.txt"
    for args in (
        ["show", red_id],
        ["show", red_id, "--json"],
        ["show", red_id, "--highlight", "tuần tra"],
        ["similar", red_id],
        ["similar", red_id, "--json"],
        ["similar", f"{ESC}[2Jnope"],
        ["show", f"{ESC}[2Jnope"],
        ["query", "mốc giới", "--facet", "source"],
        ["query", "mốc giới", "--all"],
        ["stats"],
    ):
        run = bgsearch(*args)
        assert run.exit_code in (0, 1), args
        assert ESC not in run.stdout, args
        assert ESC not in run.stderr, args
        assert "\a" not in run.stdout, args


def test_links_out_of_the_folder_are_followed_only_when_asked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Mật\nbiên giới", "utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Tuần tra\nbiên giới", "utf-8")
    (docs / "b.txt").symlink_to("a.txt")  # inside: fine
    (docs / "leak.txt").symlink_to(outside / "secret.txt")
    (docs / "more").symlink_to(outside)
    run = bgsearch("index", "docs")
    assert run.exit_code == 0
    assert (
        "bgsearch: skipped docs/leak.txt: a link out of the folder (--follow-symlinks follows it)"
        in run.stderr
    )
    assert sorted(bgsearch("query", "biên giới", "--json").ids) == ["a.txt", "b.txt"]
    run = bgsearch("index", "docs", "--follow-symlinks", "--rebuild")
    assert run.exit_code == 0
    found = sorted(bgsearch("query", "biên giới", "--json").ids)
    assert found == ["a.txt", "b.txt", "leak.txt", "more/secret.txt"]


def test_following_links_never_loops(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "a").mkdir(parents=True)
    (docs / "a" / "x.txt").write_text("Tuần tra\nbiên giới", "utf-8")
    (docs / "a" / "up").symlink_to("..")
    (docs / "a" / "self").symlink_to(".")
    run = bgsearch("index", "docs", "--follow-symlinks")
    assert run.exit_code == 0, run.stderr
    assert bgsearch("query", "biên giới", "--json").ids == ["a/x.txt"]
