"""The query language for people, parsed without Whoosh.

    tuần tra chung          words; hits with every word come first, then partial matches
    "biên giới"             a phrase: the syllables side by side (exact or folded, like words)
    -"buôn lậu"  -ma        exclude documents with the phrase or word
    hòa OR hoà OR hoa       alternatives: any of them counts as that word
    title:"biên phòng"      match in the title only
    biên*                   words that start with "bien" (accents aside; 2 letters or more)
    tuần~  tuần~2           words within 1 (or 2) edits of "tuan" (accents aside): typos

Everything else is literal text: punctuation is never an operator by accident (``không?`` is
the word ``không``), and malformed syntax (an unbalanced quote, a lone ``OR`` or ``-``, stray
brackets) falls back to plain words instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bgsearch.text import normalize, tokenize

__all__ = ["FUZZY", "PREFIX", "WORD", "Group", "ParsedQuery", "Unit", "parse"]

TITLE = "title"
WORD, PREFIX, FUZZY = "word", "prefix", "fuzzy"
# "biên*", "tuần~", "tuần~2": a single word with its operator at the end.
_PREFIX = re.compile(r"^([^\W_]{2,})\*$")
_FUZZY = re.compile(r"^([^\W_]{2,})~([12])?$")


@dataclass(frozen=True, slots=True)
class Unit:
    """A word (one syllable) or a phrase (several, in order), as the user typed them."""

    syllables: tuple[str, ...]
    field: str | None = None  # None: title and body; TITLE: title only
    kind: str = WORD  # WORD, PREFIX ("biên*") or FUZZY ("tuần~")
    distance: int = 0  # edits a FUZZY word allows


@dataclass(frozen=True, slots=True)
class Group:
    """Alternatives joined by OR; a document matches the group if it matches any of them."""

    alternatives: tuple[Unit, ...]


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """What to look for (every group counts, partial matches rank lower) and what to exclude."""

    groups: tuple[Group, ...] = ()
    excluded: tuple[Unit, ...] = field(default=())

    @property
    def syllables(self) -> tuple[str, ...]:
        """Every syllable the user wants to find, in order, for highlighting."""
        return tuple(s for g in self.groups for u in g.alternatives for s in u.syllables)

    @property
    def is_empty(self) -> bool:
        return not self.groups


# Typographic quotes count as quotes: phones and word processors type them.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
# An item: optional "-", optional "title:", then a "quoted phrase" or a run of non-space text.
_ITEM = re.compile(
    r'(?P<neg>-)?(?:(?P<field>title):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))', re.I
)


@dataclass(slots=True)
class _Item:
    unit: Unit | None  # None for an item with no letters or digits, such as "-" or "()"
    negated: bool
    is_or: bool


def parse(query: str) -> ParsedQuery:
    """Parse what the user typed; never raises."""
    text = normalize(query).translate(_QUOTES)
    if text.count('"') % 2:
        # An unbalanced quote is not a phrase: drop the last one and read the rest as words.
        cut = text.rindex('"')
        text = text[:cut] + " " + text[cut + 1 :]
    items = [_read_item(m) for m in _ITEM.finditer(text)]

    groups: list[list[Unit]] = []
    excluded: list[Unit] = []
    joining = False  # the previous item was an OR that joins the next unit to the last group
    for index, read in enumerate(items):
        item = read
        if item.is_or:
            before = items[index - 1] if index else None
            after = items[index + 1] if index + 1 < len(items) else None
            if groups and not joining and _positive(before) and _positive(after):
                joining = True
                continue
            item = _Item(Unit(("OR",)), negated=False, is_or=False)  # a lone OR is a word
        if item.unit is None:
            continue
        if item.negated:
            excluded.append(item.unit)
        elif joining:
            groups[-1].append(item.unit)
        else:
            groups.append([item.unit])
        joining = False
    return ParsedQuery(
        tuple(Group(tuple(dict.fromkeys(g))) for g in groups), tuple(dict.fromkeys(excluded))
    )


def _positive(item: _Item | None) -> bool:
    return item is not None and item.unit is not None and not item.negated and not item.is_or


def _read_item(match: re.Match[str]) -> _Item:
    phrase, word = match.group("phrase"), match.group("word")
    raw = phrase if phrase is not None else word
    is_or = word == "OR" and not match.group("neg") and not match.group("field")
    syllables = tuple(t.text for t in tokenize(raw))
    where = TITLE if match.group("field") else None
    unit = Unit(syllables, where) if syllables else None
    if word is not None and (prefix := _PREFIX.match(word)):
        unit = Unit((prefix.group(1),), where, PREFIX)
    elif word is not None and (fuzzy := _FUZZY.match(word)):
        unit = Unit((fuzzy.group(1),), where, FUZZY, int(fuzzy.group(2) or 1))
    return _Item(unit, negated=bool(match.group("neg")), is_or=is_or)
