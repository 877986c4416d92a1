"""Pruning changes nothing but time: a short query scored on the documents holding all its
words lists the same hits, in the same order, with the same scores, as scoring every one."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bgsearch.ranking import RANKING
from bgsearch.retrieval import Retrieval
from bgsearch.search import Searcher
from tests.conftest import bgsearch, write_articles

# Syllables and the words they form, so that queries find documents holding all their
# words (side by side or apart), some of them, one of them, in titles and bodies, with and
# without accents.
WORDS = str.split(
    "giá vàng công an biên giới tuần tra bộ đội biên phòng cửa khẩu an ninh trật tự "
    "thời tiết tai nạn giao thông chứng khoán học sinh bệnh viện ma túy xuất khẩu gạo "
    "Hà Nội lũ lụt miền Trung tham nhũng ngân hàng lãi suất du lịch Quốc hội hòa bình"
)
SYLLABLES = sorted({s for w in WORDS for s in w.lower().split()})
PAIRS = [" ".join(WORDS[i : i + 2]) for i in range(0, len(WORDS) - 1, 2)]


def _article(rng: random.Random) -> str:
    def text(k: int) -> str:
        parts = [rng.choice(PAIRS if rng.random() < 0.3 else SYLLABLES) for _ in range(k)]
        return " ".join(parts)

    return f"{text(rng.randint(2, 6)).capitalize()}\n{text(rng.randint(5, 120))}."


@pytest.fixture
def sparse(tmp_path: Path) -> Path:
    rng = random.Random(17)
    write_articles(tmp_path / "docs", {f"{i:04}.txt": _article(rng) for i in range(700)})
    assert bgsearch("index", "docs").exit_code == 0
    return tmp_path / "index"


QUERIES = [
    "giá vàng",
    "gia vang",
    "công an",
    "cong an xa",
    "biên giới tuần tra",
    "bo doi bien phong",
    "an ninh trật tự",
    "tai nan giao thong",
    "xuất khẩu gạo",
    "lũ lụt miền Trung",
    "ngan hang lai suat",
    "hòa bình",
    "Hà Nội du lịch",
    "vàng OR gạo",
    "biên* tuần",
    "vàng~1 giá",
    "giá -vàng",
    "title:vàng giá",
    '"biên giới" tuần tra',
    "hoc sinh benh vien",
]


def _hits(searcher: Searcher, query: str, n: int) -> list[tuple[str, float, tuple[str, ...]]]:
    found = searcher.search(query, n, snippets=False, suggest=False, collapse=False)
    return [(h.id, h.score, h.missing) for h in found]


def test_a_pruned_list_is_the_full_list(sparse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pruned, full = Searcher(sparse), Searcher(sparse, replace(RANKING, prune=False))
    try:
        _compare(pruned, full, monkeypatch)
    finally:
        pruned.close()
        full.close()


def _compare(pruned: Searcher, full: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []
    scored = Retrieval._scored

    def spy(self: Retrieval, *args: Any) -> Any:
        runs.append("all" if args[3] is None else "some")
        return scored(self, *args)

    monkeypatch.setattr(Retrieval, "_scored", spy)
    ways: Counter[str] = Counter()
    for query in QUERIES:
        for n in (1, 10, 40, 1000):
            expected = _hits(full, query, n)
            runs.clear()
            assert _hits(pruned, query, n) == expected, (query, n)
            ways[" ".join(runs)] += 1
    # every way a list is made was taken: pruned, widened once, pruned then all, all
    assert {"some", "some some", "some all", "all"} <= set(ways), ways
