"""`bgsearch index`: what gets indexed, the summary, re-runs, and the index folder's safety."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from tests.conftest import SEEDS, bgsearch, write_articles


def test_indexes_the_seeds_with_a_summary_on_stderr(tmp_path: Path) -> None:
    run = bgsearch("index", str(SEEDS))
    assert run.exit_code == 0
    assert run.stdout == ""
    assert run.stderr.startswith("bgsearch: indexed 5 files into index in ")
    assert run.stderr.endswith("; skipped 0\n")
    assert (tmp_path / "index" / "bgsearch.json").is_file()


def test_finds_txt_files_recursively_and_lists_every_skip(tmp_path: Path) -> None:
    docs = write_articles(
        tmp_path / "docs",
        {"a.txt": "Tuần tra\nbiên giới", "sub/deeper/b.TXT": "Công an\nxã", "notes.pdf": "x"},
    )
    (docs / "empty.txt").write_text("  \n", encoding="utf-8")
    (docs / "latin1.txt").write_bytes("Tuần tra".encode("utf-16-le"))
    (docs / ".hidden.txt").write_text("ẩn", encoding="utf-8")
    run = bgsearch("index", "docs", "missing-folder")
    assert run.exit_code == 0
    assert "bgsearch: skipped missing-folder: no such file or folder\n" in run.stderr
    assert "bgsearch: skipped docs/empty.txt: empty\n" in run.stderr
    assert (
        "bgsearch: skipped docs/latin1.txt: not UTF-8 text (byte 4) "
        "nor Vietnamese in cp1258, viscii, tcvn3, vni; try --encoding\n"
    ) in run.stderr
    assert "bgsearch: indexed 2 files" in run.stderr
    assert "skipped 3\n" in run.stderr
    found = bgsearch("query", "tuần OR công OR ẩn", "--json")
    assert sorted(found.ids) == ["a.txt", "sub/deeper/b.TXT"]


def test_bom_crlf_and_nfd_files_are_normalised(tmp_path: Path) -> None:
    import unicodedata

    text = "Tuần tra chung\r\nĐồn Biên phòng tổ chức tuần tra.\r\n"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode())
    nfd = unicodedata.normalize("NFD", text).encode()
    (tmp_path / "docs" / "nfd.txt").write_bytes(nfd)
    assert bgsearch("index", "docs").exit_code == 0
    records = bgsearch("query", "Đồn Biên phòng", "--json").records
    assert sorted(r["id"] for r in records) == ["bom.txt", "nfd.txt"]
    assert {r["title"] for r in records} == {"Tuần tra chung"}
    assert len({r["score"] for r in records}) == 1


def test_rerun_updates_instead_of_duplicating(tmp_path: Path) -> None:
    docs = write_articles(tmp_path / "docs", {"a.txt": "Tin một\ntuần tra", "b.txt": "Tin hai\nx"})
    assert bgsearch("index", "docs").exit_code == 0
    (docs / "a.txt").write_text("Tin một sửa\ntuần tra biên giới", encoding="utf-8")
    assert bgsearch("index", "docs").exit_code == 0
    records = bgsearch("query", "tuần tra", "--json").records
    assert [(r["id"], r["title"]) for r in records] == [("a.txt", "Tin một sửa")]


def test_rebuild_drops_documents_that_are_gone(tmp_path: Path) -> None:
    docs = write_articles(tmp_path / "docs", {"a.txt": "A\ntuần tra", "b.txt": "B\ntuần tra"})
    assert bgsearch("index", "docs").exit_code == 0
    (docs / "b.txt").unlink()
    assert bgsearch("index", "docs", "--rebuild").exit_code == 0
    assert bgsearch("query", "tuần tra", "--json").ids == ["a.txt"]


def test_nothing_to_index_is_an_error(tmp_path: Path) -> None:
    write_articles(tmp_path / "docs", {"a.pdf": "x", "b.docx": "y"})
    run = bgsearch("index", "docs")
    assert run.exit_code == 2
    # one line, the real cause (on 225431c: a summary line, then "nothing could be indexed")
    assert run.stderr == (
        "bgsearch: error: nothing to index in docs: bgsearch reads .htm, .html, .json, .jsonl,"
        " .markdown, .md, .txt, .xhtml files; found only .docx 1, .pdf 1\n"
    )
    assert not (tmp_path / "index").exists()


def test_markdown_and_xhtml_files_are_read_other_types_noted(tmp_path: Path) -> None:
    article = "Tuần tra biên giới\nĐồn Biên phòng tổ chức tuần tra chung.\n"
    html = "<html><head><title>Tuần tra</title></head><body><p>Cửa khẩu.</p></body></html>"
    write_articles(tmp_path / "docs", {"a.markdown": "# " + article, "b.xhtml": html, "c.pdf": "x"})
    run = bgsearch("index", "docs")
    assert run.exit_code == 0, run.stderr
    # on 225431c both were passed over without a word
    assert run.stderr.startswith("bgsearch: note: passed over 1 file of other types (.pdf 1)\n")
    assert "indexed 2 files" in run.stderr
    assert bgsearch("query", "cửa khẩu", "--json").ids == ["b.xhtml"]


def test_refuses_a_folder_that_is_not_an_index_and_leaves_it_alone(tmp_path: Path) -> None:
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.docx").write_text("do not touch", encoding="utf-8")
    run = bgsearch("index", str(SEEDS), "--index", str(precious))
    assert run.exit_code == 2
    assert run.stderr == (
        f"bgsearch: error: {precious} is not empty and is not a bgsearch index; "
        "choose another folder with --index\n"
    )
    assert sorted(p.name for p in precious.iterdir()) == ["chapter1.docx"]
    run = bgsearch("index", str(SEEDS), "--index", str(precious), "--rebuild")
    assert run.exit_code == 2
    assert sorted(p.name for p in precious.iterdir()) == ["chapter1.docx"]


def test_a_folder_with_only_a_gitignore_counts_as_empty(tmp_path: Path) -> None:
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / ".gitignore").write_text("*\n!.gitignore\n", encoding="utf-8")
    assert bgsearch("index", str(SEEDS)).exit_code == 0
    assert (tmp_path / "index" / ".gitignore").read_text(encoding="utf-8") == "*\n!.gitignore\n"


def test_index_inside_the_indexed_tree_is_not_indexed(tmp_path: Path) -> None:
    write_articles(tmp_path / "docs", {"a.txt": "A\ntuần tra"})
    run = bgsearch("index", "docs", "--index", "docs/idx")
    assert run.exit_code == 0
    assert "indexed 1 file " in run.stderr
    assert bgsearch("index", "docs", "--index", "docs/idx").exit_code == 0


def test_index_made_by_another_format_asks_for_rebuild(tmp_path: Path) -> None:
    assert bgsearch("index", str(SEEDS)).exit_code == 0
    (tmp_path / "index" / "bgsearch.json").write_text('{"format": 0}\n', encoding="utf-8")
    run = bgsearch("query", "tuần tra")
    assert run.exit_code == 2
    assert (
        "rebuild it from its articles with 'bgsearch index --rebuild ARTICLES --index index'"
        in run.stderr
    )
    assert bgsearch("index", str(SEEDS), "--rebuild").exit_code == 0
    assert bgsearch("query", "tuần tra").exit_code == 0


def test_the_index_pickles_no_bgsearch_class(tmp_path: Path) -> None:
    """Whoosh pickles the schema; ours must hold only Whoosh's own classes (see index.py)."""
    assert bgsearch("index", str(SEEDS)).exit_code == 0
    (toc,) = (tmp_path / "index").glob("_MAIN_*.toc")
    assert b"bgsearch" not in toc.read_bytes()


