"""The same article in every encoding it may come in is found alike."""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from bgsearch.encodings import FALLBACKS, decode, vietnamese_share
from bgsearch.legacy import TCVN3_TABLE, VISCII_TABLE
from tests.conftest import bgsearch, write_articles

ARTICLE = (
    "Đồn Biên phòng tổ chức tuần tra chung\n"
    "Ngày 27/06/2020\n"
    "Lực lượng Bộ đội Biên phòng phối hợp với Công an xã tuần tra bảo vệ biên giới, "
    "giữ gìn an ninh trật tự; quần chúng nhân dân tích cực tham gia.\n"
)


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters, then a combining tone."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = next(c for c in parts if c in TONES)
            out += unicodedata.normalize("NFC", parts.replace(tone, "")).encode("cp1258")
            out += tone.encode("cp1258")
    return out


SAVED = {
    "utf8.txt": ARTICLE.encode("utf-8"),
    "utf8-bom.txt": codecs.BOM_UTF8 + ARTICLE.encode("utf-8"),
    "utf16.txt": ARTICLE.encode("utf-16"),  # with BOM
    "utf16-be.txt": codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"),
    "cp1258.txt": cp1258(ARTICLE),
    "viscii.txt": ARTICLE.encode("viscii"),
    "tcvn3.txt": ARTICLE.encode("tcvn3"),
    "vni.txt": ARTICLE.encode("vni"),
    "nfd.txt": unicodedata.normalize("NFD", ARTICLE).encode("utf-8"),
    "crlf.txt": ARTICLE.replace("\n", "\r\n").encode("utf-8"),
}


def test_every_encoding_decodes_to_the_same_text() -> None:
    for name, raw in SAVED.items():
        assert unicodedata.normalize("NFC", decode(raw)).replace("\r\n", "\n") == ARTICLE, name


@pytest.mark.parametrize("query", ["tuần tra chung", "tuan tra chung", "quần chúng"])
def test_the_same_article_in_every_encoding_is_found_alike(tmp_path: Path, query: str) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, raw in SAVED.items():
        (docs / name).write_bytes(raw)
    run = bgsearch("index", "docs")
    assert run.exit_code == 0, run.stderr
    assert f"indexed {len(SAVED)} files" in run.stderr
    records = bgsearch("query", query, "--json", "-n", "20", "--all").records
    assert sorted(r["id"] for r in records) == sorted(SAVED)
    assert {(r["title"], r["date"], r["score"]) for r in records} == {
        ("Đồn Biên phòng tổ chức tuần tra chung", "2020-06-27", records[0]["score"])
    }


def test_bytes_that_read_as_no_vietnamese_encoding_are_skipped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_bytes(SAVED["utf8.txt"])
    (docs / "latin.txt").write_bytes("Ærøskøbing Ðåß ÿþ æøå".encode("latin-1"))
    run = bgsearch("index", "docs")
    assert "bgsearch: skipped docs/latin.txt: not UTF-8 text (byte 0) nor Vietnamese" in run.stderr
    assert run.exit_code == 0


