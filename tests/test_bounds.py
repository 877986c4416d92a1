"""Bounded cost: the worst queries are cut down to size, and say so on stderr."""

from __future__ import annotations

import itertools
import random
import string
from pathlib import Path

from tests.conftest import bgsearch, write_articles


def _index(tmp_path: Path, articles: dict[str, str]) -> None:
    write_articles(tmp_path / "docs", articles)
    assert bgsearch("index", "docs").exit_code == 0


def test_a_prefix_reaching_many_words_searches_the_most_frequent(tmp_path: Path) -> None:
    words = ["th" + a + b for a, b in itertools.product(string.ascii_lowercase[:8], repeat=2)]
    _index(tmp_path, {f"{i:02}.txt": f"Tin {i}\n{w} {w} thanh" for i, w in enumerate(words)})
    run = bgsearch("query", "--json", "th*")
    assert run.exit_code == 0
    assert "bgsearch: note: th* reaches 65 words; searching the 32 most frequent" in run.stderr
    assert len(run.records) == 10


def test_a_pasted_article_as_a_query_keeps_its_rarest_words(tmp_path: Path) -> None:
    rng = random.Random(1)
    vocabulary = [f"từ{i}" for i in range(400)]
    _index(tmp_path, {"a.txt": "Tin\n" + " ".join(vocabulary[:50]) + " hiếm"})
    pasted = " ".join(rng.choice(vocabulary) for _ in range(1500)) + " hiếm"
    run = bgsearch("query", "--json", pasted)  # Whoosh nested a matcher per word: recursion
    assert run.exit_code == 0
    assert run.ids == ["a.txt"]
    assert "searching its 32 rarest" in run.stderr


def test_the_number_of_hits_has_a_ceiling() -> None:
    run = bgsearch("query", "-n", "100000", "x")
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1
    assert "1<=x<=500" in run.stderr
