"""Prefix (``biên*``) and typo-tolerant (``tuần~2``) words: the index's terms they reach.

The most frequent terms first, within the bounds of :class:`bgsearch.ranking.Ranking` ("th*"
reaches over a thousand words and millions of postings), each with how close it is to what was
typed, which weighs its score (see :mod:`bgsearch.retrieval`).
"""

from __future__ import annotations

from bgsearch import store as ix
from bgsearch.plan import Alternative
from bgsearch.postings import Postings
from bgsearch.querylang import PREFIX
from bgsearch.ranking import Ranking
from bgsearch.text import edit_distance

__all__ = ["expand"]


def expand(
    reader: Postings, alternative: Alternative, ranking: Ranking
) -> tuple[list[tuple[str, float]], str | None]:
    """The folded terms a prefix or fuzzy word reaches, most frequent first (at most
    ``max_expansions`` and ``max_expansion_postings``), each with its closeness to the stem
    (1.0 the stem itself); and a note for the user when some were left out."""
    stem = alternative.folded[0]
    if alternative.kind == PREFIX:
        terms = {t for f in (ix.TITLE_FOLDED, ix.BODY_FOLDED) for t in reader.terms_from(f, stem)}
    else:
        terms = {
            t
            for f in (ix.TITLE_FOLDED, ix.BODY_FOLDED)
            for t in reader.terms_near(f, stem, alternative.distance)
        }
    counted = sorted((-reader.doc_frequency(ix.BODY_FOLDED, t), t) for t in terms)
    frequent: list[str] = []
    postings = 0
    for minus_df, term in counted:
        if frequent and (
            len(frequent) == ranking.max_expansions
            or postings - minus_df > ranking.max_expansion_postings
        ):
            break
        frequent.append(term)
        postings -= minus_df
    note = None
    if len(frequent) < len(counted):
        typed = stem + ("*" if alternative.kind == PREFIX else f"~{alternative.distance}")
        note = f"{typed} reaches {len(counted):,} words; searching the {len(frequent)}"
        note += " most frequent"
    if alternative.kind == PREFIX:
        return [(t, len(stem) / len(t)) for t in frequent], note
    return [(t, 1.0 / (1 + edit_distance(stem, t))) for t in frequent], note
