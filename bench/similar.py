"""How telling `bgsearch similar` is: on an index of the corpus, for a seeded sample of its
dantri.com.vn articles (whose ids name their section: news_health, news_world...), the share
of similar articles (among dantri ones) that come from the same section, and the time per
article in process.

    python bench/similar.py /tmp/vi-news-38k /tmp/corpus-index --terms 15,20,30
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from bgsearch import similar
from bgsearch.search import Filters, Searcher


def section(doc_id: str) -> str:
    return doc_id.split("_")[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="the unpacked corpus folder")
    parser.add_argument("index", type=Path, help="its index (bgsearch index CORPUS --index I)")
    parser.add_argument("--sample", type=int, default=80)
    parser.add_argument("--terms", default=str(similar.SIMILAR_TERMS), help="e.g. 12,15,20")
    args = parser.parse_args()
    with Searcher(args.index) as searcher:
        dantri = sorted(p.name for p in args.corpus.glob("unc-news_*.txt"))
        sample = random.Random(7).sample(dantri, min(args.sample, len(dantri)))
        print("| terms | same section @10 | ms per article |")
        print("|---|---|---|")
        for terms in (int(t) for t in args.terms.split(",")):
            similar.SIMILAR_TERMS = terms
            same = shown = 0
            start = time.perf_counter()
            for doc_id in sample:
                hits = searcher.similar(doc_id, 10, filters=Filters(source="dantri")) or []
                same += sum(section(h.id) == section(doc_id) for h in hits)
                shown += len(hits)
            ms = (time.perf_counter() - start) / len(sample) * 1000
            print(f"| {terms} | {same / max(1, shown):.3f} | {ms:.0f} |")


if __name__ == "__main__":
    main()
