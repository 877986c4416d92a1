"""The direct segment writer against Whoosh's own writer: the same files, byte for byte, and
the same index as any Whoosh reader sees it."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

from bgsearch.index import build_index
from bgsearch.search import Searcher
from bgsearch.segwriter import DirectWriter
from tests.conftest import SEEDS

QUERIES = (
    "tuần tra chung",
    "tuan tra chung",
    "Công an",
    '"biên giới"',
    "biên*",
    "cửa khẩu~1",
    "an ninh OR quốc phòng",
    "Bộ đội Biên phòng phối hợp tuần tra bảo vệ chủ quyền lãnh thổ",
)


def articles(folder: Path, count: int, seed: int = 0) -> Path:
    """``count`` articles of seed words in random order and lengths (repeats, long bodies)."""
    words = " ".join(p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))).split()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        body = " ".join(rng.choices(words, k=rng.randint(5, 300)))
        title = " ".join(rng.choices(words, k=rng.randint(1, 12)))
        (folder / f"a{n:04d}.txt").write_text(f"{title}\n{body}\n", "utf-8")
    return folder


def whoosh_writers(patch: pytest.MonkeyPatch) -> None:
    """Index with Whoosh's own writers, as bgsearch did before the direct writer."""
    patch.setattr("bgsearch.writer.DirectWriter", lambda ix, **kw: ix.writer(**kw))
    patch.setattr(
        "bgsearch.writer.ParallelWriter",
        lambda ix, procs, **kw: ix.writer(procs=procs, multisegment=True, **kw),
    )


def segment_files(index: Path) -> list[dict[str, bytes]]:
    """Each segment's files (name without the random segment id -> bytes), in TOC order."""
    ix = whoosh_index.open_dir(str(index))
    found = []
    for segment in ix._segments():
        prefix = segment.segment_id()  # MAIN_ and a random name
        files = {p.name[len(prefix) :]: p.read_bytes() for p in index.glob(f"{prefix}.*")}
        assert {".pst", ".trm", "._stored.col"} <= set(files)
        found.append(files)
    return found


def reading(index: Path) -> dict[str, Any]:
    """What a reader sees: every term with its document frequency and total frequency, every
    stored document, and each query's hits with scores (all of them: which of two documents
    of equal score comes first depends on which worker took which, with either writer)."""
    ix = whoosh_index.open_dir(str(index))
    with ix.reader() as reader:
        terms = {
            (field, text): (reader.doc_frequency(field, text), reader.frequency(field, text))
            for field, text in reader.all_terms()
        }
        stored = sorted(
            (fields["id"], sorted(fields.items())) for fields in reader.all_stored_fields()
        )
    with Searcher(index) as searcher:
        top = {
            query: sorted(
                (-round(h.score, 9), h.id) for h in searcher.search(query, 1000, snippets=False)
            )
            for query in QUERIES
        }
    return {"terms": terms, "stored": stored, "top": top}


@pytest.mark.parametrize("limit_mb", [1024, 1], ids=["in-memory", "spilled"])
def test_one_process_writes_the_segments_whoosh_writes_byte_for_byte(
    tmp_path: Path, limit_mb: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bgsearch.writer.LIMIT_MB", limit_mb)  # 1: postings move to disk
    spills: list[None] = []
    spill = DirectWriter._spill
    monkeypatch.setattr(DirectWriter, "_spill", lambda self: spills.append(spill(self)))
    docs = articles(tmp_path / "docs", 100)
    more = articles(tmp_path / "more", 20, seed=1)
    built: dict[str, list[dict[str, bytes]]] = {}
    for how in ("direct", "whoosh"):
        with pytest.MonkeyPatch.context() as patch:
            if how == "whoosh":
                whoosh_writers(patch)
            index = tmp_path / how
            build_index([docs, SEEDS], index, parallel_from=10_000)
            # a second run: changed and new files, replaced documents deleted, and the
            # small first segment merged into the new one (Whoosh's pool beside ours)
            for n in range(0, 100, 7):
                (docs / f"a{n:04d}.txt").write_text(f"Tin sửa {n}\ntuần tra chung mã{n}\n", "utf-8")
            build_index([docs, SEEDS, more], index, parallel_from=10_000)
            built[how] = segment_files(index)
        articles(tmp_path / "docs", 100)  # the same files again for the other writer
    assert bool(spills) == (limit_mb == 1)
    assert [sorted(s) for s in built["direct"]] == [sorted(s) for s in built["whoosh"]]
    assert built["direct"] == built["whoosh"]  # on 30f5cae: no direct writer, nothing to compare


def test_worker_processes_build_the_index_whoosh_workers_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = articles(tmp_path / "docs", 120)
    build_index([docs, SEEDS], tmp_path / "direct", parallel_from=1)
    with pytest.MonkeyPatch.context() as patch:
        whoosh_writers(patch)
        build_index([docs, SEEDS], tmp_path / "whoosh", parallel_from=1)
    with whoosh_index.open_dir(str(tmp_path / "direct")).reader() as reader:
        assert len(reader.leaf_readers()) >= 2  # the workers' own segments
    direct, whoosh = reading(tmp_path / "direct"), reading(tmp_path / "whoosh")
    assert direct["terms"] == whoosh["terms"]
    assert direct["stored"] == whoosh["stored"]
    assert direct["top"] == whoosh["top"]
    assert all(direct["top"].values())


def test_field_lengths_are_read_a_column_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query reads each field's lengths once, in one read per segment: the one-by-one
    fallback took about 0.1 s of every corpus query's start (it was all there was: 30f5cae
    looked for the column reader on the segment reader, which has none)."""
    from bgsearch import postings

    docs = articles(tmp_path / "docs", 60)
    build_index([docs, SEEDS], tmp_path / "ix", parallel_from=10_000)
    readers: list[Any] = []
    raw_bytes = postings._raw_bytes

    def spied(reader: Any, count: int) -> bytes | None:
        readers.append(reader)
        return raw_bytes(reader, count)

    monkeypatch.setattr(postings, "_raw_bytes", spied)
    with whoosh_index.open_dir(str(tmp_path / "ix")).reader() as reader:
        (leaf, _), *_ = reader.leaf_readers()
        slow = [leaf.doc_field_length(d, "body_folded") or 0 for d in range(leaf.doc_count_all())]
        assert postings.field_lengths(leaf, "body_folded", leaf.doc_count_all()) == slow
    assert readers
    assert readers[0] is not None  # on 30f5cae: None, and one call per document
