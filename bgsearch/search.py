"""Query to hits: turn a parsed query into Whoosh queries, rank, and build snippets.

How a query ranks (knobs in :mod:`bgsearch.ranking`):

* each syllable matches its folded form; an accented syllable also scores its exact form, so
  exact-accent matches rank above folded-only ones, while an unaccented syllable matches every
  accented spelling equally;
* title matches weigh more than body matches (BM25F per field, summed);
* two query syllables side by side in a document score an adjacency bonus;
* short queries list the documents that match every word group first, then partial matches;
  long questions are ranked partial matches throughout.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.scoring import BM25F

from bgsearch import index as ix
from bgsearch.querylang import Group, ParsedQuery, Unit, parse
from bgsearch.ranking import RANKING, Ranking
from bgsearch.snippets import best_passage, highlight_all
from bgsearch.text import term_forms

__all__ = ["Hit", "Searcher"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked result: the JSON Lines contract, every field always present."""

    query: str
    rank: int
    id: str
    path: str
    title: str
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    title_highlights: tuple[tuple[int, int], ...]


# (exact field, folded field, boost) for each place a word can be found.
def _places(ranking: Ranking) -> dict[str | None, list[tuple[str, str, float]]]:
    title = (ix.TITLE_EXACT, ix.TITLE_FOLDED, ranking.title_boost)
    body = (ix.BODY_EXACT, ix.BODY_FOLDED, 1.0)
    return {None: [title, body], "title": [title]}


class Searcher:
    """An open index, ready for any number of queries; close it (or use ``with``) when done."""

    def __init__(self, index_dir: Path, ranking: Ranking = RANKING) -> None:
        self._index = ix.open_index(index_dir)
        self._ranking = ranking
        self._places = _places(ranking)
        self._searcher = self._index.searcher(weighting=BM25F(B=ranking.b, K1=ranking.k1))

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._searcher.close()

    def search(self, text: str, limit: int = 10) -> list[Hit]:
        """The best ``limit`` hits for ``text`` in the query language, best first."""
        parsed = parse(text)
        if parsed.is_empty or limit < 1:
            return []
        return [
            self._hit(text, rank, found, parsed)
            for rank, found in enumerate(self._ranked(parsed, limit), start=1)
        ]

    # --- ranking ---------------------------------------------------------------------------

    def _ranked(self, parsed: ParsedQuery, limit: int) -> Iterator[Any]:
        groups = [self._group(g) for g in parsed.groups]
        bonus = self._adjacency(parsed.groups)
        excluded = [self._unit(u) for u in parsed.excluded]

        def finish(core: Any) -> Any:
            if bonus:
                core = wq.AndMaybe(core, wq.Or(bonus))
            if excluded:
                core = wq.AndNot(core, wq.Or(excluded))
            return core

        seen: set[int] = set()
        if 1 < len(groups) <= self._ranking.tiered_max_groups:
            for found in self._searcher.search(finish(wq.And(groups)), limit=limit):
                seen.add(found.docnum)
                yield found
            if len(seen) == limit:
                return
        rest = self._searcher.search(
            finish(wq.Or(groups)), limit=limit - len(seen), mask=seen or None
        )
        yield from rest

    def _group(self, group: Group) -> Any:
        units = [self._unit(u) for u in group.alternatives]
        return units[0] if len(units) == 1 else wq.Or(units)

    def _unit(self, unit: Unit) -> Any:
        forms = [term_forms(s) for s in unit.syllables]
        return wq.Or([self._in_field(forms, *place) for place in self._places[unit.field]])

    def _in_field(
        self, forms: list[tuple[str, str]], exact_field: str, folded_field: str, boost: float
    ) -> Any:
        folded = [f for _, f in forms]
        found: Any = (
            wq.Term(folded_field, folded[0], boost=boost)
            if len(forms) == 1
            else wq.Phrase(folded_field, folded, boost=boost)
        )
        accented = [e for e, f in forms if e != f]
        if not accented:
            return found
        weight = boost * self._ranking.exact_boost
        if len(accented) == len(forms) > 1:
            exact: Any = wq.Phrase(exact_field, accented, boost=weight)
        else:
            exact = wq.Or([wq.Term(exact_field, e, boost=weight) for e in accented])
        return wq.AndMaybe(found, exact)

    def _adjacency(self, groups: tuple[Group, ...]) -> list[Any]:
        """Phrase bonuses for each pair of neighbouring single-word groups."""
        words = [
            g.alternatives[0].syllables[0]
            if len(g.alternatives) == 1
            and len(g.alternatives[0].syllables) == 1
            and g.alternatives[0].field is None
            else None
            for g in groups
        ]
        bonus = []
        weight = self._ranking.adjacency_boost
        for left, right in pairwise(words):
            if left and right:
                pair = [term_forms(left)[1], term_forms(right)[1]]
                for _, folded_field, boost in self._places[None]:
                    bonus.append(wq.Phrase(folded_field, pair, boost=boost * weight))
        return bonus

    # --- hits ------------------------------------------------------------------------------

    def _hit(self, text: str, rank: int, found: Any, parsed: ParsedQuery) -> Hit:
        stored = found.fields()
        forms = [term_forms(s) for s in parsed.syllables]
        folded = {f for _, f in forms}
        exact = {e for e, f in forms if e != f}
        snippet = best_passage(stored[ix.BODY], folded, exact)
        title = highlight_all(stored[ix.TITLE], folded, exact)
        return Hit(
            query=text,
            rank=rank,
            id=stored[ix.ID],
            path=stored[ix.PATH],
            title=title.text,
            score=round(float(found.score), 4),
            snippet=snippet.text,
            highlights=snippet.highlights,
            title_highlights=title.highlights,
        )
