"""Any query, however odd, gets hits, no hits or one error line: never a traceback, never
Whoosh's own words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bgsearch.search import Searcher
from tests.conftest import bgsearch

# Pieces people (and fuzzers) type into search boxes: operators, fields, wildcards, quotes.
PIECES = st.sampled_from(
    [
        "tuần",
        "tra",
        "biên",
        "giới",
        "an",
        "ở",
        "không?",
        "-",
        "--",
        "OR",
        "AND",
        "NOT",
        "title:",
        "body:",
        "id:",
        "*",
        "?",
        "~",
        "~2",
        "^2",
        '"',
        "“",
        "”",
        "'",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        "\\",
        "/",
        "TO",
        "<",
        ">",
        "=",
        "\x00",
        "\x1b[31m",
        "\u0301",
        "đ",
        "Ð",
        " ",
        "\t",
        "\n",
        "%",
        "&&",
        "||",
        "+",
        "!",
        "😀",
        "的",
        "ـ",
        "a" * 300,
    ]
)
QUERIES = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=25).map("".join),
    st.lists(PIECES, max_size=40).map(" ".join),
)
QUIET = settings(max_examples=1000, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def seed_searcher(seed_index: Path) -> Iterator[Searcher]:
    """One open index for every example (opening it is most of an example's time)."""
    with Searcher(seed_index) as searcher:
        yield searcher


@QUIET
@given(query=QUERIES)
def test_the_search_function_takes_any_query(seed_searcher: Searcher, query: str) -> None:
    hits = seed_searcher.search(query, 5)
    assert len(hits) <= 5
    for hit in hits:
        assert all(0 <= start < end <= len(hit.snippet) for start, end in hit.highlights)


def check_cli(index: Path, query: str) -> None:
    if query == "-":  # means: read queries from stdin (tested in test_query)
        return
    for args in (["--json"], []):
        run = bgsearch("query", "--index", str(index), *args, "--", query)
        assert run.exit_code in (0, 1), run.stderr
        assert "Traceback" not in run.stderr
        # no word of Whoosh's own errors (the query itself may be "WHOOSH", and is echoed)
        assert "whoosh" not in run.stderr.lower().replace(query.lower(), "")
        lines = run.stderr.splitlines()
        while lines and lines[0].startswith(("Did you mean: ", "Showing results for ")):
            lines.pop(0)
        if run.exit_code == 1 and not args:  # people are told; --json stays quiet
            assert len(lines) == 1
            assert lines[0].startswith("bgsearch: no hits for ")
        else:
            assert lines == []


@settings(QUIET, max_examples=150)
@given(query=QUERIES)
def test_the_cli_takes_any_query(seed_index: Path, query: str) -> None:
    check_cli(seed_index, query)


@pytest.mark.slow
@QUIET
@given(query=QUERIES)
def test_the_cli_takes_a_thousand_odd_queries(seed_index: Path, query: str) -> None:
    check_cli(seed_index, query)
