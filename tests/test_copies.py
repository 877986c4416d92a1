"""Syndicated copies and similar articles: one hit per story, '+N copies', `similar ID`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bgsearch.copies import COPY_SIMILARITY, band_keys, shingles, similarity
from bgsearch.text import analyze
from tests.conftest import SEEDS, bgsearch, write_articles

STORY = (
    "Sáng 14/2, Đồn Biên phòng Lũng Cú phối hợp với lực lượng bạn tổ chức tuần tra song "
    "phương trên tuyến biên giới, kiểm tra hệ thống mốc quốc giới và nắm tình hình an ninh trật "
    "tự khu vực. Trong quá trình tuần tra, hai bên đã trao đổi thông tin về tình hình buôn lậu, "
    "xuất nhập cảnh trái phép qua lại biên giới và thống nhất các biện pháp phối hợp quản lý. "
    "Đại diện Đồn cho biết từ đầu năm đơn vị đã tổ chức mười hai đợt tuần tra chung với lực "
    "lượng quản lý biên giới nước láng giềng, góp phần giữ vững chủ quyền lãnh thổ."
)
OTHER = (
    "Chiều 20/5, Hội Nông dân xã tổ chức hội nghị tập huấn kỹ thuật trồng chè cho hơn 80 hội "
    "viên. Các học viên được hướng dẫn cách chăm sóc, bón phân, phòng trừ sâu bệnh cho cây chè "
    "và tuần tra vườn đồi thường xuyên sau mùa mưa để bảo vệ năng suất vụ thu hoạch tới."
)
ARTICLES = {
    # the story on three sites: a new headline, a cut ending, a line of the site's own
    "bienphong/a.txt": f"Tuần tra song phương ở Lũng Cú\nNgày 14/02/2024\n{STORY}\n"
    "Nguồn Biên Phòng: https://www.bienphong.com.vn/a",
    "hagiang/b.txt": f"Lũng Cú: tuần tra chung với lực lượng bạn\nNgày 15/02/2024\n{STORY}\n"
    "Ảnh: Đồn Biên phòng Lũng Cú cung cấp.\nNguồn Hà Giang: https://baohagiang.vn/b",
    "caobang/c.txt": f"Đồn Lũng Cú tuần tra biên giới\nNgày 16/02/2024\n"
    f"{STORY.rsplit('. ', 1)[0]}.\nNguồn Cao Bằng: https://baocaobang.vn/c",
    "other/d.txt": f"Tập huấn trồng chè\nNgày 20/05/2024\n{OTHER}",
}


def folded(text: str) -> list[str]:
    return analyze(text).folded


def test_copies_share_shingles_and_a_band_key_unlike_other_articles() -> None:
    story, cut, other = (shingles(folded(t)) for t in (STORY, STORY.rsplit(". ", 1)[0], OTHER))
    assert similarity(story, cut) >= COPY_SIMILARITY
    assert similarity(story, other) < 0.1
    assert set(band_keys(story)) & set(band_keys(cut))
    assert not set(band_keys(story)) & set(band_keys(other))
    assert band_keys(story) == band_keys(shingles(folded(STORY)))  # stable across runs
    assert band_keys(shingles(folded("Tuần tra biên giới."))) == []  # too short to tell
    assert similarity(frozenset(), story) == 0.0


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = write_articles(tmp_path / "docs", ARTICLES)
    assert bgsearch("index", "docs").exit_code == 0
    return folder


def hits(*args: str) -> list[dict[str, Any]]:
    return [r for r in bgsearch(*args, "--json").records if r["type"] == "hit"]


@pytest.mark.usefixtures("docs")
def test_copies_collapse_into_the_best_placed_hit() -> None:
    found = hits("query", "tuần tra song phương")
    assert [(h["id"], h["copies"]) for h in found] == [
        ("bienphong/a.txt", ["caobang/c.txt", "hagiang/b.txt"]),
        ("other/d.txt", []),
    ]
    assert [h["rank"] for h in found] == [1, 2]
    people = bgsearch("query", "tuần tra song phương")
    assert "+2 copies" in people.stdout
    assert people.stdout.count("Lũng Cú") == 1


@pytest.mark.usefixtures("docs")
def test_all_lists_every_copy() -> None:
    found = hits("query", "tuần tra song phương", "--all")
    assert sorted(h["id"] for h in found) == [
        "bienphong/a.txt",
        "caobang/c.txt",
        "hagiang/b.txt",
        "other/d.txt",
    ]
    assert all(h["copies"] == [] for h in found)
    assert "copies" not in bgsearch("query", "tuần tra song phương", "--all").stdout


@pytest.mark.usefixtures("docs")
def test_collapsing_keeps_order_limits_and_filters() -> None:
    # in date order the copy placed first stands for the story: the newest, or the oldest
    newest = hits("query", "tuần tra", "--sort", "-date")
    assert [(h["id"], h["copies"]) for h in newest] == [
        ("other/d.txt", []),
        ("caobang/c.txt", ["bienphong/a.txt", "hagiang/b.txt"]),
    ]
    assert [h["id"] for h in hits("query", "tuần tra", "--sort", "date")] == [
        "bienphong/a.txt",
        "other/d.txt",
    ]
    # the limit counts stories, not copies: the best placed of the three, then the other
    story, other = hits("query", "tuần tra", "-n", "2")
    assert sorted([story["id"], *story["copies"]]) == [
        "bienphong/a.txt",
        "caobang/c.txt",
        "hagiang/b.txt",
    ]
    assert other["id"] == "other/d.txt"
    # copies outside the filters are not counted
    (only,) = hits("query", "tuần tra song phương", "--source", "cao bang")
    assert (only["id"], only["copies"]) == ("caobang/c.txt", [])
    (two,) = hits("query", "song phương", "--until", "2024-02-15")
    assert (two["id"], two["copies"]) == ("bienphong/a.txt", ["hagiang/b.txt"])


@pytest.mark.usefixtures("docs")
def test_similar_lists_related_articles_without_the_article_or_its_copies(
    tmp_path: Path,
) -> None:
    # add the seeds (border news) so that there is something alike, not only copies
    write_articles(tmp_path / "docs" / "seeds", {p.name: p.read_text() for p in SEEDS.iterdir()})
    assert bgsearch("index", "docs").exit_code == 0
    found = hits("similar", "bienphong/a.txt")
    ids = [h["id"] for h in found]
    assert ids
    assert not {"bienphong/a.txt", "hagiang/b.txt", "caobang/c.txt"} & set(ids)
    assert ids[0].startswith("seeds/")  # border news before the tea farmers
    if "other/d.txt" in ids:  # the tea farmers share only "tuần tra": after the border news
        assert all(i.startswith("seeds/") for i in ids[: ids.index("other/d.txt")])
        assert len(ids[: ids.index("other/d.txt")]) == 5
    assert "song phương" in str(found[0]["query"])  # telling words, as the article spells them
    assert all(h["type"] == "hit" for h in found)
    people = bgsearch("similar", "bienphong/a.txt", "-n", "2")
    assert people.exit_code == 0
    assert "like bienphong/a.txt" in people.stdout
    # filters apply; the copy from Cao Bằng is left out even there
    cao_bang = hits("similar", "bienphong/a.txt", "--source", "cao bang")
    assert [h["id"] for h in cao_bang] == ["seeds/003_e1e0cd69ceee4c10.txt"]


@pytest.mark.usefixtures("docs")
def test_similar_to_a_missing_article_says_so() -> None:
    run = bgsearch("similar", "nope.txt")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr.strip().endswith("no article with id 'nope.txt' in index")
