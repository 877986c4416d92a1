"""JSON and JSON Lines files: one document per record, kept in step with the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import bgsearch, write_articles


def jsonl(*records: Any) -> str:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    )


PATROL = {
    "title": "Tuần tra chung trên biên giới",
    "content": "Đồn Biên phòng phối hợp tuần tra chung với lực lượng bạn.",
    "date": "27/06/2020",
    "url": "https://www.bienphong.com.vn/tuan-tra-chung",
}
MARKET = {
    "headline": "Chợ biên giới tấp nập",
    "text": ["Người dân mua bán tại chợ cửa khẩu.", "Hàng hóa phong phú."],
    "published_at": "2024-02-14",
    "link": "https://baocaobang.vn/cho",
    "source": {"name": "Báo Cao Bằng"},
}


def test_each_record_is_a_document_with_its_fields(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "feed.jsonl").write_text(jsonl(PATROL, "", MARKET), encoding="utf-8")
    (docs / "list.json").write_text(json.dumps([MARKET], ensure_ascii=False), encoding="utf-8")
    run = bgsearch("index", "docs")
    assert run.exit_code == 0
    assert "indexed 2 files (3 documents) into index" in run.stderr
    patrol = bgsearch("query", "tuan tra chung", "--json").records
    assert [{k: r[k] for k in ("id", "title", "date", "source", "url")} for r in patrol] == [
        {
            "id": "feed.jsonl#1",
            "title": "Tuần tra chung trên biên giới",
            "date": "2020-06-27",
            "source": "bienphong.com.vn",
            "url": "https://www.bienphong.com.vn/tuan-tra-chung",
        }
    ]
    assert patrol[0]["path"].endswith("feed.jsonl#1")
    market = bgsearch("query", "hàng hóa", "--json").records
    assert sorted(r["id"] for r in market) == ["feed.jsonl#3", "list.json#1"]
    assert {(r["title"], r["date"], r["source"]) for r in market} == {
        ("Chợ biên giới tấp nập", "2024-02-14", "Báo Cao Bằng")
    }


def test_bad_records_are_skipped_one_by_one(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "feed.jsonl").write_text(jsonl(PATROL, "{not json", {"id": 7}, [1]), "utf-8")
    (docs / "broken.json").write_text('[{"title": "x"', encoding="utf-8")
    run = bgsearch("index", "docs")
    assert run.exit_code == 0
    assert "bgsearch: skipped docs/feed.jsonl#2: not JSON (Expecting property name" in run.stderr
    assert "bgsearch: skipped docs/feed.jsonl#3: no title/content/body/text field\n" in run.stderr
    assert "bgsearch: skipped docs/feed.jsonl#4: not a JSON object\n" in run.stderr
    assert "bgsearch: skipped docs/broken.json: not JSON (line 1: " in run.stderr
    assert "indexed 1 file into index" in run.stderr
    assert bgsearch("query", "tuần tra", "--json").ids == ["feed.jsonl#1"]


def test_records_follow_their_file_on_re_runs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    feed = docs / "feed.jsonl"
    feed.write_text(jsonl(PATROL, MARKET), encoding="utf-8")
    assert bgsearch("index", "docs").exit_code == 0
    assert sorted(bgsearch("query", "biên giới", "--json").ids) == ["feed.jsonl#1", "feed.jsonl#2"]
    feed.write_text(jsonl(MARKET), encoding="utf-8")  # the patrol record is gone
    run = bgsearch("index", "docs")
    assert "indexed 1 file into index" in run.stderr
    assert bgsearch("query", "biên giới", "--json").ids == ["feed.jsonl#1"]
    assert bgsearch("query", "tuần tra", "--json").ids == []
    feed.unlink()
    run = bgsearch("index", "docs")
    assert "(0 unchanged, 1 removed)" in run.stderr
    assert bgsearch("query", "biên giới", "--json").ids == []


def test_a_big_json_lines_file_keeps_every_record(tmp_path: Path, monkeypatch: Any) -> None:
    # Text files are read up to 4 * MAX_CHARS bytes (a document is cut there anyway); on
    # 225431c a records file was cut there too: of a million records (66 MB), 119,162 were
    # indexed and one "not JSON" skip said nothing of the rest.
    monkeypatch.setattr("bgsearch.documents.MAX_CHARS", 1_000)
    rows = [{"title": f"Tin {n}", "body": f"tuần tra biên giới mã{n}"} for n in range(200)]
    folder = write_articles(tmp_path / "export", {"all.jsonl": jsonl(*rows)})
    assert (folder / "all.jsonl").stat().st_size > 4 * 1_000
    run = bgsearch("index", str(folder), "--index", str(tmp_path / "ix"))
    assert run.exit_code == 0, run.stderr
    assert "(200 documents)" in run.stderr
    assert "skipped 0" in run.stderr
    last = bgsearch("query", "mã199", "--index", str(tmp_path / "ix"), "--json")
    assert last.ids == ["all.jsonl#200"]


def test_a_records_file_over_the_bound_is_skipped_with_advice(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr("bgsearch.index.MAX_RECORD_FILE_BYTES", 2 << 20)
    row = json.dumps({"title": "Lớn", "body": "biên giới " * 100}, ensure_ascii=False)
    folder = write_articles(
        tmp_path / "export",
        {
            "small.jsonl": jsonl({"title": "Nhỏ", "body": "tuần tra"}),
            "huge.jsonl": jsonl(row) * 3000,
        },
    )
    run = bgsearch("index", str(folder), "--index", str(tmp_path / "ix"))
    assert run.exit_code == 0, run.stderr
    assert "huge.jsonl: over 2 MB of records: split it into smaller files" in run.stderr
    assert "indexed 1 file" in run.stderr


@pytest.mark.parametrize("key", ["articles", "items", "data", "results", "docs", "hits", "news"])
def test_an_export_with_its_articles_under_a_key_is_read(tmp_path: Path, key: str) -> None:
    export = {"status": "ok", "total": 2, key: [PATROL, {"title": "Tin 2", "content": "Cửa khẩu."}]}
    folder = write_articles(
        tmp_path / "docs", {"export.json": json.dumps(export, ensure_ascii=False)}
    )
    run = bgsearch("index", str(folder), "--index", str(tmp_path / "ix"))
    # on 225431c: skipped, "no title/content/body/text field"
    assert run.exit_code == 0, run.stderr
    assert "(2 documents)" in run.stderr
    assert bgsearch("query", "cửa khẩu", "--index", str(tmp_path / "ix"), "--json").ids == [
        "export.json#2"
    ]


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (1704240000, "2024-01-03"),  # epoch seconds: 2024-01-03 00:00 UTC+7
        (1704240000000, "2024-01-03"),  # milliseconds
        ("1704240000", "2024-01-03"),
        ("2024-01-02T23:30:00Z", "2024-01-03"),  # 06:30 on the 3rd in Vietnam
        ("2024-01-02T23:30:00+07:00", "2024-01-02"),
        ("2024-01-02", "2024-01-02"),
        (True, None),
        (12, None),  # not a plausible epoch
    ],
)
def test_dates_are_read_in_vietnam_time(tmp_path: Path, value: Any, day: str | None) -> None:
    record = {"title": "Tuần tra", "body": "Tuần tra biên giới.", "published_at": value}
    folder = write_articles(tmp_path / "docs", {"a.jsonl": jsonl(record)})
    assert bgsearch("index", str(folder), "--index", str(tmp_path / "ix")).exit_code == 0
    (hit,) = bgsearch("query", "tuần tra", "--index", str(tmp_path / "ix"), "--json").records
    assert hit["date"] == day  # on 225431c: epochs null, "...T23:30:00Z" the 2nd
