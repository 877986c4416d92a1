"""`bgsearch query` on the seeds: ranking, the JSON contract, exit codes and errors."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import bgsearch, write_articles

T003 = "003_e1e0cd69ceee4c10.txt"


def query(index: Path, *args: str) -> list[str]:
    run = bgsearch("query", *args, "--index", str(index), "--json")
    assert run.exit_code in (0, 1), run.stderr
    return [i[:3] for i in run.ids]


@pytest.mark.parametrize("typed", ["tuần tra chung", "tuan tra chung"])
def test_tuan_tra_chung_ranks_the_article_with_the_phrase_first(
    seed_index: Path, typed: str
) -> None:
    run = bgsearch("query", typed, "--index", str(seed_index), "--json")
    assert run.exit_code == 0
    first = run.records[0]
    assert first["id"] == T003
    marked = [first["snippet"][a:b] for a, b in first["highlights"]]
    assert "tuần tra chung" in first["snippet"]
    assert marked[-3:] == ["tuần", "tra", "chung"]


def test_dang_uy_ranks_both_spellings_of_the_word_above_scattered_syllables(
    seed_index: Path,
) -> None:
    ranked = query(seed_index, "dang uy")
    assert set(ranked[:3]) == {"000", "001", "004"}
    assert set(ranked[3:]) == {"002", "003"}


def test_an_is_a_word(seed_index: Path) -> None:
    assert sorted(query(seed_index, "an ninh")) == ["000", "001", "002", "003", "004"]
    ranked = query(seed_index, "Công an")
    assert set(ranked[:3]) == {"000", "002", "003"}
    assert set(ranked[3:]) == {"001", "004"}


def test_nfd_query_gives_the_same_hits_as_nfc(seed_index: Path) -> None:
    for text in ["Công an", "tuần tra chung", "Đảng ủy"]:
        decomposed = unicodedata.normalize("NFD", text)
        assert decomposed != text
        nfc = bgsearch("query", text, "--index", str(seed_index), "--json").records
        nfd = bgsearch("query", decomposed, "--index", str(seed_index), "--json").records
        assert [(r["id"], r["score"]) for r in nfd] == [(r["id"], r["score"]) for r in nfc]


def test_accented_query_ranks_exact_accents_above_folded_matches(seed_index: Path) -> None:
    ranked = query(seed_index, "chúng")
    assert set(ranked[:3]) == {"000", "002", "003"}
    assert ranked[3:] == ["001"]  # has only "chung"


def test_both_tone_placements_rank_the_same(seed_index: Path) -> None:
    assert query(seed_index, "Đảng uỷ") == query(seed_index, "Đảng ủy")
    assert query(seed_index, "hoà") == query(seed_index, "hòa")


def test_punctuation_is_never_an_operator(seed_index: Path) -> None:
    assert query(seed_index, "không?") == query(seed_index, "không")
    assert query(seed_index, "biên!") == query(seed_index, "biên")
    assert query(seed_index, "b*") == query(seed_index, "b")  # a prefix needs 2 letters


def test_json_record_is_the_documented_contract(seed_index: Path) -> None:
    run = bgsearch("query", "tuần tra chung", "-n", "1", "--index", str(seed_index), "--json")
    (record,) = run.records
    assert list(record) == [
        "type", "query", "rank", "id", "path", "title", "date", "source", "url", "score",
        "snippet", "highlights", "title_highlights", "suggestion", "copies", "missing",
        "searched",
    ]  # fmt: skip
    assert record["query"] == "tuần tra chung"
    assert record["rank"] == 1
    assert record["id"] == T003
    assert Path(record["path"]).name == T003
    assert Path(record["path"]).is_absolute()
    assert record["title"] == "Trùng Khánh phát huy vai trò toàn dân trong bảo vệ biên giới"
    assert record["date"] is None  # the article gives no date of its own
    assert record["source"] == "Cao Bằng"
    assert record["url"].startswith("https://baocaobang.vn/trung-khanh-phat-huy")
    assert isinstance(record["score"], float)
    assert record["score"] > 0
    assert all(record["snippet"][a:b] for a, b in record["highlights"])
    assert record["title_highlights"] == []
    # UTF-8 unescaped, one object per line
    assert "Trùng Khánh" in run.stdout
    assert "\\u" not in run.stdout
    assert run.stdout.count("\n") == 1


def test_limit(seed_index: Path) -> None:
    assert len(query(seed_index, "biên giới", "-n", "2")) == 2
    assert len(query(seed_index, "biên giới", "--limit", "4")) == 4
    run = bgsearch("query", "biên", "-n", "0", "--index", str(seed_index))
    assert run.exit_code == 2


def test_no_hits_prints_nothing_on_stdout_and_exits_1(seed_index: Path) -> None:
    for extra in ([], ["--json"]):
        run = bgsearch("query", "xyzzy", "--index", str(seed_index), *extra)
        assert run.exit_code == 1
        assert run.stdout == ""


def test_missing_index_is_one_line_naming_the_fix() -> None:
    run = bgsearch("query", "tuần tra")
    assert run.exit_code == 2
    assert run.stdout == ""
    assert run.stderr == "bgsearch: error: no index at index (run 'bgsearch index DIR' first)\n"


def test_index_location_from_the_environment(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BGSEARCH_INDEX", str(seed_index))
    assert bgsearch("query", "tuần tra", "--json").exit_code == 0
    # --index wins over the environment
    assert bgsearch("query", "tuần tra", "--index", "elsewhere").exit_code == 2


def test_default_index_is_dot_index(seed_index: Path, tmp_path: Path) -> None:
    (tmp_path / "index").symlink_to(seed_index)
    assert bgsearch("query", "tuần tra", "--json").exit_code == 0


def test_queries_from_stdin_answer_each_line_in_turn(seed_index: Path) -> None:
    lines = "tuần tra chung\n\nxyzzy\ncông an\n"
    run = bgsearch("query", "-", "-n", "2", "--index", str(seed_index), "--json", input=lines)
    assert run.exit_code == 0
    assert [(r["query"], r.get("rank")) for r in run.records] == [
        ("tuần tra chung", 1), ("tuần tra chung", 2), ("xyzzy", None), ("công an", 1),
        ("công an", 2),
    ]  # fmt: skip


def test_stdin_with_no_hits_at_all_exits_1(seed_index: Path) -> None:
    run = bgsearch("query", "-", "--index", str(seed_index), "--json", input="xyzzy\nqwfp\n")
    assert run.exit_code == 1
    assert [(r["type"], r["query"]) for r in run.records] == [
        ("no_hits", "xyzzy"),
        ("no_hits", "qwfp"),
    ]


def test_phrases_exclusions_or_and_title(seed_index: Path) -> None:
    assert set(query(seed_index, '"tuần tra chung"')) == {"003"}
    assert "003" not in query(seed_index, "biên giới -Trùng")
    assert set(query(seed_index, "title:Trùng")) == {"003"}
    assert set(query(seed_index, 'xyzzy OR "Trùng Khánh"')) == {"003"}


def test_quoted_phrase_matches_only_side_by_side(tmp_path: Path) -> None:
    write_articles(
        tmp_path / "docs",
        {
            "apart.txt": "Tin\nBiên phòng giữ vững vùng giới hạn.",
            "together.txt": "Tin\nBảo vệ biên giới quốc gia.",
            "folded.txt": "Tin\nBien gioi Viet Nam.",
        },
    )
    assert bgsearch("index", "docs").exit_code == 0
    run = bgsearch("query", '"biên giới"', "--json")
    assert run.ids == ["together.txt", "folded.txt"]  # exact phrase above folded phrase


def test_quoted_numbers_and_abbreviations_are_found_as_written(tmp_path: Path) -> None:
    # "4.000" and "TP.HCM" are one word each: the dot with no space is no sentence end
    write_articles(
        tmp_path / "docs",
        {
            "money.txt": "Tin\nTP.HCM chi 4.000 tỷ đồng cho đường vành đai.",
            "end.txt": "Tin\nThành phố có 4. 000 người tham gia.",
        },
    )
    assert bgsearch("index", "docs").exit_code == 0
    assert bgsearch("query", '"4.000 tỷ"', "--json").ids == ["money.txt"]
    assert bgsearch("query", '"TP.HCM"', "--json").ids == ["money.txt"]
    assert bgsearch("query", '"tp hcm"', "--json").ids == ["money.txt"]
    assert bgsearch("query", '"4 000"', "--json").ids == ["money.txt"]


def test_people_output_shows_title_path_score_and_snippet(seed_index: Path) -> None:
    run = bgsearch("query", "tuần tra chung", "-n", "1", "--index", str(seed_index))
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[0] == " 1. Trùng Khánh phát huy vai trò toàn dân trong bảo vệ biên giới"
    assert all(line == line.rstrip() for line in lines)
    assert T003 in lines[1]
    assert "score" in lines[1]
    assert "tuần tra chung" in " ".join(line.strip() for line in lines[2:])


def test_article_markup_is_printed_as_text(tmp_path: Path) -> None:
    write_articles(tmp_path / "docs", {"a.txt": "[bold]Tiêu đề[/bold]\nNội dung [red]x[/red]"})
    assert bgsearch("index", "docs").exit_code == 0
    run = bgsearch("query", "nội dung")
    assert "[bold]Tiêu đề[/bold]" in run.stdout
    assert "[red]x[/red]" in run.stdout


def test_query_with_nothing_to_search_for_finds_nothing(seed_index: Path) -> None:
    for text in ["???", "-tuần", '""']:
        run = bgsearch("query", "--index", str(seed_index), "--json", "--", text)
        assert (run.exit_code, run.stdout) == (1, ""), text


def test_usage_errors_are_one_line_with_the_fix(seed_index: Path) -> None:
    run = bgsearch("query", "-ma tuần", "--index", str(seed_index))
    assert run.exit_code == 2
    assert run.stderr == (
        "bgsearch: error: No such option: -m "
        "(a query that starts with '-' goes after '--': bgsearch query -- '-ma')\n"
    )
    run = bgsearch("query")
    assert run.exit_code == 2
    assert run.stderr == (
        "bgsearch: error: Missing argument 'QUERY'. (see 'bgsearch query --help')\n"
    )


def test_seed_metadata_matches_what_a_person_reads(seed_index: Path) -> None:
    """Golden: title, date, source and URL of every seed, as the JSON output gives them."""
    golden = json.loads((Path(__file__).parent / "fixtures" / "seeds-metadata.json").read_text())
    run = bgsearch("query", "biên giới", "--index", str(seed_index), "--json")
    found = {r["id"]: {k: r[k] for k in ("title", "date", "source", "url")} for r in run.records}
    assert found == golden


def test_boilerplate_is_neither_indexed_nor_shown(seed_index: Path) -> None:
    for furniture in ["Ý kiến bạn đọc", "Tìm kiếm theo ngày", "Zalo"]:
        run = bgsearch("query", f'"{furniture}"', "--index", str(seed_index), "--json")
        assert run.exit_code == 1, furniture


def test_show_prints_the_article_as_written_with_marks_on_the_words(
    seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = "004_d4b2fff87a9d68e3.txt"
    plain = bgsearch("show", article, "--index", str(seed_index))
    assert plain.exit_code == 0
    assert "\\x0a" not in plain.stdout  # on 225431c: every paragraph break
    assert plain.stdout.endswith("\n\nNông Văn Tuấn\n")  # its last paragraph, on its own
    monkeypatch.setenv("FORCE_COLOR", "1")
    marked = bgsearch("show", article, "--index", str(seed_index), "--highlight", "tuần tra")
    words = re.findall(r"\x1b\[1;33m([^\x1b]*)\x1b\[0m", marked.stdout)
    # on 225431c the marks slid 3 characters per paragraph break ("[bỏ t]r[ạm ]")
    assert {w.lower() for w in words} <= {"tuần", "tra", "tuấn"}
    assert words.count("tra") >= 3


def test_show_and_similar_take_the_path_a_hit_shows_or_the_id_without_extension(
    seed_index: Path,
) -> None:
    from tests.conftest import SEEDS

    hit = bgsearch("query", "Trùng Khánh", "--index", str(seed_index), "--json").records[0]
    article = "003_e1e0cd69ceee4c10.txt"
    assert hit["id"] == article
    # on 225431c each of these said "no article with id"
    for ref in (hit["path"], str(SEEDS / article), "003_e1e0cd69ceee4c10"):
        shown = bgsearch("show", ref, "--index", str(seed_index), "--json")
        assert shown.exit_code == 0, (ref, shown.stderr)
        assert shown.records[0]["id"] == article
        like = bgsearch("similar", ref, "--index", str(seed_index), "--json", "-n", "1")
        assert like.exit_code == 0, (ref, like.stderr)
        assert like.ids != [article]


def test_an_unknown_id_suggests_the_closest(seed_index: Path) -> None:
    run = bgsearch("show", "003_e1e0cd69", "--index", str(seed_index))
    assert run.exit_code == 1
    assert run.stderr == (
        f"bgsearch: no article with id '003_e1e0cd69' in {seed_index};"
        " closest: 003_e1e0cd69ceee4c10.txt\n"
    )


def test_telex_typed_without_an_input_method_is_searched_decoded(seed_index: Path) -> None:
    run = bgsearch("query", "tuaanf tra", "--index", str(seed_index), "--json")
    assert run.exit_code == 0
    # on 225431c: articles about "kiểm tra" matched on "tra" alone, "tuaanf" missing
    assert run.stderr.splitlines()[0] == (
        "Showing results for tuần tra; search instead for tuaanf tra with --as-typed"
    )
    assert {(r["query"], r["searched"]) for r in run.records} == {("tuaanf tra", "tuần tra")}
    assert all(r["missing"] == [] for r in run.records)
    typed = bgsearch("query", "tuaanf tra", "--index", str(seed_index), "--json", "--as-typed")
    assert typed.records[0]["missing"] == ["tuaanf"]
    assert typed.records[0]["searched"] is None
    assert "Showing results" not in typed.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--source", "nonexist"],
            "no source matches --source 'nonexist'; the index's sources: Biên Phòng, Cao Bằng",
        ),
        (
            ["--since", "2021", "--until", "2020"],
            "--since 2021 is after --until 2020: no date is both",
        ),
        (
            ["--since", "2021-02-30"],
            "--since 2021-02-30: there is no such day (February 2021 has 28 days)",
        ),
        (["--until", "2021-13"], "--until 2021-13: there is no month 13"),
    ],
)
def test_filters_that_cannot_match_say_why(
    seed_index: Path, options: list[str], message: str
) -> None:
    # on 225431c the first two said only "no hits" (exit 1), the others named the format
    for command in (["query", "tuần tra"], ["similar", "003_e1e0cd69ceee4c10.txt"]):
        run = bgsearch(*command, "--index", str(seed_index), *options)
        assert (run.exit_code, run.stderr) == (2, f"bgsearch: error: {message}\n")


def test_a_hit_names_its_id_when_the_path_shown_does_not_end_in_it(tmp_path: Path) -> None:
    from tests.conftest import SEEDS

    links = tmp_path / "links"
    links.mkdir()
    (links / "trung-khanh.txt").symlink_to(SEEDS / "003_e1e0cd69ceee4c10.txt")
    assert bgsearch("index", str(links), "--follow-symlinks").exit_code == 0
    run = bgsearch("query", "Trùng Khánh", "-n", "1")
    meta = run.stdout.splitlines()[1]
    # on 225431c: only the link's target, an id no command takes
    assert "003_e1e0cd69ceee4c10.txt  id trung-khanh.txt  Cao Bằng" in meta
    assert bgsearch("show", "trung-khanh", "--json").records[0]["id"] == "trung-khanh.txt"
