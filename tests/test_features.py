"""Filters, date order and facets, on fixtures with known dates and sources, and the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import bgsearch, write_articles

ARTICLES = {
    "a.txt": "Tuần tra biên giới mùa xuân\nNgày 14/02/2024\nĐồn tuần tra.\n"
    "Nguồn Biên Phòng: https://www.bienphong.com.vn/a",
    "b.txt": "Tuần tra chung với lực lượng bạn\nNgày 27/06/2020\nHai bên tuần tra.\n"
    "Nguồn Cao Bằng: https://baocaobang.vn/b",
    "c.txt": "Tuần tra trên sông\nNgày 01/12/2020\nTổ tuần tra đường sông.\n"
    "Nguồn Báo Cao Bằng: https://baocaobang.vn/c",
    "d.txt": "Tuần tra không ngày tháng\nTổ tuần tra.\n",
    "e.txt": "Chợ biên giới\nNgày 05/05/2020\nHàng hóa.\nNguồn: https://dantri.com.vn/e",
}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = write_articles(tmp_path / "docs", ARTICLES)
    assert bgsearch("index", "docs").exit_code == 0
    return folder


def ids(*args: str) -> list[str]:
    run = bgsearch("query", *args, "--json")
    return [r["id"] for r in run.records if r["type"] == "hit"]


@pytest.mark.usefixtures("docs")
def test_date_filters_are_inclusive_and_drop_undated_articles() -> None:
    assert sorted(ids("tuần tra")) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert sorted(ids("tuần tra", "--since", "2020-06-27")) == ["a.txt", "b.txt", "c.txt"]
    assert sorted(ids("tuần tra", "--until", "2020-06-27")) == ["b.txt"]
    assert sorted(ids("tuần tra", "--since", "2020", "--until", "2020")) == ["b.txt", "c.txt"]
    assert ids("tuần tra", "--since", "2020-12", "--until", "2020-12") == ["c.txt"]
    assert ids("tuần tra", "--since", "2025") == []


@pytest.mark.usefixtures("docs")
def test_source_filter_ignores_accents_and_case() -> None:
    assert sorted(ids("tuần tra", "--source", "cao bang")) == ["b.txt", "c.txt"]
    assert sorted(ids("tuần tra", "--source", "BÁO CAO BẰNG")) == ["c.txt"]
    assert ids("tuan tra", "--source", "bien phong") == ["a.txt"]
    assert ids("biên giới", "--source", "dantri.com.vn") == ["e.txt"]
    assert ids("biên giới", "--source", "dantri") == ["e.txt"]  # a host name is words too
    assert ids("biên giới", "--source", "antri") == []  # whole words only
    assert ids("tuần tra", "--source", "nowhere") == []


@pytest.mark.usefixtures("docs")
def test_sort_by_date_lists_dated_articles_in_order() -> None:
    (first,) = bgsearch("query", "tuần tra", "--sort", "date", "--json", "-n", "1").records
    assert (first["id"], first["score"]) == ("b.txt", 0.0)  # no relevance score in date order
    assert ids("tuần tra", "--sort", "date") == ["b.txt", "c.txt", "a.txt"]
    assert ids("tuần tra", "--sort", "-date") == ["a.txt", "c.txt", "b.txt"]
    assert ids("tuần tra", "--sort", "-date", "--source", "cao bang", "-n", "1") == ["c.txt"]


@pytest.mark.usefixtures("docs")
def test_facets_count_every_matching_article() -> None:
    run = bgsearch("query", "tuần tra", "--json", "--facet", "year", "-n", "1")
    facets = [r for r in run.records if r["type"] == "facet"]
    assert [(f["facet"], f["value"], f["count"]) for f in facets] == [
        ("year", "2020", 2),
        ("year", "2024", 1),
        ("year", "(no date)", 1),
    ]
    assert facets[0] == {
        "type": "facet", "query": "tuần tra", "facet": "year", "value": "2020", "count": 2,
    }  # fmt: skip
    run = bgsearch("query", "biên giới", "--json", "--facet", "source")
    assert [(r["value"], r["count"]) for r in run.records if r["type"] == "facet"] == [
        ("Biên Phòng", 1),
        ("dantri.com.vn", 1),
    ]
    months = bgsearch("query", "tuần tra", "--json", "--facet", "month", "--since", "2020")
    assert [(r["value"], r["count"]) for r in months.records if r["type"] == "facet"] == [
        ("2020-06", 1),
        ("2020-12", 1),
        ("2024-02", 1),
    ]


@pytest.mark.usefixtures("docs")
def test_facets_for_people_are_a_small_table() -> None:
    run = bgsearch("query", "tuần tra", "--facet", "source")
    assert run.exit_code == 0
    table = run.stdout[run.stdout.index("source") :]
    assert table.split("\n")[0].split() == ["source", "articles"]
    rows = [line.split() for line in table.strip().split("\n")[1:]]
    assert rows == [
        ["Báo", "Cao", "Bằng", "1"], ["Biên", "Phòng", "1"], ["Cao", "Bằng", "1"],
        ["(no", "source)", "1"],
    ]  # fmt: skip


@pytest.mark.usefixtures("docs")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2020-13"], "--since 2020-13: there is no month 13"),
        (["--until", "yesterday"], "--until takes a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        (["--sort", "newest"], "--sort takes relevance, date, -date, not 'newest'"),
        (["--facet", "author"], "--facet takes source, year, month, not 'author'"),
    ],
)
def test_bad_options_are_one_clear_line(args: list[str], message: str) -> None:
    run = bgsearch("query", "tuần tra", *args)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"bgsearch: error: {message}")
    assert run.stderr.count("\n") == 1


@pytest.mark.usefixtures("docs")
def test_show_prints_one_article_whole() -> None:
    (record,) = bgsearch("show", "c.txt", "--json", "--highlight", "tuan tra").records
    assert {k: v for k, v in record.items() if k not in ("path", "body")} == {
        "type": "article",
        "id": "c.txt",
        "title": "Tuần tra trên sông",
        "date": "2020-12-01",
        "source": "Báo Cao Bằng",
        "url": "https://baocaobang.vn/c",
        "highlights": [[3, 7], [8, 11]],
        "title_highlights": [[0, 4], [5, 8]],
    }
    assert record["body"] == "Tổ tuần tra đường sông."
    people = bgsearch("show", "c.txt")
    assert people.exit_code == 0
    assert people.stdout.splitlines()[:2] == [
        "Tuần tra trên sông",
        "c.txt  2020-12-01  Báo Cao Bằng  https://baocaobang.vn/c",
    ]
    assert "Tổ tuần tra đường sông." in people.stdout
    missing = bgsearch("show", "nope.txt")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "bgsearch: no article with id 'nope.txt' in index\n",
    )


@pytest.mark.usefixtures("docs")
def test_stats_describe_the_index() -> None:
    (record,) = bgsearch("stats", "--json").records
    size = record.pop("size_bytes")
    assert size > 0
    assert record == {
        "type": "stats",
        "documents": 5,
        "sources": [
            {"name": "Báo Cao Bằng", "count": 1},
            {"name": "Biên Phòng", "count": 1},
            {"name": "Cao Bằng", "count": 1},
            {"name": "dantri.com.vn", "count": 1},
        ],
        "first_date": "2020-05-05",
        "last_date": "2024-02-14",
        "undated": 1,
        "vocabulary": 24,  # distinct folded syllables of the titles and bodies above
    }
    people = bgsearch("stats").stdout
    assert "articles      5" in people
    assert "2020-05-05 to 2024-02-14 (1 undated)" in people


def test_show_and_stats_need_an_index() -> None:
    for args in (["show", "a.txt"], ["stats"]):
        run = bgsearch(*args)
        assert run.exit_code == 2
        assert run.stderr == "bgsearch: error: no index at index (run 'bgsearch index DIR' first)\n"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("tuan tra chung", "tuần tra chung"),
        ("tuaanf tra chung", "tuần tra chung"),
        ("tua62n tra", "tuần tra"),
        ("bien gioi", "biên giới"),
        ('"bien gioi" -xyzzy', '"biên giới" -xyzzy'),  # the syntax stays as typed
        ("bieen giowis", "biên giới"),
        ("bie6n gio71i", "biên giới"),
        ("ddoonf bieen phongf", "đồn biên phòng"),
        ("coong an", "công an"),
        ("cong an", "công an"),
        ("dang uy", "đảng ủy"),
        ("tuần tră", "tuần tra"),  # accented, but no article spells "tră"
        ("tuần tră chung", "tuần tra chung"),
        ("Tuần tră", "Tuần tra"),
    ],
)
def test_did_you_mean_restores_accents_from_the_index(
    seed_index: Path, typed: str, meant: str
) -> None:
    people = bgsearch("query", "--index", str(seed_index), "--", typed)
    # Telex or VNI that finds more decoded is searched decoded (test_query), else suggested
    assert people.stderr.splitlines()[0] in (
        f"Did you mean: {meant}?",
        f"Showing results for {meant}; search instead for {typed} with --as-typed",
    )
    records = bgsearch("query", "--index", str(seed_index), "--json", "--", typed).records
    assert {r.get("suggestion") or r.get("searched") for r in records} == {meant}


@pytest.mark.parametrize(
    "typed", ["tuần tra chung", "status update", "biên giới", "biên gioi", "xyzzy"]
)
def test_no_suggestion_for_accented_or_foreign_queries(seed_index: Path, typed: str) -> None:
    run = bgsearch("query", "--index", str(seed_index), typed)
    assert "Did you mean" not in run.stderr
    few = bgsearch("query", "--index", str(seed_index), "-n", "1", typed)  # few hits shown
    assert "Did you mean" not in few.stderr
    assert all(r["suggestion"] is None for r in bgsearch(
        "query", "--index", str(seed_index), "--json", typed).records)  # fmt: skip


def test_an_english_word_that_reads_as_telex_is_not_respelled(tmp_path: Path) -> None:
    # "or" is Telex for "ỏ": suggested, before, for every query holding "or"
    articles = {
        f"en{i}.txt": f"Go home {i}\nGo Hardwell or go home, {i} or more." for i in range(3)
    }
    articles["vi.txt"] = "Giá vàng\nGiá vàng hôm nay."
    write_articles(tmp_path / "docs", articles)
    assert bgsearch("index", "docs").exit_code == 0
    for typed in ("or", "home or"):
        run = bgsearch("query", "--json", typed)
        assert {r["suggestion"] for r in run.records} == {None}, typed
    (hit,) = bgsearch("query", "--json", "gias vangf").records
    assert hit["searched"] == "giá vàng"  # Telex the index bears out: still decoded


def test_a_batch_gives_every_query_a_record_and_reads_utf8(seed_index: Path) -> None:
    batch = "\ufefftuần tra\nxyzzyq\nbiên giới\n".encode()
    run = bgsearch("query", "--index", str(seed_index), "--json", "-n", "1", "-", input=batch)
    assert run.exit_code == 0, run.stderr
    # on 225431c the BOM stayed in the first query and "xyzzyq" left no record at all
    assert [(r["type"], r["query"]) for r in run.records] == [
        ("hit", "tuần tra"),
        ("no_hits", "xyzzyq"),
        ("hit", "biên giới"),
    ]


def test_a_batch_that_is_not_utf8_says_so(seed_index: Path) -> None:
    run = bgsearch(
        "query", "--index", str(seed_index), "--json", "-", input="giá vàng\n".encode("cp1258")
    )
    assert run.exit_code == 2
    assert run.stderr == (
        "bgsearch: error: stdin line 1 is not UTF-8 text (byte 3); queries are read as UTF-8:"
        " convert them first, e.g. iconv -f cp1258 -t utf-8\n"
    )


def test_facets_and_stats_span_segments_without_dates(tmp_path: Path) -> None:
    write_articles(tmp_path / "docs", {"a.txt": ARTICLES["a.txt"]})
    assert bgsearch("index", "docs").exit_code == 0
    # a second run adds a segment whose only article has no date, hence no date column
    write_articles(tmp_path / "docs", {"d.txt": ARTICLES["d.txt"]})
    assert bgsearch("index", "docs").exit_code == 0
    run = bgsearch("query", "tuần tra", "--json", "--facet", "year")
    assert [(r["value"], r["count"]) for r in run.records if r["type"] == "facet"] == [
        ("2024", 1),
        ("(no date)", 1),
    ]
    (stats,) = bgsearch("stats", "--json").records
    assert (stats["documents"], stats["undated"]) == (2, 1)
    assert ids("tuần tra", "--sort", "-date") == ["a.txt"]


def test_prefix_and_typo_tolerant_words(tmp_path: Path) -> None:
    write_articles(
        tmp_path / "docs",
        {
            "a.txt": "Biên phòng\nĐồn biên phòng tuần tra.",
            "b.txt": "Biến động giá\nGiá vàng biến động mạnh.",
            "c.txt": "Biện pháp mới\nCác biện pháp phòng dịch.",
            "d.txt": "Tuầntra viết liền\nBản tin tuầb tra có lỗi gõ.",
            "e.txt": "Chợ phiên\nHàng hóa phong phú.",
        },
    )
    assert bgsearch("index", "docs").exit_code == 0
    assert sorted(ids("biên*")) == ["a.txt", "b.txt", "c.txt"]
    assert sorted(ids("bien*")) == ["a.txt", "b.txt", "c.txt"]
    assert sorted(ids("biên* -động")) == ["a.txt", "c.txt"]
    assert sorted(ids("tuần~")) == ["a.txt", "d.txt"]  # "tuầb" is one edit away
    assert ids("phong~2 -phòng -phú") == []
    assert sorted(ids("phong~")) == ["a.txt", "c.txt", "e.txt"]
    (hit,) = bgsearch("query", "biện*", "--json").records[:1]
    assert [hit["snippet"][a:b] for a, b in hit["highlights"]]  # expansions are highlighted


def test_a_typo_tolerant_word_keeps_the_word_as_typed_within_its_bounds(tmp_path: Path) -> None:
    # 40 words two edits from "vang", each commoner than it: the 32 most frequent once
    # filled the bound and left "vàng" itself out
    near = [f"va{a}{b}" for a in "bcdefh" for b in "klmpqrst"][:40]
    articles = {
        f"n{i:02}-{j}.txt": f"Tin {i}\n{w} {w}." for i, w in enumerate(near) for j in (1, 2)
    }
    articles["gold.txt"] = "Giá vàng\nGiá vàng hôm nay."
    write_articles(tmp_path / "docs", articles)
    assert bgsearch("index", "docs").exit_code == 0
    run = bgsearch("query", "vàng~2", "--json", "-n", "3")
    assert run.ids[0] == "gold.txt"
    assert "searching the 32 closest" in run.stderr


def test_a_rare_look_alike_does_not_outrank_the_word_as_typed(tmp_path: Path) -> None:
    # each term a typo-tolerant word reaches scores with the IDF of the word as typed: "vng",
    # held once, once outscored every "vàng" at half the closeness
    articles = {f"v{i:02}.txt": f"Tin vàng {i}\nGiá vàng tăng {i}." for i in range(20)}
    articles |= {f"o{i:02}.txt": f"Tin khác {i}\nThời tiết {i}." for i in range(10)}
    articles["vng.txt"] = "Công ty VNG\nVNG lên sàn."
    write_articles(tmp_path / "docs", articles)
    assert bgsearch("index", "docs").exit_code == 0
    listed = ids("vang~1", "-n", "30")
    assert listed[-1] == "vng.txt"
    assert len(listed) == 21


def test_an_accented_prefix_ranks_its_own_spelling_first(tmp_path: Path) -> None:
    # as an accented word does: "biên*" once listed articles full of "biển" first
    write_articles(
        tmp_path / "docs",
        {
            "sea.txt": "Biển xanh\nBiển đẹp, biển lặng, biển sâu, sóng biển.",
            "border.txt": "Đồn mới\nĐồn biên phòng làm nhiệm vụ.",
            "other.txt": "Tin khác\nThời tiết hôm nay.",
        },
    )
    assert bgsearch("index", "docs").exit_code == 0
    assert ids("biên*") == ["border.txt", "sea.txt"]
    assert sorted(ids("biên~1")) == ["border.txt", "sea.txt"]  # a tone is one edit
    assert ids("biển*") == ["sea.txt", "border.txt"]
    assert sorted(ids("bien*")) == ["border.txt", "sea.txt"]  # without accents: either


def test_the_similar_heading_names_each_word_once_and_pairs_of_letters_only() -> None:
    from bgsearch.similar import _a_word, spelled
    from bgsearch.text import analyze

    text = analyze("Vào 5h27, JCS cho biết quốc JCS vào 5h27")
    terms = [("5h27", False, 1.0), ("vao_5h27", True, 0.9), ("jcs", False, 0.8)]
    terms += [("jcs_cho", True, 0.7), ("quoc_jcs", True, 0.6)]
    # before: a pair repeated a word named before it ("5h27, vào 5h27, jcs, jcs cho, …")
    assert spelled(terms, (text,)) == "vào 5h27, jcs cho, quốc jcs"
    assert not _a_word("vao_5h27", lambda pair: True)
    assert _a_word("bien_gioi", lambda pair: True)
