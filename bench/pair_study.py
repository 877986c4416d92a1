"""What rare word pairs earn in ranking: ``bench/relevance.py`` with the pair terms that at
most K documents hold hidden from the ranking, as if they had never been indexed (their
postings empty, their document frequency 0). A step of issue 17's "fewer terms" study: a pair
class may leave the index only if relevance does not drop.

    python bench/pair_study.py K FIELD[,FIELD] -- RELEVANCE_ARGS...
    python bench/pair_study.py 1 body_pairs -- --eval ../shared/eval \\
        --corpus /tmp/vi-news-38k --work /tmp/rel --engines bgsearch

Reuses the indexes ``relevance.py`` built in ``--work``. Figures in bench/RESULTS.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bgsearch import postings


def hide(most: int, fields: set[str]) -> None:
    """Make every reader hide the terms of ``fields`` held by at most ``most`` documents."""
    true_df = postings.IndexReader.doc_frequency
    read = postings.IndexReader._read

    def hidden(self: Any, field: str, text: str) -> bool:
        return field in fields and 0 < true_df(self, field, text) <= most

    def doc_frequency(self: Any, field: str, text: str) -> int:
        return 0 if hidden(self, field, text) else true_df(self, field, text)

    def read_shown(self: Any, field: str, text: str) -> dict[int, float]:
        return {} if hidden(self, field, text) else read(self, field, text)

    postings.IndexReader.doc_frequency = doc_frequency  # type: ignore[method-assign]
    postings.IndexReader._read = read_shown  # type: ignore[method-assign]


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[3] != "--":
        sys.exit(__doc__)
    hide(int(sys.argv[1]), set(sys.argv[2].split(",")))
    sys.argv = [sys.argv[0], *sys.argv[4:]]
    import relevance

    relevance.main()


if __name__ == "__main__":
    main()
