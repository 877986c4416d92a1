""" "Did you mean": a query as the user most likely meant it, from this index's own spellings.

Words typed in Telex or VNI without an input method are decoded ("tuaanf" -> "tuần").
Otherwise a query typed without any accent is respelled as this index spells it: words side by
side as the articles holding them together spell them most often, a lone word as its most
frequent form. A query typed with accents is respelled only where no article spells a word as
typed ("tuần tră"). The query's syntax stays as typed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from bgsearch import store as ix
from bgsearch.keyboard import decode_typing
from bgsearch.postings import Postings
from bgsearch.snippets import spellings
from bgsearch.text import accent_variants, exact_form, folded_form, pair, tokenize

__all__ = ["Index", "decoded_typing", "suggest"]


@dataclass(frozen=True, slots=True)
class Index:
    """What suggesting reads: term statistics and postings, and an article's stored text."""

    reader: Postings
    stored_fields: Callable[[int], dict[str, Any]]


CONTEXT_DOCS = 20  # articles read to learn how words side by side are spelled
MAX_WORDS = 16  # a longer text is a pasted passage, not something mistyped


def suggest(searcher: Index, text: str) -> str | None:
    """``text`` as the user most likely meant it, or None."""
    tokens = tokenize(text)
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    words = [t.text for t in tokens]
    decoded = decode_typing(words)
    if decoded is not None and not _attested(searcher, words, decoded):
        decoded = None  # "or" is Telex for "ỏ", and English far more often here
    if decoded is None:
        # A query typed with accents means its plain words are meant plain ("tuần tra
        # chung": chung has the level tone), and its accented words as typed, unless no
        # article spells them so ("tuần tră"): only those are respelled.
        wrong = [exact_form(w) != folded_form(w) and _unseen(searcher, w) for w in words]
        if not any(wrong) and not all(exact_form(w) == folded_form(w) for w in words):
            return None
        context = _in_context(searcher, words) if len(words) > 1 else None
        likely = context or [_likely(searcher, w) for w in words]
        decoded = [
            m if w or not any(wrong) else t for t, m, w in zip(words, likely, wrong, strict=True)
        ]
    return _respelled(text, tokens, decoded)


def decoded_typing(text: str) -> str | None:
    """``text`` with its Telex or VNI words decoded, when every word is a Vietnamese syllable
    so typed or typed plain ("gias vangf" -> "giá vàng"); else None."""
    tokens = tokenize(text)
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    decoded = decode_typing([t.text for t in tokens])
    return None if decoded is None else _respelled(text, tokens, decoded)


def _respelled(text: str, tokens: list[Any], words: list[str]) -> str | None:
    """``text`` with each token replaced by its word (the capitals typed kept); None if that
    changes nothing."""
    respelled = text
    for token, word in reversed(list(zip(tokens, words, strict=True))):
        if word.lower() != token.text.lower():
            respelled = respelled[: token.start] + _cased(word, token.text) + respelled[token.end :]
    return respelled if respelled != text else None


def _cased(word: str, typed: str) -> str:
    """``word`` with the capitals of what was typed: "Ha" -> "Hà", "HA" -> "HÀ"."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _in_context(searcher: Index, words: list[str]) -> list[str] | None:
    """How articles that hold these unaccented words side by side spell them most often.

    Reads a few articles found by the words' folded pairs: the most frequent spelling of a
    rare word alone is often another word (kich: kích, not kịch), while "tuan tra" side by
    side is "tuần tra" nearly everywhere.
    """
    folded = [folded_form(w) for w in words]
    reader = searcher.reader
    holding = [set(reader.postings(ix.BODY_PAIRS, pair(a, b))) for a, b in pairwise(folded)]
    found = sorted(set.intersection(*holding) - reader.deleted())
    counts: Counter[tuple[str, ...]] = Counter()
    for docnum in found[:CONTEXT_DOCS]:
        counts += spellings(searcher.stored_fields(docnum)[ix.BODY], folded)
    if not counts:
        return None
    return list(counts.most_common(1)[0][0])


def _held(searcher: Index, term: str, fields: tuple[str, ...] = ix.EXACT_FIELDS) -> int:
    """How many articles hold ``term`` in each of ``fields``, added up."""
    return sum(searcher.reader.doc_frequency(f, term) for f in fields)


def _attested(searcher: Index, typed: list[str], decoded: list[str]) -> bool:
    """Whether each word decoding changed is held by more articles decoded than as typed
    (accents aside): "gias" by none, "or" by more than "ỏ"."""
    folded = (ix.TITLE_FOLDED, ix.BODY_FOLDED)
    return all(
        _held(searcher, exact_form(d)) > _held(searcher, folded_form(t), folded)
        for t, d in zip(typed, decoded, strict=True)
        if folded_form(t) != folded_form(d)
    )


def _unseen(searcher: Index, word: str) -> bool:
    """Whether no article spells ``word`` (accents and all) as typed."""
    return not _held(searcher, exact_form(word))


def _likely(searcher: Index, word: str) -> str:
    """The spelling of an unaccented word most frequent in the index, or the word."""
    best, best_count = word, 0
    for variant in accent_variants(folded_form(word)):
        count = _held(searcher, variant)
        if count > best_count:
            best, best_count = variant, count
    return word if best == word.lower() else best