def test_encoding_can_be_forced_and_unknown_names_are_an_error(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_bytes(cp1258(ARTICLE))
    assert bgsearch("index", "docs", "--encoding", "cp1258").exit_code == 0
    assert bgsearch("query", "tuần tra", "--json").ids == ["a.txt"]
    run = bgsearch("index", "docs", "--encoding", "klingon", "--rebuild")
    assert run.exit_code == 2
    assert run.stderr == (
        "bgsearch: error: unknown encoding 'klingon'; "
        "give cp1258, viscii, tcvn3, vni or another Python codec name\n"
    )


def test_vietnamese_share_tells_right_decodings_from_wrong() -> None:
    raw = ARTICLE.encode("utf-8")
    assert vietnamese_share(raw.decode("utf-8")) == 1.0
    assert vietnamese_share(raw.decode("cp1258", errors="replace")) < 0.5
    assert vietnamese_share(cp1258(ARTICLE).decode("latin-1")) < 0.5
    for name in ("viscii.txt", "tcvn3.txt", "vni.txt", "cp1258.txt"):
        shares = {codec: vietnamese_share(SAVED[name].decode(codec)) for codec in FALLBACKS}
        right = name.removesuffix(".txt")
        assert shares.pop(right) == 1.0, name
        assert max(shares.values()) < 0.9, (name, shares)


def test_legacy_codecs_name_what_the_user_types() -> None:
    for name in ("VISCII", "tcvn3", "TCVN", "abc", "vni", "VNI-Windows"):
        assert codecs.lookup(name).name in {"viscii", "tcvn3", "vni"}
    assert "Bo\u00e4 \u00f1o\u00e4i Bie\u00e2n pho\u00f8ng".encode("cp1252").decode("vni") == (
        "Bộ đội Biên phòng"
    )
    assert "BO\u00c4 \u00d1O\u00c4I U\u00dby".encode("cp1252").decode("vni") == "BỘ ĐỘI Ủy"


@pytest.mark.skipif(shutil.which("iconv") is None, reason="needs glibc's iconv")
@pytest.mark.parametrize(
    ("codec", "table", "charset"),
    [("viscii", VISCII_TABLE, "VISCII"), ("tcvn3", TCVN3_TABLE, "TCVN5712-1")],
)
def test_single_byte_tables_agree_with_iconv(codec: str, table: str, charset: str) -> None:
    # every high byte, and the C0 bytes our table reads as letters (VISCII's six capitals)
    raw = bytes(range(0x80, 0x100)) + bytes(b for b in range(0x80) if table[b] != chr(b))
    run = subprocess.run(
        ["iconv", "-f", charset, "-t", "UTF-8"], input=raw, capture_output=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert raw.decode(codec) == run.stdout.decode("utf-8")


HTML = """<!doctype html><html><head>
<title>Đồn Biên phòng tổ chức tuần tra chung - Báo Biên phòng</title>
<meta property="article:published_time" content="2020-06-27T08:00:00+07:00">
<style>.x { color: red }</style><script>var tuần = "không hiển thị";</script>
</head><body><nav>Trang chủ | Thời sự</nav>
<h1>Đồn Biên phòng tổ chức tuần tra chung</h1>
<p>Lực lượng Bộ đội Biên phòng phối hợp với Công an xã tuần tra bảo vệ biên giới,
giữ gìn an ninh trật tự; quần chúng nhân dân tích cực tham gia.</p>
<p>Ý kiến bạn đọc</p></body></html>"""


def test_html_and_markdown_give_the_same_article(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.html").write_text(HTML, encoding="utf-8")
    (docs / "note.md").write_text("# " + ARTICLE, encoding="utf-8")
    (docs / "plain.txt").write_text(ARTICLE, encoding="utf-8")
    assert bgsearch("index", "docs").exit_code == 0
    records = bgsearch("query", "quần chúng", "--json", "--all").records
    assert sorted(r["id"] for r in records) == ["note.md", "page.html", "plain.txt"]
    assert {(r["title"], r["date"]) for r in records} == {
        ("Đồn Biên phòng tổ chức tuần tra chung", "2020-06-27")
    }
    # scripts, styles and navigation are not text
    assert bgsearch("query", "hiển thị", "--json").ids == []
    assert bgsearch("query", "Trang chủ", "--json").ids == []


def test_every_format_and_encoding_gives_one_article_found_alike(tmp_path: Path) -> None:
    """The issue's list: UTF-8, BOM, UTF-16, CP1258, VISCII, TCVN3, VNI, NFD, HTML, JSONL."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, raw in SAVED.items():
        (docs / name).write_bytes(raw)
    (docs / "page.html").write_text(HTML, encoding="utf-8")
    title, body = ARTICLE.split("\n", 1)
    record = {"title": title, "content": body, "published": "2020-06-27T08:00:00+07:00"}
    (docs / "feed.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    assert bgsearch("index", "docs").exit_code == 0
    for query in ("tuần tra chung", "tuan tra chung"):
        records = bgsearch("query", query, "--json", "-n", "20", "--all").records
        assert sorted(r["id"] for r in records) == sorted([*SAVED, "page.html", "feed.jsonl#1"])
        assert {(r["title"], r["date"]) for r in records} == {(title, "2020-06-27")}
    # without --all they are one story: the same text in every form is a syndicated copy
    (story,) = bgsearch("query", "tuần tra chung", "--json").records
    assert len(story["copies"]) == len(SAVED) + 1


NEWS_PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Kinh doanh - Giá xăng giảm mạnh từ chiều nay - VnExpress</title>
<meta property="og:title" content="Giá xăng giảm mạnh từ chiều nay">
<meta property="og:site_name" content="VnExpress">
<meta property="og:url" content="https://vnexpress.net/gia-xang-giam-manh-123.html">
<link rel="canonical" href="https://vnexpress.net/gia-xang-giam-manh-123.html">
<meta property="article:published_time" content="2024-05-02T15:00:00+07:00">
</head><body>
<header><nav><ul><li><a href="/kinh-doanh">Kinh doanh</a></li><li><a href="/the-thao">Thể thao</a>
</li><li><a href="/giai-tri">Giải trí</a></li></ul></nav></header>
<main><article>
<h1 class="title-detail">Giá xăng giảm mạnh từ chiều nay</h1>
<p class="description">Giá xăng RON 95 giảm hơn 1.000 đồng mỗi lít từ 15h chiều nay.</p>
<p>Liên Bộ Công Thương - Tài chính vừa điều chỉnh giá bán lẻ xăng dầu trong nước. Mức giảm
lần này là lớn nhất từ đầu năm, theo thông báo của Bộ Công Thương.</p>
<p>Chi phí đi lại của người dân, từ ôtô đến xe máy, vì thế giảm theo trong kỳ điều hành này.</p>
<table><tr><td>ôtô</td><td>xe máy</td></tr><tr><td>25.000</td><td>23.000</td></tr></table>
<p>Giá dầu diesel cũng giảm 500 đồng mỗi lít, các mặt hàng khác giữ nguyên giá bán hiện hành.</p>
</article>
<section class="related"><h3>Tin liên quan</h3><ul>
<li><a href="/a">Giá vàng hôm nay tăng vọt lên đỉnh mới</a></li>
<li><a href="/b">Người dân đổ xô đi mua vàng nhẫn</a></li></ul></section>
<div class="comments"><h3>Ý kiến bạn đọc (12)</h3><p>Chia sẻ Facebook Twitter Copy link</p>
<p>Bình luận: giá vàng cao quá</p></div>
</main>
<footer><p>© 1997-2024. Toàn bộ bản quyền thuộc VnExpress. Liên hệ quảng cáo.</p></footer>
</body></html>"""


def test_a_news_page_gives_its_article_and_metadata_not_its_furniture(tmp_path: Path) -> None:
    write_articles(tmp_path / "docs", {"page.html": NEWS_PAGE})
    assert bgsearch("index", "docs").exit_code == 0
    (hit,) = bgsearch("query", "giá xăng", "--json").records
    # on 225431c: the menu item "Kinh doanh" as the headline, no site, no URL
    assert hit["title"] == "Giá xăng giảm mạnh từ chiều nay"
    assert (hit["source"], hit["url"], hit["date"]) == (
        "VnExpress",
        "https://vnexpress.net/gia-xang-giam-manh-123.html",
        "2024-05-02",
    )
    body = bgsearch("show", "page.html", "--json").records[0]["body"]
    assert "Giá RON 95" not in body  # the lead is there as written:
    assert "Giá xăng RON 95 giảm hơn 1.000 đồng" in body
    assert "Giá dầu diesel cũng giảm 500 đồng" in body
    for furniture in ("Giá vàng hôm nay", "Ý kiến bạn đọc", "Chia sẻ Facebook", "bản quyền"):
        assert furniture not in body, furniture
    assert not body.startswith("Giá xăng giảm mạnh")  # the headline is not body text twice
    # related news no longer finds the page for its words; cells are words of their own
    assert bgsearch("query", "giá vàng", "--json").records[0]["missing"] == ["vàng"]
    assert bgsearch("query", '"xe máy"', "--json").ids == ["page.html"]
    assert "ôtôxe" not in body


NOTE = """---
title: "Tuần tra chung trên tuyến biên giới"
date: 2024-01-02T23:30:00Z
source: Báo Biên Phòng
url: https://bienphong.com.vn/tuan-tra-chung-123.html
tags: [biên giới, tuần tra]
---

# Tuần tra chung trên tuyến biên giới

Đồn Biên phòng **phối hợp** với *lực lượng* Lào tổ chức [tuần tra chung](https://x.vn/a)
trên tuyến biên giới. ![ảnh tuần tra](anh.jpg)

## Kết quả

- Phát hiện `3` vụ vi phạm.
- Tuyên truyền cho **200** lượt người dân.
"""


def test_a_markdown_note_gives_its_front_matter_and_plain_text(tmp_path: Path) -> None:
    write_articles(tmp_path / "docs", {"note.md": NOTE})
    assert bgsearch("index", "docs").exit_code == 0
    (hit,) = bgsearch("query", "tuần tra chung", "--json").records
    # on 225431c: the title "---", no date, and **, [ ]( ) indexed as words
    assert hit["title"] == "Tuần tra chung trên tuyến biên giới"
    assert (hit["date"], hit["source"], hit["url"]) == (
        "2024-01-03",  # 23:30 UTC is the next morning in Vietnam
        "Báo Biên Phòng",
        "https://bienphong.com.vn/tuan-tra-chung-123.html",
    )
    body = bgsearch("show", "note.md", "--json").records[0]["body"]
    assert body.split("\n") == [
        "Đồn Biên phòng phối hợp với lực lượng Lào tổ chức tuần tra chung",
        "trên tuyến biên giới. ảnh tuần tra",
        "Kết quả",
        "Phát hiện 3 vụ vi phạm.",
        "Tuyên truyền cho 200 lượt người dân.",
    ]
    assert bgsearch("query", "https", "--json").records == []  # link targets are not text


def test_a_page_without_metadata_keeps_bgsearch_s_vietnamese_rules(tmp_path: Path) -> None:
    # trafilatura finds no date, site or URL in this page's markup: the dateline and the
    # "Nguồn" line of its text give them (on the 6 real pages the metadata did: no change)
    page = (
        "<html><head><title>Đồn Biên phòng tổ chức tuần tra chung</title></head><body><article>"
        "<h1>Đồn Biên phòng tổ chức tuần tra chung</h1><p>Ngày 27/06/2020</p>"
        "<p>Lực lượng Bộ đội Biên phòng phối hợp với Công an xã tuần tra bảo vệ biên giới, giữ"
        " gìn an ninh trật tự; quần chúng nhân dân tích cực tham gia.</p>"
        "<p>Nguồn Biên Phòng: https://bienphong.com.vn/tuan-tra-123.html</p></article></body></html>"
    )
    write_articles(tmp_path / "docs", {"p.html": page})
    assert bgsearch("index", "docs").exit_code == 0
    (hit,) = bgsearch("query", "tuần tra", "--json").records
    assert (hit["date"], hit["source"], hit["url"]) == (
        "2020-06-27",
        "Biên Phòng",
        "https://bienphong.com.vn/tuan-tra-123.html",
    )
    assert "Nguồn" not in bgsearch("show", "p.html", "--json").records[0]["body"]


def test_a_minified_page_keeps_its_lines_and_its_links_apart(tmp_path: Path) -> None:
    minified = NEWS_PAGE.replace("\n", "").replace(
        "</table>",
        "</table><p>Giá cước vận tải cho <strong>ôtô</strong><strong>xe máy</strong> đều"
        " giảm theo trong kỳ điều hành này, theo thông báo của Bộ Công Thương.</p>",
    )
    write_articles(tmp_path / "docs", {"min.html": minified})
    assert bgsearch("index", "docs").exit_code == 0
    body = bgsearch("show", "min.html", "--json").records[0]["body"]
    assert "ôtôxe" not in body  # elements side by side: two words (syllables never span tags)
    assert "Giá cước vận tải cho ôtô xe máy đều giảm" in body
    assert "Giá dầu diesel cũng giảm 500 đồng" in body.split("\n")[-1]  # paragraphs are lines
