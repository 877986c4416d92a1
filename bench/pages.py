"""Article extraction from saved web pages, field by field, against hand-checked truth.

    python bench/pages.py FOLDER [--engines bgsearch,trafilatura]

FOLDER holds the pages and a ``truth.jsonl``, one object per page: ``file``, ``title`` (the
headline as a reader sees it), ``date`` (YYYY-MM-DD), ``source`` (the site's name), ``url``
(canonical), ``body_first`` and ``body_last`` (the first sentence after the lead and the last
of the article), ``not_body`` (strings on the page that are not article text: menus, related
news, widgets, footer). Prints the share of pages each engine gets right, field by field, and
its median time per page:

* ``bgsearch``: what ``bgsearch index`` reads from the file (bgsearch.documents);
* ``trafilatura``: trafilatura's ``bare_extraction`` with its defaults, metadata included.

Text is compared after NFC and whitespace compaction; a site's name by its letters and digits,
accents, case and a domain ending aside, one name holding the other ("VnExpress" is
"vnexpress.net", "Dân trí" is "Báo điện tử Dân Trí").
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bgsearch.documents import Document, Source, read_document


@dataclass(frozen=True)
class Extracted:
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    body: str


def _text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _site(value: str | None) -> str:
    """A site's name by its letters and digits, accents, case and a domain ending aside."""
    lower = (value or "").lower().replace("đ", "d")
    folded = re.sub(r"\.(com\.vn|net\.vn|org\.vn|vn|net|com|org)\b", "", lower)
    plain = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return re.sub(r"[\W_]", "", plain)


def _same_site(got: str | None, truth: str) -> bool:
    """The site named, perhaps with more words ("Báo điện tử Dân Trí" names "Dân trí")."""
    mine, theirs = _site(got), _site(truth)
    return bool(mine) and (mine in theirs or theirs in mine)


def bgsearch_engine(path: Path) -> Extracted:
    read = read_document(Source(path, path.name, str(path.parent)))
    if not isinstance(read, Document):
        return Extracted(None, None, None, None, "")
    return Extracted(read.title, read.date, read.source, read.url, read.body)


def trafilatura_engine(path: Path) -> Extracted:
    import trafilatura

    found = trafilatura.bare_extraction(path.read_text(encoding="utf-8"), with_metadata=True)
    if found is None:
        return Extracted(None, None, None, None, "")
    meta = found.as_dict() if hasattr(found, "as_dict") else dict(found)
    return Extracted(
        meta.get("title"),
        meta.get("date"),
        meta.get("sitename"),
        meta.get("url"),
        f"{meta.get('description') or ''}\n{meta.get('text') or ''}",
    )


ENGINES: dict[str, Callable[[Path], Extracted]] = {
    "bgsearch": bgsearch_engine,
    "trafilatura": trafilatura_engine,
}
FIELDS = ["headline", "date", "source", "url", "body first and last", "no page furniture"]


def judged(got: Extracted, truth: dict[str, object]) -> dict[str, bool]:
    body = _text(got.body)
    furniture = [str(s) for s in truth.get("not_body", [])]  # type: ignore[attr-defined]
    return {
        "headline": _text(got.title) == _text(str(truth["title"])),
        "date": got.date == truth["date"],
        "source": _same_site(got.source, str(truth["source"])),
        "url": (got.url or "").rstrip("/") == str(truth["url"]).rstrip("/"),
        "body first and last": _text(str(truth["body_first"])) in body
        and _text(str(truth["body_last"])) in body,
        "no page furniture": not any(_text(s) in body for s in furniture),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--engines", default="bgsearch,trafilatura")
    parser.add_argument("--show", action="store_true", help="print each miss")
    args = parser.parse_args()
    truths = [
        json.loads(line)
        for line in (args.folder / "truth.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    engines = args.engines.split(",")
    right = {e: dict.fromkeys(FIELDS, 0) for e in engines}
    times: dict[str, list[float]] = {e: [] for e in engines}
    for engine in engines:
        ENGINES[engine](args.folder / truths[0]["file"])  # imports and warm-up, untimed
        for truth in truths:
            started = time.perf_counter()
            got = ENGINES[engine](args.folder / truth["file"])
            times[engine].append(time.perf_counter() - started)
            for name, ok in judged(got, truth).items():
                right[engine][name] += ok
                if args.show and not ok:
                    print(f"  {engine} {truth['file']} {name}: {got!r}"[:400])
    print(f"{len(truths)} pages in {args.folder}; share of pages right")
    print()
    print("| field | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for name in FIELDS:
        cells = " | ".join(f"{right[e][name] / len(truths):.0%}" for e in engines)
        print(f"| {name} | {cells} |")
    cells = " | ".join(f"{statistics.median(times[e]) * 1000:.1f} ms" for e in engines)
    print(f"| median time per page | {cells} |")


if __name__ == "__main__":
    main()
