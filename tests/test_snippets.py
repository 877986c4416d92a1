"""Snippets: the best passage, cut on word boundaries, every match highlighted by offset."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bgsearch.snippets import WIDTH, best_passage, highlight_all
from bgsearch.text import normalize

FILLER = "Các đơn vị đã phối hợp chặt chẽ với chính quyền địa phương. " * 8


def marked(snippet_text: str, spans: tuple[tuple[int, int], ...]) -> list[str]:
    return [snippet_text[a:b] for a, b in spans]


def test_the_window_with_most_distinct_words_wins_over_the_first_match() -> None:
    text = "Tuần tra một mình. " + FILLER + "Tổ chức tuần tra chung với Trung Quốc. " + FILLER
    snippet = best_passage(text, {"tuan", "tra", "chung"}, {"tuần"})
    assert "tuần tra chung" in snippet.text
    assert marked(snippet.text, snippet.highlights)[-3:] == ["tuần", "tra", "chung"]


def test_folded_matches_are_highlighted_in_the_accented_text() -> None:
    snippet = best_passage("Lực lượng Biên phòng tuần tra.", {"bien", "phong"}, set())
    assert snippet.text == "Lực lượng Biên phòng tuần tra."
    assert marked(snippet.text, snippet.highlights) == ["Biên", "phòng"]


def test_snippet_is_cut_on_word_boundaries_with_ellipses_and_compact_spaces() -> None:
    text = FILLER + "Đồn   Biên\nphòng\n\ntuần tra " + FILLER
    snippet = best_passage(text, {"tuan"}, set())
    assert snippet.text.startswith("…")
    assert snippet.text.endswith("…")
    assert "  " not in snippet.text
    assert "\n" not in snippet.text
    assert len(snippet.text) <= WIDTH + 2
    inner = snippet.text.strip("…")
    assert normalize(inner) in " ".join(text.split())  # whole words only
    assert marked(snippet.text, snippet.highlights) == ["tuần"]


def test_no_match_gives_the_opening_of_the_text() -> None:
    snippet = best_passage(FILLER, {"xyzzy"}, set())
    assert snippet.text.startswith("Các đơn vị")
    assert snippet.highlights == ()


def test_title_highlights_every_match() -> None:
    title = highlight_all("Đảng ủy  Đồn Biên phòng", {"dang", "uy"}, {"ủy"})
    assert title.text == "Đảng ủy Đồn Biên phòng"
    assert marked(title.text, title.highlights) == ["Đảng", "ủy"]


@given(st.text(alphabet="abc đĐ tuần tra\n.,", max_size=600), st.sampled_from(["tuan", "a", "d"]))
def test_highlights_always_point_at_matching_words(text: str, word: str) -> None:
    snippet = best_passage(normalize(text), {word}, set())
    for start, end in snippet.highlights:
        assert 0 <= start < end <= len(snippet.text)
        piece = snippet.text[start:end]
        assert piece.lower().replace("đ", "d").replace("ầ", "a") == word
