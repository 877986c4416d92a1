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
from collections.abc import Collection
from dataclasses import dataclass

from bgsearch.text import Token, term_forms, tokenize

__all__ = ["Snippet", "best_passage", "highlight_all"]

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


def best_passage(
    text: str, folded: Collection[str], exact: Collection[str], width: int = WIDTH
) -> Snippet:
    """The window of about ``width`` characters with the most distinct matched words.

    Ties go to the window with more exact-accent matches, then more adjacent matched words
    (phrases), then the earlier one. The window is widened with context to ``width`` and cut
    on word boundaries, starting at a sentence start where one is close.
    """
    scanned = text[:SCAN_CHARS]
    tokens = tokenize(scanned)
    matches = _matches(tokens, folded, exact)
    if not matches:
        end = _word_end(scanned, tokens, width)
        return _cut(text, 0, end, [])

    best_key: tuple[int, int, int, int] | None = None
    best = (0, 1)
    counts: Counter[str] = Counter()
    exact_count = adjacent = 0
    j = 0
    for i, first in enumerate(matches):
        while j < len(matches) and matches[j].token.end - first.token.start <= width:
            counts[matches[j].folded] += 1
            exact_count += matches[j].exact
            if j > i and matches[j].index == matches[j - 1].index + 1:
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
        if i + 1 < j and matches[i + 1].index == first.index + 1:
            adjacent -= 1

    chosen = matches[best[0] : best[1]]
    start, end = chosen[0].token.start, chosen[-1].token.end
    spare = max(0, width - (end - start))
    start = _context_start(scanned, tokens, chosen[0].index, start - spare // 3)
    end = _word_end(scanned, tokens, start + width)
    end = max(end, chosen[-1].token.end)
    return _cut(text, start, end, [m for m in matches if start <= m.token.start < end])


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
