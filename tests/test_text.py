"""The pure Vietnamese text functions, exhaustively where the alphabet allows."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bgsearch.keyboard import decode_typing
from bgsearch.text import (
    VIETNAMESE_LETTERS,
    accent_variants,
    analyze,
    canonical_tone,
    exact_form,
    fold,
    folded_form,
    is_accented,
    is_syllable,
    normalize,
    tokenize,
)

TONES = {"huyền": "\u0300", "sắc": "\u0301", "hỏi": "\u0309", "ngã": "\u0303", "nặng": "\u0323"}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def with_tone(vowel: str, tone: str) -> str:
    return unicodedata.normalize("NFC", vowel + tone)


# --- folding ---------------------------------------------------------------------------------


def test_there_are_134_precomposed_letters() -> None:
    letters = VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()
    assert len(set(letters)) == 134
    assert all(len(ch) == 1 and not ch.isascii() for ch in letters)


@pytest.mark.parametrize("letter", list(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper()))
def test_fold_maps_every_letter_to_its_base(letter: str) -> None:
    expected = "d" if letter in "đĐ" else nfd(letter)[0]
    if letter.isupper():
        expected = expected.upper()
    assert fold(letter) == expected
    assert fold(nfd(letter)) == expected  # decomposed input folds the same


def test_fold_handles_the_lookalike_eth_in_upper_and_lower_case() -> None:
    # Ð (U+00D0) is what some keyboards type for Đ; Whoosh's accent_map misses the upper one.
    assert fold("ÐẢNG Ðảng ðảng") == "DANG Dang dang"
    assert folded_form("ÐẢNG") == "dang"


def test_fold_keeps_case_and_falls_back_to_unidecode_for_other_scripts() -> None:
    assert fold("Đảng Ủy Bộ đội Biên phòng") == "Dang Uy Bo doi Bien phong"
    assert fold("Straße") == "Strasse"
    assert folded_form("Москва") == "moskva"


@given(st.text(alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "abcdeghiklmnopqrstuvxy"))
def test_folded_vietnamese_is_ascii_and_nfd_input_folds_the_same(text: str) -> None:
    assert fold(text).isascii()
    assert fold(nfd(text)) == fold(text)
    assert len(fold(text)) == len(text)


# --- normalising and tokenizing ----------------------------------------------------------------


def test_normalize_makes_nfc_and_cleans_invisible_and_odd_spaces() -> None:
    raw = nfd("Bộ đội\u00a0Biên\u200b phòng\u00ad tuần\r\ntra\x1b[31m")
    assert normalize(raw) == "Bộ đội Biên phòng tuần\ntra [31m"


def test_tokens_keep_short_syllables_that_english_stop_lists_drop() -> None:
    text = "Công an ở xã A an ninh, và ủy ban"
    assert [t.text for t in tokenize(text)] == [
        "Công", "an", "ở", "xã", "A", "an", "ninh", "và", "ủy", "ban",
    ]  # fmt: skip


def test_tokens_carry_offsets_into_the_text() -> None:
    text = "Tuần tra, kiểm soát."
    assert all(text[t.start : t.end] == t.text for t in tokenize(text))


def test_nfd_text_is_not_split_inside_syllables() -> None:
    # Whoosh's RegexTokenizer(\w+) splits "Vie\u0302\u0323t" at the combining marks.
    assert [t.text for t in tokenize(nfd("Việt Nam tuần tra"))] == [
        nfd("Việt"), "Nam", nfd("tuần"), "tra",
    ]  # fmt: skip


def test_punctuation_separates_and_underscores_do_not_join() -> None:
    assert [t.text for t in tokenize("không? Covid-19 a_b [x] 3,5%")] == [
        "không", "Covid", "19", "a", "b", "x", "3", "5",
    ]  # fmt: skip


def test_absurdly_long_tokens_are_dropped() -> None:
    assert [t.text for t in tokenize("a " + "x" * 65 + " b")] == ["a", "b"]


def test_analyze_gives_both_forms_position_for_position() -> None:
    analysis = analyze("Đảng uỷ HOÀ bình")
    assert analysis.exact == ["đảng", "ủy", "hòa", "bình"]
    assert analysis.folded == ["dang", "uy", "hoa", "binh"]


def test_pairs_are_folded_neighbours_within_a_sentence() -> None:
    assert analyze("Tuần tra, biên giới. Covid 19").pairs == [
        "tuan_tra", "tra_bien", "bien_gioi", "covid_19",
    ]  # fmt: skip
    # punctuation with no space is inside a number or an abbreviation, not a sentence end
    assert analyze("TP.HCM chi 4.000 tỷ.Hết\nMới").pairs == [
        "tp_hcm", "hcm_chi", "chi_4", "4_000", "000_ty", "ty_het",
    ]  # fmt: skip


def test_pairs_around_a_dropped_token_see_the_text_it_stood_in() -> None:
    """A run too long to be a word is no term; its neighbours pair across it unless a
    sentence ends beside it (``analyze`` reads such texts by another path)."""
    junk = "x" * 70
    analysis = analyze(f"a {junk} b. {junk} c\nd {junk}")
    assert analysis.folded == ["a", "b", "c", "d"]
    assert analysis.pairs == ["a_b"]
    assert analyze(f"Tuần {junk} tra").pairs == ["tuan_tra"]


# --- tone placement ----------------------------------------------------------------------------

# Open syllables where the traditional style (first) and the new style (second) differ.
STYLE_PAIRS = [("o", "a"), ("o", "e"), ("u", "y")]
ONSETS = ["", "h", "kh", "th", "l", "x", "ng"]


@pytest.mark.parametrize("tone", list(TONES.values()), ids=list(TONES))
@pytest.mark.parametrize(("first", "second"), STYLE_PAIRS)
@pytest.mark.parametrize("onset", ONSETS)
def test_both_tone_placements_give_one_exact_term(
    onset: str, first: str, second: str, tone: str
) -> None:
    old = onset + with_tone(first, tone) + second  # hòa, thủy, khỏe
    new = onset + first + with_tone(second, tone)  # hoà, thuỷ, khoẻ
    assert exact_form(new) == exact_form(old) == old
    assert exact_form(new.upper()) == exact_form(old.upper()) == old
    assert exact_form(nfd(new)) == old
    assert folded_form(new) == folded_form(old) == onset + first + second


# Syllables already in canonical form, one per vowel cluster kind, which must stay unchanged;
# and the same syllables with the tone on a wrong vowel, which must move back.
CANONICAL = [
    "người", "ngoài", "khuỷu", "quý", "quả", "già", "gì", "giặt", "giếng", "hoàng", "mùa",
    "cửa", "rượu", "tuần", "xoòng", "thuở", "hữu", "yếu", "tiếng", "muốn", "xoắn", "quốc",
    "giữ", "huỳnh", "hái", "cháo", "sáu", "cày", "kéo", "túi", "mía", "chịu", "đảng", "ủy",
    "việt", "khuyến", "quyền", "nguyễn", "thuyền", "ở", "ạ", "khỏe", "hòa", "thủy",
]  # fmt: skip


@pytest.mark.parametrize("word", CANONICAL)
def test_canonical_syllables_stay_as_they_are(word: str) -> None:
    assert canonical_tone(word) == word
    assert exact_form(word.upper()) == word
    assert exact_form(word.capitalize()) == word


@pytest.mark.parametrize("word", CANONICAL)
def test_a_misplaced_tone_moves_to_the_canonical_vowel(word: str) -> None:
    base = nfd(word)
    tone = next(ch for ch in base if ch in TONES.values())
    stripped = unicodedata.normalize("NFC", base.replace(tone, ""))
    vowels = [i for i, ch in enumerate(stripped) if fold(ch).lower() in "aeiouy"]
    for i in vowels:
        moved = unicodedata.normalize("NFC", stripped[: i + 1] + tone + stripped[i + 1 :])
        if fold(moved) == fold(word):
            assert exact_form(moved) == word, moved


@pytest.mark.parametrize("word", ["café", "josé", "covid", "hòa-bình", "ừm", "xyz", "2024"])
def test_words_that_are_not_one_syllable_with_one_tone_are_left_alone(word: str) -> None:
    assert canonical_tone(word) == word


@given(st.text(alphabet=VIETNAMESE_LETTERS + "aeiouyđbcdghklmnpqrstvx" + "".join(TONES.values())))
def test_term_forms_are_idempotent_and_agree_on_the_folded_form(text: str) -> None:
    for token in tokenize(normalize(text)):
        exact = exact_form(token.text)
        assert exact_form(exact) == exact
        assert folded_form(exact) == folded_form(token.text)


def test_accented_means_folding_changes_the_word() -> None:
    assert is_accented("chúng")
    assert is_accented("đi")
    assert is_accented("Ủy")
    assert not is_accented("chung")
    assert not is_accented("Covid")
    assert not is_accented("19")


@pytest.mark.parametrize(
    ("folded", "expected"),
    [("tuan", {"tuần", "tuấn", "tuân", "tuan"}), ("chung", {"chúng", "chung", "chừng"}),
     ("hoa", {"hòa", "hóa", "hoa", "họa"}), ("duong", {"đường", "dương", "đương"})],
)  # fmt: skip
def test_accent_variants_cover_every_spelling_that_folds_back(
    folded: str, expected: set[str]
) -> None:
    variants = accent_variants(folded)
    assert expected <= set(variants)
    assert all(folded_form(v) == folded and exact_form(v) == v for v in variants)


@pytest.mark.parametrize("word", ["19", "x", "bcd", "abcdefgh", "Tuan", "tuần"])
def test_accent_variants_only_for_folded_syllables(word: str) -> None:
    assert accent_variants(word) == []


# --- syllable shape (tells right decodings from mojibake) ------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "người",
        "Nghiêng",
        "khuỷu",
        "quyết",
        "giữ",
        "gì",
        "BỘ",
        "Đắk",
        "xoong",
        "thuở",
        "oai",
        "yêu",
        "uống",
        "chuyện",
        "hoàng",
        "a",
        "ở",
        "nước",
        "khuya",
        "trường",
    ],
)
def test_real_syllables_have_a_syllable_shape(word: str) -> None:
    assert is_syllable(word)
    assert is_syllable(nfd(word))


@pytest.mark.parametrize(
    "word",
    ["Bieân", "BiĂªn", "tuáº§n", "chÆ°a", "hóà", "ÐT", "café", "Zürich", "tu2n", "ôtô", "ngưyên"],
)
def test_mojibake_and_foreign_words_do_not(word: str) -> None:
    assert not is_syllable(word)


# --- typing without an input method ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("tuaanf tra chung", "tuần tra chung"),
        ("tuaafn tra", "tuần tra"),  # the tone key before the final consonant
        ("tua62n tra", "tuần tra"),
        ("tua2n6 tra", "tuần tra"),  # VNI marks in any order after their vowel
        ("Vieetj Nam", "việt nam"),
        ("nguwowif", "người"),
        ("nguo72i", "người"),
        ("quoocs hooij", "quốc hội"),
        ("quoocs hooji", "quốc hội"),
        ("ddoonf bieen phongf", "đồn biên phòng"),
        ("d9o62n bie6n pho2ng", "đồn biên phòng"),
        ("hoaf binhf", "hòa bình"),  # the tone where the traditional placement puts it
        ("thuyr", "thủy"),
        ("xin chaof", "xin chào"),
        ("bieen giowis", "biên giới"),
        ("cuwar khaaur", "cửa khẩu"),
        ("cu73a kha63u", "cửa khẩu"),
    ],
)
def test_telex_and_vni_typing_is_decoded(typed: str, meant: str) -> None:
    assert decode_typing(typed.split()) == meant.split()


@pytest.mark.parametrize(
    "typed",
    [
        "status update", "show me", "hello world", "facebook", "google maps", "rest api",
        "tuan tra chung", "tuần tra", "2020", "covid 19", "W", "the", "iphone 15",
    ],
)  # fmt: skip
def test_english_plain_and_accented_words_are_left_alone(typed: str) -> None:
    assert decode_typing(typed.split()) is None
