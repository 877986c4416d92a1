"""Real processes: the console script, ``python -m``, and what start-up imports."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS

BIN = Path(sys.executable).parent
# bgsearch.documents: the file readers and codecs, which searching never needs
# psycopg and bgsearch.pg*: an index in PostgreSQL's, never loaded for a folder
HEAVY = (
    "whoosh",
    "rich",
    "pydantic",
    "bgsearch.documents",
    "trafilatura",
    "lxml",
    "psycopg",
    "bgsearch.pgstore",
    "bgsearch.pgsearch",
)

# Runs the CLI in a fresh interpreter and reports which heavy modules it loaded.
PROBE = f"""
import sys
sys.argv = ["bgsearch", *sys.argv[1:]]
from bgsearch.cli import main
try:
    main()
except SystemExit:
    pass
loaded = [m for m in {HEAVY!r} if m in sys.modules]
sys.stderr.write("LOADED=" + ",".join(loaded) + "\\n")
"""


def probe(*args: str, env: dict[str, str] | None = None) -> tuple[set[str], str]:
    """Which heavy modules a CLI run loads, and what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("LOADED="), done.stderr
    return set(filter(None, line.removeprefix("LOADED=").split(","))), done.stdout


def loaded_by(*args: str) -> set[str]:
    return probe(*args)[0]


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["query", "--help"], []])
def test_help_and_version_load_neither_whoosh_nor_rich(args: list[str]) -> None:
    assert loaded_by(*args) == set()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_loads_neither_whoosh_nor_rich(shell: str) -> None:
    env = {
        "_BGSEARCH_COMPLETE": f"complete_{shell}",
        "_TYPER_COMPLETE_ARGS": "bgsearch q",  # zsh, fish
        "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        "COMP_WORDS": "bgsearch q",  # bash
        "COMP_CWORD": "1",
    }
    loaded, printed = probe(env=env)
    assert "query" in printed
    assert loaded == set()


def test_query_json_does_not_load_rich(seed_index: Path) -> None:
    assert loaded_by("query", "tuần tra", "--json", "--index", str(seed_index)) == {"whoosh"}


