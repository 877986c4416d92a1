"""A parsed query turned into what retrieval looks up and scores: pure, no index.

Each group of the query (a word, a phrase, or alternatives joined by OR) becomes the folded
terms that find it and the exact terms of its accented syllables, which score on top; two
neighbouring plain words also look for their folded pair ("biên giới" -> ``bien_gioi``).
:mod:`bgsearch.retrieval` runs a plan against the index; :mod:`bgsearch.ranking` weighs what it
finds.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from bgsearch.querylang import FUZZY, PREFIX, TITLE, WORD, Group, ParsedQuery, Unit
from bgsearch.text import pair, term_forms

__all__ = ["PAIR", "PHRASE", "Alternative", "GroupPlan", "Plan", "make_plan"]

# Kinds of an alternative besides querylang's WORD, PREFIX and FUZZY: a two-syllable phrase is
# one pair term; a longer one needs positions.
PAIR, PHRASE = "pair", "phrase"


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way to find a group.

    ``folded`` holds, by kind: WORD the folded syllable; PAIR the folded pair term; PHRASE the
    folded syllables in order; PREFIX and FUZZY the folded stem to expand. ``exact`` holds the
    exact forms of the syllables typed with accents (empty when none were).
    """

    kind: str
    folded: tuple[str, ...]
    exact: tuple[str, ...] = ()
    title_only: bool = False
    distance: int = 0  # edits a FUZZY stem allows


@dataclass(frozen=True, slots=True)
class GroupPlan:
    """A group of the query: found when any of its alternatives is."""

    text: str  # as the user typed it, for "missing"
    alternatives: tuple[Alternative, ...]

    @property
    def accented(self) -> bool:
        return any(a.exact for a in self.alternatives)

    @property
    def single_word(self) -> str | None:
        """The folded syllable, when the group is one plain word in title and body."""
        (first, *others) = self.alternatives
        if others or first.kind != WORD or first.title_only:
            return None
        return first.folded[0]


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a query asks retrieval for."""

    groups: tuple[GroupPlan, ...]
    neighbours: tuple[tuple[int, str], ...]  # (i, folded pair of groups i and i + 1)
    excluded: tuple[Alternative, ...]
    long_question: bool


def make_plan(parsed: ParsedQuery, long_from: int, plain_is_exact: bool = True) -> Plan:
    """The plan for ``parsed``; a query of ``long_from`` groups or more is a long question.

    With ``plain_is_exact``, a query typed with accents means its plain words plain
    ("tuần tra chung": ``chung``, not ``chúng``), so they score their exact form too.
    """
    accented = any(term_forms(s)[0] != term_forms(s)[1] for s in parsed.syllables)
    plain = plain_is_exact and accented
    groups = tuple(dict.fromkeys(_group(g, plain) for g in parsed.groups))  # each once
    neighbours = tuple(
        (i, pair(left, right))
        for i, (left, right) in enumerate(pairwise(g.single_word for g in groups))
        if left and right
    )
    excluded = tuple(_alternative(u, excluding=True) for u in parsed.excluded)
    return Plan(groups, neighbours, excluded, len(groups) >= long_from)


def _group(group: Group, plain_is_exact: bool) -> GroupPlan:
    text = " OR ".join(_typed(u) for u in group.alternatives)
    return GroupPlan(text, tuple(_alternative(u, plain_is_exact) for u in group.alternatives))


def _typed(unit: Unit) -> str:
    words = " ".join(unit.syllables)
    if unit.kind == PREFIX:
        words += "*"
    elif unit.kind == FUZZY:
        words += "~" if unit.distance == 1 else f"~{unit.distance}"
    elif len(unit.syllables) > 1:
        words = f'"{words}"'
    return f"title:{words}" if unit.field == TITLE else words


def _alternative(unit: Unit, plain_is_exact: bool = False, excluding: bool = False) -> Alternative:
    forms = [term_forms(s) for s in unit.syllables]
    folded = tuple(f for _, f in forms)
    exact = tuple(e for e, f in forms if e != f or (plain_is_exact and e.isalpha()))
    title_only = unit.field == TITLE
    if unit.kind != WORD:  # a prefix or typo-tolerant word: its stem, as typed if accented
        accented = tuple(e for e, f in forms[:1] if e != f)
        return Alternative(unit.kind, folded[:1], accented, title_only, unit.distance)
    if len(forms) == 1:
        return Alternative(WORD, folded, exact, title_only)
    if excluding:
        exact = ()  # an excluded phrase is excluded in every spelling
    if len(forms) == 2:
        return Alternative(PAIR, (pair(*folded),), exact, title_only)
    return Alternative(PHRASE, folded, exact, title_only)