def generations(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("_MAIN_*.toc"))


def test_rerun_with_no_change_reads_and_writes_nothing(tmp_path: Path) -> None:
    docs = write_articles(tmp_path / "docs", {f"{n}.txt": f"Tin {n}\ntuần tra" for n in "abc"})
    assert bgsearch("index", "docs").exit_code == 0
    before = generations(tmp_path / "index")
    # Same size and mtime: a run that re-read unchanged files would see the new title.
    stat = (docs / "b.txt").stat()
    (docs / "b.txt").write_text("Tin x\ntuần tra", encoding="utf-8")
    os.utime(docs / "b.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    run = bgsearch("index", "docs")
    assert run.exit_code == 0
    assert run.stderr.startswith("bgsearch: indexed 0 files (3 unchanged, 0 removed) into index")
    assert generations(tmp_path / "index") == before
    assert "Tin b" in {r["title"] for r in bgsearch("query", "tuần tra", "--json").records}


def test_rerun_touches_only_changed_and_deleted_files(tmp_path: Path) -> None:
    docs = write_articles(tmp_path / "docs", {f"{n}.txt": f"Tin {n}\ntuần tra" for n in "abcd"})
    assert bgsearch("index", "docs").exit_code == 0
    (docs / "a.txt").write_text("Tin a mới\ntuần tra biên giới", encoding="utf-8")  # changed
    (docs / "b.txt").unlink()  # deleted
    os.utime(docs / "c.txt", (1, 1))  # touched, same content
    run = bgsearch("index", "docs")
    assert run.stderr.startswith("bgsearch: indexed 1 file (2 unchanged, 1 removed)")
    records = bgsearch("query", "tuần tra", "--json").records
    assert sorted((r["id"], r["title"]) for r in records) == [
        ("a.txt", "Tin a mới"), ("c.txt", "Tin c"), ("d.txt", "Tin d"),
    ]  # fmt: skip
    again = bgsearch("index", "docs")
    assert again.stderr.startswith("bgsearch: indexed 0 files (3 unchanged, 0 removed)")


def test_files_under_other_roots_are_kept(tmp_path: Path) -> None:
    write_articles(tmp_path / "one", {"a.txt": "A\ntuần tra"})
    write_articles(tmp_path / "two", {"b.txt": "B\ntuần tra"})
    assert bgsearch("index", "one").exit_code == 0
    assert bgsearch("index", "two").exit_code == 0
    assert sorted(bgsearch("query", "tuần tra", "--json").ids) == ["a.txt", "two/b.txt"]


def test_a_file_that_can_no_longer_be_read_leaves_the_index(tmp_path: Path) -> None:
    docs = write_articles(tmp_path / "docs", {"a.txt": "A\ntuần tra", "b.txt": "B\ntuần tra"})
    assert bgsearch("index", "docs").exit_code == 0
    (docs / "b.txt").write_bytes(b"\xc3\x28 broken \xff")
    run = bgsearch("index", "docs")
    assert "bgsearch: skipped docs/b.txt: not UTF-8 text" in run.stderr
    assert bgsearch("query", "tuần tra", "--json").ids == ["a.txt"]


# --- the lock, and damaged indexes ------------------------------------------------------------


def test_a_second_writer_is_told_the_index_is_locked(tmp_path: Path) -> None:
    docs = write_articles(tmp_path / "docs", {"a.txt": "Tuần tra\nbiên giới"})
    assert bgsearch("index", "docs").exit_code == 0
    (docs / "b.txt").write_text("Cửa khẩu\nhàng hóa", encoding="utf-8")
    holder = whoosh_index.open_dir("index").writer()
    try:
        run = bgsearch("index", "docs")
        assert run.exit_code == 2
        assert run.stderr.endswith(
            "bgsearch: error: index is locked by another bgsearch process (index); "
            "wait for it with --wait SECONDS\n"
        )
        release = threading.Timer(0.5, holder.cancel)
        release.start()
        waited = bgsearch("index", "docs", "--wait", "10")
        release.join()
    finally:
        if not holder.is_closed:
            holder.cancel()
    assert waited.exit_code == 0, waited.stderr
    assert bgsearch("query", "cửa khẩu", "--json").ids == ["b.txt"]


def test_a_lock_left_by_a_killed_process_is_no_lock(tmp_path: Path) -> None:
    write_articles(tmp_path / "docs", {"a.txt": "Tuần tra\nbiên giới"})
    assert bgsearch("index", "docs").exit_code == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from whoosh import index; "
            "w = index.open_dir('index').writer(); print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    assert bgsearch("index", "docs", "--rebuild").exit_code == 2
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    assert bgsearch("index", "docs", "--rebuild").exit_code == 0  # the OS released it


# Whoosh leaves file handles open when it meets damaged files (whoosh-reloaded even when
# opening the searcher fails); a CLI run ends right after the error, so the damaged index is
# read by a real process here, as a user's would be.
@pytest.mark.parametrize("damaged", ["*.pst", "*.trm"])
def test_a_damaged_index_is_one_clear_error(tmp_path: Path, damaged: str) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    assert bgsearch("index", "seeds").exit_code == 0
    for postings in Path("index").glob(damaged):
        data = postings.read_bytes()
        postings.write_bytes(data[: len(data) // 3])
    run = subprocess.run(
        [sys.executable, "-m", "bgsearch", "query", "tuần tra"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("bgsearch: error: the index at index is damaged (")
    assert run.stderr.endswith("'bgsearch index --rebuild ARTICLES --index index'\n")
    assert run.stderr.count("\n") == 1
    assert bgsearch("index", "seeds", "--rebuild").exit_code == 0
    assert bgsearch("query", "tuần tra").exit_code == 0


def test_the_cli_commits_as_often_as_the_core_by_default() -> None:
    # the CLI spells the default out (importing the core would make --help import Whoosh)
    from bgsearch.writer import COMMIT_EVERY

    shown = " ".join(bgsearch("index", "--help").stdout.split())
    assert f"[default: {COMMIT_EVERY};" in shown


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("nonexistent-typo", "no such file or folder: nonexistent-typo; IX is unchanged"),
        ("IX", "IX is the index itself; give the folder of articles"),
        ("empty", "nothing to index in empty; IX is unchanged"),
    ],
)
def test_a_rebuild_from_nothing_leaves_the_index_as_it_was(
    tmp_path: Path, source: str, message: str
) -> None:
    assert bgsearch("index", str(SEEDS), "--index", "IX").exit_code == 0
    (tmp_path / "empty").mkdir()
    before = sorted(p.name for p in (tmp_path / "IX").iterdir())
    run = bgsearch("index", "--rebuild", source, "--index", "IX")
    assert run.exit_code == 2
    assert run.stderr.startswith(f"bgsearch: error: {message}")
    assert run.stderr.count("\n") == 1
    assert sorted(p.name for p in (tmp_path / "IX").iterdir()) == before
    assert len(bgsearch("query", "--json", "--index", "IX", "biên giới").records) == 5


def test_a_missing_folder_among_others_loses_nothing_on_a_rebuild(tmp_path: Path) -> None:
    assert bgsearch("index", str(SEEDS), "--index", "IX").exit_code == 0
    run = bgsearch("index", "--rebuild", str(SEEDS), "seeds-typo", "--index", "IX")
    assert run.exit_code == 2
    assert "no such file or folder: seeds-typo" in run.stderr


def test_folders_with_the_same_file_names_never_replace_each_other(tmp_path: Path) -> None:
    write_articles(tmp_path / "coll" / "A", {"001.txt": "Tin A\nbiên giới alpha"})
    write_articles(tmp_path / "coll" / "B", {"001.txt": "Tin B\nbiên giới beta"})
    assert bgsearch("index", "coll/A", "--index", "IX").exit_code == 0
    assert bgsearch("index", "coll/B", "--index", "IX").exit_code == 0
    assert bgsearch("query", "alpha", "--json", "--index", "IX").ids == ["001.txt"]
    assert bgsearch("query", "beta", "--json", "--index", "IX").ids == ["B/001.txt"]
    # the same ids on a re-run; deleting B's file removes only B's article
    assert bgsearch("index", "coll/A", "--index", "IX").exit_code == 0
    (tmp_path / "coll" / "B" / "001.txt").unlink()
    assert bgsearch("index", "coll/B", "--index", "IX").exit_code == 0
    assert bgsearch("query", "biên giới", "--json", "--index", "IX").ids == ["001.txt"]


def test_two_folders_given_at_once_keep_both_files(tmp_path: Path) -> None:
    write_articles(tmp_path / "A", {"001.txt": "Tin A\nbiên giới alpha"})
    write_articles(tmp_path / "B", {"001.txt": "Tin B\nbiên giới beta"})
    run = bgsearch("index", "A", "B")
    assert run.exit_code == 0
    assert sorted(bgsearch("query", "biên giới", "--json").ids) == ["001.txt", "B/001.txt"]


def test_a_query_during_a_build_says_it_answers_from_the_last_commit(tmp_path: Path) -> None:
    from bgsearch.store import BUILDING, announced

    assert bgsearch("index", str(SEEDS)).exit_code == 0
    with announced(Path("index"), 5000, 0.0):
        run = bgsearch("query", "tuần tra")
        assert "note: an indexing run of 5,000 files has been writing into index" in run.stderr
        assert "from its last commit (5 articles)" in run.stderr
        assert "indexing run" in bgsearch("stats").stderr
    # a marker a killed run left behind, with no run holding its lock: nothing under way
    (Path("index") / BUILDING).write_text('{"files": 3}', encoding="utf-8")
    assert "indexing run" not in bgsearch("query", "tuần tra").stderr


def test_many_skipped_files_are_listed_up_to_twenty_then_counted(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(50):
        (folder / f"{n:02d}.txt").write_text("", encoding="utf-8")
    (folder / "ok.txt").write_text("Tuần tra\nTuần tra biên giới.\n", encoding="utf-8")
    run = bgsearch("index", str(folder), "--index", str(tmp_path / "ix"))
    assert run.exit_code == 0, run.stderr
    lines = run.stderr.splitlines()
    # on 225431c: one line per file (a million empty files printed a million lines)
    assert sum(line.startswith("bgsearch: skipped ") for line in lines) == 21
    assert "bgsearch: skipped 30 more files (empty: 30)" in lines
    assert lines[-1].endswith("skipped 50")


def test_the_progress_shows_the_writing_phase_as_a_spinner_with_its_time() -> None:
    from rich.console import Console

    from bgsearch.progress import RichProgress

    console = Console(record=True, force_terminal=True, width=100)
    progress = RichProgress(console)
    progress.start(2)
    progress.advance()
    progress.advance()
    progress.finishing()
    console.export_text(clear=True)  # what the bar showed so far
    console.print(progress._bar.get_renderable())
    shown = console.export_text()
    progress.stop()
    # on 225431c: the bar at "100% … 0:00:00" for minutes while Whoosh merged
    assert "writing the index" in shown
    assert "100%" not in shown
    assert "2/2" not in shown


def test_a_missing_folder_is_one_line_naming_it() -> None:
    run = bgsearch("index", "/nonexistent-typo")
    # on 225431c: a skip line, a summary line and an error line
    assert (run.exit_code, run.stderr) == (
        2,
        "bgsearch: error: no such file or folder: /nonexistent-typo; index is unchanged\n",
    )