def test_importing_the_cli_loads_nothing_heavy() -> None:
    code = f"import sys, bgsearch.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def run(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "bgsearch"), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_console_script_end_to_end(tmp_path: Path) -> None:
    indexed = run("index", str(SEEDS), cwd=tmp_path)
    assert indexed.returncode == 0, indexed.stderr
    assert (indexed.stdout, indexed.stderr.count("\n")) == ("", 1)

    found = run("query", "tuan tra chung", "--json", cwd=tmp_path)
    assert found.returncode == 0
    titles = [json.loads(line)["title"] for line in found.stdout.splitlines()]
    assert titles[0] == "Trùng Khánh phát huy vai trò toàn dân trong bảo vệ biên giới"

    people = run("query", "tuần tra chung", "-n", "2", cwd=tmp_path)
    assert people.returncode == 0
    assert people.stdout.startswith(" 1. Trùng Khánh")
    assert "\x1b[" not in people.stdout  # no colour codes when stdout is not a terminal

    nothing = run("query", "xyzzy", cwd=tmp_path)
    assert (nothing.returncode, nothing.stdout) == (1, "")

    missing = run("query", "tuần tra", "--index", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1
    assert "Traceback" not in missing.stderr


def test_python_dash_m_and_version(tmp_path: Path) -> None:
    from importlib.metadata import version

    done = subprocess.run(
        [sys.executable, "-m", "bgsearch", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == f"bgsearch {version('bgsearch')}\n"


def test_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    assert run("index", str(SEEDS), cwd=tmp_path).returncode == 0
    script = f"'{BIN / 'bgsearch'}' query 'biên giới' --json | head -c 10 >/dev/null"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stderr
    assert done.returncode == 0


@pytest.mark.parametrize("as_json", [False, True], ids=["terminal", "json"])
def test_a_reader_that_stops_early_is_not_no_hits(tmp_path: Path, as_json: bool) -> None:
    from tests.test_indexing_runs import generate

    docs = generate(tmp_path / "docs", 300)
    assert run("index", str(docs), "--index", "ix", cwd=tmp_path).returncode == 0
    # more output than a pipe holds (64 KB), so the writer meets the closed pipe
    json_flag = "--json" if as_json else ""
    line = f"{BIN / 'bgsearch'} query 'bản tin' -n 300 --index ix {json_flag} | head -1"
    done = subprocess.run(
        ["bash", "-c", line + "; echo status ${PIPESTATUS[0]} >&2"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    # on 225431c the terminal output exited 1 ("no hits"): Rich's own broken-pipe exit
    assert done.stderr.splitlines()[-1] == "status 0", done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stdout.splitlines()) == 1


def _styled_output(tmp_path: Path, **env: str) -> list[str]:
    assert run("index", str(SEEDS), "--index", "ix", cwd=tmp_path).returncode == 0
    done = subprocess.run(
        [str(BIN / "bgsearch"), "query", "biên giới", "-n", "1", "--index", "ix"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "FORCE_COLOR": "1", "COLUMNS": "100", **env},
    )
    return done.stdout.splitlines()


BOLD, UNDERLINE, YELLOW, RESET = "\x1b[1m", "\x1b[1;4m", "\x1b[1;33m", "\x1b[0m"


def test_only_the_title_is_bold_and_matches_stand_out(tmp_path: Path) -> None:
    title, meta, snippet, *_ = _styled_output(tmp_path)
    # on 225431c the title's bold ran on over the path and the snippet
    assert meta.startswith(f"{BOLD}    {RESET}\x1b[36m"), repr(meta)
    assert snippet.startswith(f"{BOLD}    {RESET}…"), repr(snippet)
    assert f"{YELLOW}biên{RESET} {YELLOW}giới" in snippet, repr(snippet)
    assert f"{YELLOW}biên{RESET}" in title


def test_no_color_keeps_the_matches_emphasised_without_colour(tmp_path: Path) -> None:
    lines = _styled_output(tmp_path, NO_COLOR="1")
    title, _, snippet, *_ = lines
    assert not any(f"\x1b[{n}" in line for line in lines for n in ("3", "1;3"))  # no colour
    # on 225431c the matches were plain: the highlights were gone
    assert f"{UNDERLINE}biên{RESET}" in title
    assert f"{BOLD}biên{RESET} {BOLD}giới{RESET}" in snippet


def test_did_you_mean_comes_first_with_the_capitals_typed(tmp_path: Path) -> None:
    assert run("index", str(SEEDS), "--index", "ix", cwd=tmp_path).returncode == 0
    done = subprocess.run(
        ["bash", "-c", f"{BIN / 'bgsearch'} query 'Cong AN bien' -n 2 --index ix 2>&1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    # on 225431c: after the hits, where nobody looks, and as "công an biên"
    assert done.stdout.splitlines()[0] == "Did you mean: Công AN biên?"
    assert done.stdout.splitlines()[1].startswith(" 1. ")


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def in_terminal(arguments: str, cwd: Path, columns: int) -> list[str]:
    """The lines ``bgsearch ARGUMENTS`` shows in a real pseudo-terminal of that width, colour
    codes and carriage returns taken out."""
    done = subprocess.run(
        ["script", "-qec", f"{BIN / 'bgsearch'} {arguments}", "/dev/null"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": str(columns)},
    )
    return [ANSI.sub("", line).rstrip("\r") for line in done.stdout.splitlines()]


def test_piped_output_is_not_wrapped_and_no_line_ends_in_spaces(tmp_path: Path) -> None:
    assert run("index", str(SEEDS), "--index", "ix", cwd=tmp_path).returncode == 0
    env = {"COLUMNS": "60"}
    query = run("query", "tuần tra", "-n", "3", "--index", "ix", cwd=tmp_path, env=env).stdout
    # on 225431c: hard-wrapped at the width even when piped, lines ending in spaces
    snippets = query.split("\n\n")
    assert all(len(block.splitlines()) == 3 for block in snippets if block)  # title, meta, text
    show = run("show", "004_d4b2fff87a9d68e3.txt", "--index", "ix", cwd=tmp_path, env=env).stdout
    assert "https://bienphong.com.vn/so-ket-thuc-hien-quy-che-phoi-hop-giua-dang-uy-bdbp" in show
    stats = run("stats", "--index", "ix", cwd=tmp_path, env=env).stdout
    for out in (query, show, stats):
        assert not [line for line in out.splitlines() if line.endswith(" ")]


def test_a_terminal_wraps_to_its_width_between_words(tmp_path: Path) -> None:
    assert run("index", str(SEEDS), "--index", "ix", cwd=tmp_path).returncode == 0
    lines = in_terminal("show 004_d4b2fff87a9d68e3.txt --index ix", tmp_path, columns=60)
    url = next(line for line in lines if "https://" in line)
    # on 225431c the URL was cut in three at 80 columns: no terminal opens half a URL
    assert url.endswith("bien-gioi-post486718.html")
    assert all(len(line) <= 60 for line in lines if "https://" not in line)
    assert "Chiều ngày 14/2, tại huyện Hạ Lang, Đảng ủy BĐBP Cao Bằng và" in lines
    assert not [line for line in lines if line.endswith(" ")]


def test_bare_bgsearch_prints_help_not_an_error(tmp_path: Path) -> None:
    done = run(cwd=tmp_path)
    # on 225431c: "bgsearch: error: Usage: …" on stderr, exit 2
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Usage: bgsearch [OPTIONS] COMMAND [ARGS]...")


def test_help_reads_plainly_and_names_the_whole_query_language(tmp_path: Path) -> None:
    query = run("query", "--help", cwd=tmp_path).stdout
    index = run("index", "--help", cwd=tmp_path).stdout
    # on 225431c: "{QUERY}", "{PATH...}", "<int range>", "<path>", and no prefix* or typo~
    assert query.startswith("Usage: bgsearch query [OPTIONS] QUERY\n")
    assert index.startswith("Usage: bgsearch index [OPTIONS] PATH...\n")
    assert "-n, --limit N " in query
    assert "--index DIR|URL " in query
    assert "prefix*" in query
    assert "typo~2" in query


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("bgsearch query x --sort ", ["relevance", "date", "-date"]),
        ("bgsearch query x --facet ", ["source", "year", "month"]),
    ],
)
def test_completion_offers_the_values_of_sort_and_facet(
    tmp_path: Path, line: str, offered: list[str]
) -> None:
    env = {"_BGSEARCH_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": "4"}
    done = run(cwd=tmp_path, env=env)
    assert done.stdout.split() == offered  # on 225431c: file names


def test_year_and_month_facets_are_a_timeline_of_bars_on_a_terminal(tmp_path: Path) -> None:
    assert run("index", str(SEEDS), "--index", "ix", cwd=tmp_path).returncode == 0
    lines = in_terminal("query 'biên giới' --facet year -n 1 --index ix", tmp_path, columns=80)
    rows = lines[lines.index(next(x for x in lines if x.startswith("year"))) + 1 :]
    # on 225431c: numbers only, most first; now oldest first, each with its bar
    assert [r.split()[0] for r in rows if r] == ["2020", "2024", "(no"]
    bars = {r.split()[0]: r.split()[-1] for r in rows if r}
    assert bars["(no"] == "█" * 40  # the most, 2 articles
    assert bars["2020"] == "█" * 40
    assert bars["2024"] == "█" * 20
    piped = run("query", "biên giới", "--facet", "year", "-n", "1", "--index", "ix", cwd=tmp_path)
    assert "█" not in piped.stdout  # piped: the plain table, most first
