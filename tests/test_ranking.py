"""Query semantics of the ranking, on small article folders made in each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import bgsearch, write_articles

FILLER = " Các đơn vị phối hợp với chính quyền địa phương thực hiện nhiệm vụ."


def index(tmp_path: Path, articles: dict[str, str]) -> None:
    write_articles(tmp_path / "docs", articles)
    run = bgsearch("index", "docs")
    assert run.exit_code == 0, run.stderr


def ranked(*query: str) -> list[str]:
    run = bgsearch("query", "--json", "--", *query)
    assert run.exit_code in (0, 1), run.stderr
    return run.ids


def test_short_query_lists_documents_with_every_word_first(tmp_path: Path) -> None:
    index(
        tmp_path,
        {
            "both.txt": "Tin\nNgười dân tham gia tuần tra." + FILLER * 6,
            "one-many-times.txt": "Tin\nTuần tra, tuần tra, tuần tra, tuần tra, tuần tra.",
            "other.txt": "Tin\nNgười dân.",
        },
    )
    assert ranked("tuần tra người dân")[0] == "both.txt"


def test_adjacent_words_rank_above_scattered_ones(tmp_path: Path) -> None:
    index(
        tmp_path,
        {
            "apart.txt": "Tin\nBiên phòng tỉnh giữ vững an ninh, giới trẻ tham gia.",
            "together.txt": "Tin\nBảo vệ biên giới, giữ vững an ninh, tỉnh tham gia.",
        },
    )
    assert ranked("bien gioi") == ["together.txt", "apart.txt"]


def test_title_match_ranks_above_body_match(tmp_path: Path) -> None:
    index(
        tmp_path,
        {
            "body.txt": "Hội nghị sơ kết\nĐồn tổ chức tuần tra biên giới." + FILLER,
            "title.txt": "Tuần tra biên giới\nHội nghị sơ kết công tác." + FILLER,
        },
    )
    assert ranked("tuần tra")[0] == "title.txt"


def test_accented_word_ranks_exact_spelling_above_folded(tmp_path: Path) -> None:
    index(
        tmp_path,
        {
            "chung.txt": "Tin\nTuần tra chung, chung sức, chung tay.",
            "chung-accent.txt": "Tin\nQuần chúng nhân dân.",
        },
    )
    assert ranked("chúng") == ["chung-accent.txt", "chung.txt"]
    assert sorted(ranked("chung")) == ["chung-accent.txt", "chung.txt"]  # finds both


def test_long_question_returns_partial_matches(tmp_path: Path) -> None:
    index(
        tmp_path,
        {
            "answer.txt": "Vắc xin\nNgười bệnh tuyến giáp ổn định có thể tiêm vaccine Covid-19.",
            "other.txt": "Tin\nGiá vàng hôm nay tăng mạnh.",
        },
    )
    question = (
        "Mình bị tuyến giáp, hiện tại bình giáp, đang uống thuốc ổn định 4 năm "
        "có nên chích ngừa vaccine Covid-19 không ạ?"
    )
    assert ranked(question)[0] == "answer.txt"
    assert ranked(question.replace("ổ", "o").replace("ế", "e"))[0] == "answer.txt"


def test_exclusion_of_an_accented_word_is_exact(tmp_path: Path) -> None:
    index(
        tmp_path,
        {"chung.txt": "Tin\ntuần tra chung", "chúng.txt": "Tin\ntuần tra quần chúng"},
    )
    assert ranked("tuần tra -chúng") == ["chung.txt"]
    assert ranked("tuần tra -chung") == []  # unaccented: every spelling


@pytest.mark.parametrize("query", ['"biên giới quốc gia"', '"bien gioi quoc gia"'])
def test_long_phrases_need_every_syllable_in_order(tmp_path: Path, query: str) -> None:
    index(
        tmp_path,
        {
            "phrase.txt": "Tin\nBảo vệ biên giới quốc gia.",
            "shuffled.txt": "Tin\nQuốc gia bảo vệ biên giới.",
        },
    )
    assert ranked(query) == ["phrase.txt"]
