"""The query language: syntax for people, and malformed input read as plain words."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bgsearch.querylang import FUZZY, PREFIX, Group, ParsedQuery, Unit, parse


def words(*groups: str) -> tuple[Group, ...]:
    return tuple(Group((Unit(tuple(g.split())),)) for g in groups)


def test_plain_words_are_one_group_each() -> None:
    assert parse("tuần tra chung") == ParsedQuery(words("tuần", "tra", "chung"))


def test_quoted_phrase_is_one_unit_and_typographic_quotes_count() -> None:
    expected = ParsedQuery(words("biên giới", "an"))
    assert parse('"biên giới" an') == expected
    assert parse("“biên giới” an") == expected


def test_exclusions_of_words_and_phrases() -> None:
    assert parse('tuần tra -ma -"buôn lậu"') == ParsedQuery(
        words("tuần", "tra"), (Unit(("ma",)), Unit(("buôn", "lậu")))
    )


def test_or_joins_alternatives_into_one_group() -> None:
    assert parse("hòa OR hoà OR hoa bình") == ParsedQuery(
        (Group((Unit(("hòa",)), Unit(("hoà",)), Unit(("hoa",)))), *words("bình"))
    )


def test_title_field() -> None:
    assert parse('title:"biên phòng" title:Cao an') == ParsedQuery(
        (
            Group((Unit(("biên", "phòng"), "title"),)),
            Group((Unit(("Cao",), "title"),)),
            *words("an"),
        )
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("không?", words("không")),  # Whoosh's parser makes this a wildcard
        ("b*", words("b")),  # a prefix needs two letters
        ("biên**", words("biên")),
        ("tuần~3", (Group((Unit(("tuần", "3")),)),)),  # at most two edits
        ('"biên*"', words("biên")),  # inside quotes, text
        ('"tuần tra', words("tuần", "tra")),  # unbalanced quote
        ('a "b c" "d', (*words("a"), Group((Unit(("b", "c")),)), *words("d"))),
        ("OR tuần", words("OR", "tuần")),  # lone operators are words
        ("tuần OR", words("tuần", "OR")),
        ("a OR OR b", words("a", "OR", "OR", "b")),
        ("(tuần) [tra] {chung}", words("tuần", "tra", "chung")),
        ("Covid-19", (Group((Unit(("Covid", "19")),)),)),
        ("title:", words("title")),
        ("body:tuần", (Group((Unit(("body", "tuần")),)),)),  # an unknown field is text
    ],
)
def test_malformed_or_special_syntax_falls_back_to_words(
    query: str, expected: tuple[Group, ...]
) -> None:
    assert parse(query).groups == expected


@pytest.mark.parametrize("query", ["", "   ", "-", "???", '""', "-tuần", 'title:""'])
def test_queries_with_nothing_to_find_are_empty(query: str) -> None:
    assert parse(query).is_empty


@given(st.text())
def test_parse_never_raises_and_keeps_only_real_syllables(query: str) -> None:
    parsed = parse(query)
    for syllable in parsed.syllables:
        assert syllable[0].isalnum()
        # marks, or code points of the combining blocks this Python's Unicode does not yet name
        assert all(
            ch.isalnum() or unicodedata.category(ch) in {"Mn", "Mc", "Me", "Cn"} for ch in syllable
        )


@pytest.mark.parametrize(
    ("query", "unit"),
    [
        ("biên*", Unit(("biên",), kind=PREFIX)),
        ("title:bien*", Unit(("bien",), "title", PREFIX)),
        ("tuần~", Unit(("tuần",), kind=FUZZY, distance=1)),
        ("tuần~2", Unit(("tuần",), kind=FUZZY, distance=2)),
    ],
)
def test_prefix_and_fuzzy_words(query: str, unit: Unit) -> None:
    assert parse(query).groups == (Group((unit,)),)
