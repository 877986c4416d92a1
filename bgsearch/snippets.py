"""Snippets: the best short passage of an article, with the offsets of every matched word.

Pure functions over text; matching is by the same term forms the index uses, so a word found
only through folding ("tuan" for "tuần") is highlighted in the original accented text.

We pick passages ourselves rather than with Whoosh's highlighter: its fragment scorers count
matches rather than distinct query words, and its formatters produce marked-up strings, while
the JSON contract and Rich both want plain text plus offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bgsearch.text import MARKS, Token, fold, term_forms, tokenize

__all__ = ["Snippet", "best_passage", "highlight_all", "matched_spans", "spellings"]

WIDTH = 200
# A long article is only searched this far for a passage: the opening almost always has one,
# and a 50 MB single-line file must not make every query that hits it slow.
SCAN_CHARS = 100_000
ELLIPSIS = "…"
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Snippet:
    """Display text and the ``[start, end)`` code point offsets of matched words in it."""

    text: str
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class _Match:
    index: int  # position of the token in the text
    token: Token
    folded: str
    exact: bool


def _matches(tokens: list[Token], folded: Collection[str], exact: Collection[str]) -> list[_Match]:
    found = []
    for index, token in enumerate(tokens):
        token_exact, token_folded = term_forms(token.text)
        if token_folded in folded:
            found.append(_Match(index, token, token_folded, token_exact in exact))
    return found


def highlight_all(text: str, folded: Collection[str], exact: Collection[str]) -> Snippet:
    """All of ``text`` (a title), whitespace compacted, every matched word highlighted."""
    matches = _matches(tokenize(text), folded, exact)
    return _cut(text, 0, len(text), matches)


def matched_spans(
    text: str, folded: Collection[str], exact: Collection[str]
) -> tuple[tuple[int, int], ...]:
    """The ``[start, end)`` offsets of every matched word in all of ``text`` (not compacted)."""
    return tuple((m.token.start, m.token.end) for m in _find(text, folded, exact))


def best_passage(
    text: str, folded: Collection[str], exact: Collection[str], width: int = WIDTH
) -> Snippet:
    """The window of about ``width`` characters with the most distinct matched words.

    Ties go to the window with more exact-accent matches, then more adjacent matched words
    (phrases), then the earlier one. The window is widened with context to ``width`` and cut
    on word boundaries, starting at a sentence start where one is close.
    """
    scanned = text[:SCAN_CHARS]
    matches = _find(scanned, folded, exact)
    if not matches:
        head = _tokens(scanned, 0, 2 * width)
        return _cut(text, 0, _word_end(scanned, head, width), [])

    best_key: tuple[int, int, int, int] | None = None
    best = (0, 1)
    counts: Counter[str] = Counter()
    exact_count = adjacent = 0
    j = 0
    for i, first in enumerate(matches):
        while j < len(matches) and matches[j].token.end - first.token.start <= width:
            counts[matches[j].folded] += 1
            exact_count += matches[j].exact
            if j > i and _adjacent(scanned, matches[j - 1], matches[j]):
                adjacent += 1
            j += 1
        if j == i:  # a single word longer than the window: show it anyway
            counts[first.folded] += 1
            exact_count += first.exact
            j += 1
        key = (len(counts), exact_count, adjacent, -i)
        if best_key is None or key > best_key:
            best_key, best = key, (i, j)
        # slide: drop matches[i] before the next start
        counts[first.folded] -= 1
        if not counts[first.folded]:
            del counts[first.folded]
        exact_count -= first.exact
        if i + 1 < j and _adjacent(scanned, first, matches[i + 1]):
            adjacent -= 1

    chosen = matches[best[0] : best[1]]
    start, end = chosen[0].token.start, chosen[-1].token.end
    spare = max(0, width - (end - start))
    # Only the words around the chosen matches are tokenized, not the whole article.
    near = _tokens(scanned, start - spare, start + 2 * width)
    first_near = next(k for k, t in enumerate(near) if t.start == start)
    start = _context_start(scanned, near, first_near, start - spare // 3)
    end = _word_end(scanned, near, start + width)
    end = max(end, chosen[-1].token.end)
    return _cut(text, start, end, [m for m in matches if start <= m.token.start < end])


def _find(text: str, folded: Collection[str], exact: Collection[str]) -> list[_Match]:
    """The words of ``text`` that fold to one of ``folded``, found by an accent-blind regex
    rather than by tokenizing the whole text (articles are long, snippets are per hit)."""
    pattern = _pattern(frozenset(folded))
    if pattern is None:
        return []
    found = []
    for index, m in enumerate(pattern.finditer(text)):
        token_exact, token_folded = term_forms(m.group())
        if token_folded in folded:
            found.append(
                _Match(
                    index, Token(m.group(), m.start(), m.end()), token_folded, token_exact in exact
                )
            )
    return found


def _adjacent(text: str, left: _Match, right: _Match) -> bool:
    """Two matched words with no other word between them."""
    return not _WORD_CHAR.search(text, left.token.end, right.token.start)


def _tokens(text: str, start: int, end: int) -> list[Token]:
    """The tokens of ``text[start:end]`` (widened to whole words), with offsets in ``text``."""
    start, end = max(0, start), min(len(text), end)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return tokenize(text, start, end)


@lru_cache(maxsize=256)
def _pattern(folded: frozenset[str]) -> re.Pattern[str] | None:
    terms = sorted((t for t in folded if t), key=len, reverse=True)
    if not terms:
        return None
    body = "|".join("".join(_CLASSES.get(ch, re.escape(ch)) for ch in term) for term in terms)
    # whole tokens only: no word character or combining mark on either side
    return re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_]|[{MARKS}])", re.IGNORECASE)


def _letter_classes() -> dict[str, str]:
    """For each ASCII letter, a regex class of every letter that folds to it (a: aàáảã…ÂẤ)."""
    spellings: dict[str, set[str]] = {}
    for code in (*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1EA0, 0x1F00)):
        ch = chr(code)
        base = fold(ch).lower()
        if len(base) == 1 and base.isascii() and base.isalpha():
            spellings.setdefault(base, set()).update({ch, ch.lower(), ch.upper()})
    return {k: "[" + "".join(sorted(v)) + "]" for k, v in spellings.items()}


_CLASSES = _letter_classes()
_WORD_CHAR = re.compile(r"[^\W_]")


def _context_start(text: str, tokens: list[Token], first: int, limit: int) -> int:
    """Where to begin: the earliest sentence start at or after ``limit``, else a word start."""
    if limit <= 0:
        return 0
    within = [k for k in range(first, -1, -1) if tokens[k].start >= limit][::-1]
    for k in within:
        gap = text[tokens[k - 1].end : tokens[k].start] if k else "\n"
        if "\n" in gap or gap.strip()[-1:] in (".", "!", "?", ":"):
            return tokens[k].start
    return tokens[within[0]].start


def _word_end(text: str, tokens: list[Token], limit: int) -> int:
    """The end of the last word that ends by ``limit`` (or the text's end)."""
    if limit >= len(text):
        return len(text)
    end = 0
    for token in tokens:
        if token.end > limit:
            break
        end = token.end
    # keep punctuation that closes the last word ("biên giới." rather than "biên giới")
    while end < len(text) and end < limit and not text[end].isspace() and not text[end].isalnum():
        end += 1
    return end or min(limit, len(text))


def _cut(text: str, start: int, end: int, matches: list[_Match]) -> Snippet:
    """``text[start:end]`` with runs of whitespace made single spaces, offsets kept in step."""
    pieces: list[str] = [ELLIPSIS] if start > 0 else []
    length = len(pieces[0]) if pieces else 0
    originals: list[int] = []  # where each kept run starts in ``text`` ...
    moved: list[int] = []  # ... and in the snippet
    for run in _WORDS.finditer(text, start, end):
        if originals:
            pieces.append(" ")
            length += 1
        originals.append(run.start())
        moved.append(length)
        pieces.append(run.group())
        length += run.end() - run.start()
    if end < len(text.rstrip()):
        pieces.append(ELLIPSIS)
    highlights = []
    for match in matches:
        k = bisect_right(originals, match.token.start) - 1
        begin = moved[k] + match.token.start - originals[k]
        highlights.append((begin, begin + match.token.end - match.token.start))
    return Snippet("".join(pieces), tuple(highlights))


def spellings(text: str, folded: Sequence[str]) -> Counter[tuple[str, ...]]:
    """How the words ``folded`` (side by side, in order) are spelled in ``text``: each
    occurrence's exact forms ("tuan", "tra" -> ("tuần", "tra"): 3, ("tuấn", "tra"): 1)."""
    pattern = _sequence(tuple(folded))
    found: Counter[tuple[str, ...]] = Counter()
    for m in pattern.finditer(text[:SCAN_CHARS]):
        found[tuple(term_forms(word)[0] for word in m.groups())] += 1
    return found


@lru_cache(maxsize=64)
def _sequence(folded: tuple[str, ...]) -> re.Pattern[str]:
    words = ["(" + "".join(_CLASSES.get(ch, re.escape(ch)) for ch in term) + ")" for term in folded]
    return re.compile(
        r"(?<![^\W_])" + r"[^\w\n.!?;:]+".join(words) + rf"(?![^\W_]|[{MARKS}])", re.IGNORECASE
    )
